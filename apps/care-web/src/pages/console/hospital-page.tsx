import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { ApiClientsPanel } from './api-clients-panel';
import { Hl7ConnectionForm, ImportSourceForm, WebServiceConnectionForm } from './connection-forms';
import { AlertsPanel } from './alerts-panel';
import { AuditPanel } from './audit-panel';
import { ConnectionTestPanel } from './connection-test-panel';
import { SiuPanel } from './siu-panel';
import { WebhooksPanel } from './webhooks-panel';

const HOSPITAL_SCOPES = ['patients:read', 'patients:write', 'careflows:write', 'imports', 'users:write', 'scim', 'webhooks'];

/** One hospital: its API clients, users, care-flow definitions, connections and audit trail. */
export function HospitalPage() {
  const { hospitalId = '' } = useParams();
  return (
    <section aria-labelledby="hospital-title">
      <h1 id="hospital-title">Hospital</h1>
      <p>
        <Link to={`/console/messages?hospitalId=${hospitalId}`}>Message log of this hospital</Link>
      </p>
      <h2>API clients</h2>
      <ApiClientForm hospitalId={hospitalId} />
      <h2>Users</h2>
      <UserForm hospitalId={hospitalId} />
      <h2>Care-flow definitions</h2>
      <DefinitionForm hospitalId={hospitalId} />
      <h2>Web service connection</h2>
      <WebServiceConnectionForm hospitalId={hospitalId} />
      <ConnectionTestPanel hospitalId={hospitalId} kind="webservice" />
      <h2>HL7 connection</h2>
      <Hl7ConnectionForm hospitalId={hospitalId} />
      <ConnectionTestPanel hospitalId={hospitalId} kind="hl7" />
      <h2>Import source</h2>
      <ImportSourceForm hospitalId={hospitalId} />
      <h2>SIU scheduling</h2>
      <SiuPanel hospitalId={hospitalId} />
      <ConnectionTestPanel hospitalId={hospitalId} kind="siu" />
      <h2>Alerts</h2>
      <AlertsPanel hospitalId={hospitalId} />
      <h2>Webhooks</h2>
      <WebhooksPanel hospitalId={hospitalId} />
      <h2>Audit events</h2>
      <AuditPanel hospitalId={hospitalId} />
    </section>
  );
}

function usePost<T>(path: string) {
  const [result, setResult] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function post(body: unknown) {
    setError(null);
    try {
      setResult(await api<T>('POST', path, body));
    } catch (caught) {
      setError(caught);
    }
  }
  return { result, error, post };
}

function ApiClientForm({ hospitalId }: { hospitalId: string }) {
  const { result, error, post } = usePost<{ clientId: string; clientSecret: string }>(`/v1/admin/hospitals/${hospitalId}/api-clients`);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void post({ name: form.get('name'), scopes: form.getAll('scopes') });
  };
  return (
    <>
    {/* The list reloads when a client was created. */}
    <ApiClientsPanel hospitalId={hospitalId} refreshKey={result} />
    <form onSubmit={submit} aria-label="New API client">
      <label>
        Name <input name="name" required />
      </label>
      <fieldset>
        <legend>Scopes</legend>
        {HOSPITAL_SCOPES.map((scope) => (
          <label key={scope}>
            <input type="checkbox" name="scopes" value={scope} defaultChecked={scope.startsWith('patients')} /> {scope}
          </label>
        ))}
      </fieldset>
      <button type="submit">Create API client</button>
      {result && (
        <p role="status">
          Client ID <code>{result.clientId}</code>, secret <code>{result.clientSecret}</code> — copy it now, it is shown only once.
        </p>
      )}
      <ProblemMessage error={error} />
    </form>
    </>
  );
}

function UserForm({ hospitalId }: { hospitalId: string }) {
  const { result, error, post } = usePost<{ id: string; email: string }>(`/v1/admin/hospitals/${hospitalId}/users`);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const optional = (name: string) => (String(form.get(name) ?? '') ? { [name]: form.get(name) } : {});
    void post({ email: form.get('email'), firstName: form.get('firstName'), lastName: form.get('lastName'), roles: form.getAll('roles'), ...optional('physicianCode'), ...optional('password') });
  };
  return (
    <form onSubmit={submit} aria-label="New user">
      <label>
        E-mail <input name="email" type="email" required />
      </label>
      <label>
        First name <input name="firstName" required />
      </label>
      <label>
        Last name <input name="lastName" required />
      </label>
      <fieldset>
        <legend>Roles</legend>
        {['clinician', 'physician', 'hospital-admin'].map((role) => (
          <label key={role}>
            <input type="checkbox" name="roles" value={role} defaultChecked={role === 'clinician'} /> {role}
          </label>
        ))}
      </fieldset>
      <label>
        Physician code <input name="physicianCode" />
      </label>
      <label>
        Password (optional, 12+ characters) <input name="password" type="password" minLength={12} />
      </label>
      <button type="submit">Create user</button>
      {result && <p role="status">Created {result.email}.</p>}
      <ProblemMessage error={error} />
    </form>
  );
}

function DefinitionForm({ hospitalId }: { hospitalId: string }) {
  const { result, error, post } = usePost<{ key: string }>(`/v1/admin/hospitals/${hospitalId}/care-flow-definitions`);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // One field per line: `key type [required]`, e.g. `surgeryDate date required`.
    const baseline = String(form.get('baseline') ?? '')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([key, type = 'string', required]) => ({ key, type, required: required === 'required' }));
    void post({ key: form.get('key'), title: form.get('title'), baseline });
  };
  return (
    <form onSubmit={submit} aria-label="New care-flow definition">
      <label>
        Key <input name="key" required pattern="[a-z0-9][a-z0-9-]*" />
      </label>
      <label>
        Title <input name="title" required />
      </label>
      <label>
        Baseline fields (one per line: key type [required])
        <textarea name="baseline" rows={4} defaultValue={'appointmentDate datetime\nappointmentType string\nphysicianCode string\nlocation string'} />
      </label>
      <button type="submit">Create definition</button>
      {result && <p role="status">Created {result.key}.</p>}
      <ProblemMessage error={error} />
    </form>
  );
}
