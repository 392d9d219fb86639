import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';

interface ApiClientView {
  id: string;
  name: string;
  clientId: string;
  scopes: string[];
  active: boolean;
  previousSecretValidUntil: string | null;
}

/**
 * The hospital's API clients: rotate a secret (the new one is shown once; the old one keeps working for
 * 24 h so the EMR can switch) or deactivate a client (its secret and tokens stop working within a minute).
 */
export function ApiClientsPanel({ hospitalId, refreshKey }: { hospitalId: string; refreshKey: unknown }) {
  const [clients, setClients] = useState<ApiClientView[] | null>(null);
  const [secret, setSecret] = useState<{ clientId: string; clientSecret: string; previousSecretValidUntil: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const base = `/v1/admin/hospitals/${hospitalId}/api-clients`;

  const load = useCallback(async () => {
    try {
      setClients(await api<ApiClientView[]>('GET', base));
    } catch (caught) {
      setError(caught);
    }
  }, [base]);
  useEffect(() => void load(), [load, refreshKey]);

  async function act(action: () => Promise<void>) {
    setError(null);
    try {
      await action();
      await load();
    } catch (caught) {
      setError(caught);
    }
  }
  const rotate = (client: ApiClientView) =>
    act(async () => {
      const rotated = await api<{ clientSecret: string; previousSecretValidUntil: string }>(
        'POST',
        `${base}/${client.clientId}/rotate-secret`,
        {},
      );
      setSecret({ clientId: client.clientId, ...rotated });
    });
  const deactivate = (client: ApiClientView) => {
    if (!window.confirm(`Deactivate ${client.name}? Its secret and tokens stop working within a minute.`)) return;
    void act(async () => {
      await api('DELETE', `${base}/${client.clientId}`);
      setSecret(null);
    });
  };

  if (!clients) return <ProblemMessage error={error} />;
  return (
    <div>
      <table aria-label="API clients">
        <thead>
          <tr>
            <th>Name</th>
            <th>Client ID</th>
            <th>Scopes</th>
            <th>Status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {clients.map((client) => (
            <tr key={client.id}>
              <td>{client.name}</td>
              <td>
                <code>{client.clientId}</code>
              </td>
              <td>{client.scopes.join(', ')}</td>
              <td>
                {client.active ? 'active' : 'deactivated'}
                {client.active && client.previousSecretValidUntil && (
                  <> (previous secret valid until {new Date(client.previousSecretValidUntil).toLocaleString()})</>
                )}
              </td>
              <td>
                {client.active && (
                  <>
                    <button type="button" onClick={() => void rotate(client)} aria-label={`Rotate secret of ${client.name}`}>
                      Rotate secret
                    </button>{' '}
                    <button type="button" onClick={() => deactivate(client)} aria-label={`Deactivate ${client.name}`}>
                      Deactivate
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {secret && (
        <p role="status">
          New secret for <code>{secret.clientId}</code>: <code>{secret.clientSecret}</code> — copy it now, it is shown
          only once. The previous secret works until {new Date(secret.previousSecretValidUntil).toLocaleString()}.
        </p>
      )}
      <ProblemMessage error={error} />
    </div>
  );
}
