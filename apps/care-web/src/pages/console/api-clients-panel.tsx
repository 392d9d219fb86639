import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { useEditableList } from './use-editable-list';
import { useDates } from '../../i18n/dates';

/** The scopes a hospital's client may hold (`admin` is the platform's only). */
export const HOSPITAL_SCOPES = [
  'patients:read',
  'patients:write',
  'careflows:write',
  'imports',
  'users:write',
  'scim',
  'webhooks',
];

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
  const [secret, setSecret] = useState<{
    clientId: string;
    clientSecret: string;
    previousSecretValidUntil: string;
  } | null>(null);
  const { t, rich } = useText();
  const { dateTime } = useDates();
  const base = `/v1/admin/hospitals/${hospitalId}/api-clients`;
  const {
    items: clients,
    editing,
    setEditing,
    error,
    act,
  } = useEditableList<ApiClientView>(base, refreshKey);

  const rotate = (client: ApiClientView) =>
    act(async () => {
      const rotated = await api<{ clientSecret: string; previousSecretValidUntil: string }>(
        'POST',
        `${base}/${client.clientId}/rotate-secret`,
        {},
      );
      setSecret({ clientId: client.clientId, ...rotated });
    });
  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!editing) return;
    const form = new FormData(event.currentTarget);
    void act(async () => {
      await api('PATCH', `${base}/${editing.clientId}`, {
        name: form.get('name'),
        scopes: form.getAll('scopes'),
      });
      setEditing(null);
    });
  };
  const deactivate = (client: ApiClientView) => {
    if (!window.confirm(t('apiClients.confirmDeactivate', { name: client.name }))) return;
    void act(async () => {
      await api('DELETE', `${base}/${client.clientId}`);
      setSecret(null);
    });
  };

  if (!clients) return <ProblemMessage error={error} />;
  return (
    <div>
      <table aria-label={t('apiClients.table')}>
        <thead>
          <tr>
            <th>{t('common.name')}</th>
            <th>{t('apiClients.clientId')}</th>
            <th>{t('apiClients.scopes')}</th>
            <th>{t('common.status')}</th>
            <th>
              <span className="visually-hidden">{t('apiClients.actions')}</span>
            </th>
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
                {client.active ? t('common.active') : t('common.deactivated')}
                {client.active && client.previousSecretValidUntil && (
                  <> {t('apiClients.previousValid', { time: dateTime(client.previousSecretValidUntil) })}</>
                )}
              </td>
              <td>
                {client.active && (
                  <>
                    <button
                      type="button"
                      onClick={() => setEditing(client)}
                      aria-label={t('common.editNamed', { name: client.name })}
                    >
                      {t('common.edit')}
                    </button>{' '}
                    <button
                      type="button"
                      onClick={() => void rotate(client)}
                      aria-label={t('apiClients.rotateNamed', { name: client.name })}
                    >
                      {t('apiClients.rotate')}
                    </button>{' '}
                    <button
                      type="button"
                      onClick={() => deactivate(client)}
                      aria-label={t('apiClients.deactivateNamed', { name: client.name })}
                    >
                      {t('apiClients.deactivate')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && (
        <form
          key={editing.clientId}
          onSubmit={save}
          aria-label={t('common.editNamed', { name: editing.name })}
        >
          <label>
            {t('common.name')} <input name="name" required defaultValue={editing.name} />
          </label>
          <fieldset>
            <legend>{t('apiClients.scopes')}</legend>
            {HOSPITAL_SCOPES.map((scope) => (
              <label key={scope}>
                <input
                  type="checkbox"
                  name="scopes"
                  value={scope}
                  defaultChecked={editing.scopes.includes(scope)}
                />{' '}
                {scope}
              </label>
            ))}
          </fieldset>
          <button type="submit">{t('apiClients.save')}</button>{' '}
          <button type="button" onClick={() => setEditing(null)}>
            {t('common.cancel')}
          </button>
        </form>
      )}
      {secret && (
        <p role="status">
          {rich('apiClients.newSecret', {
            clientId: <code key="id">{secret.clientId}</code>,
            secret: <code key="secret">{secret.clientSecret}</code>,
            time: dateTime(secret.previousSecretValidUntil),
          })}
        </p>
      )}
      <ProblemMessage error={error} />
    </div>
  );
}
