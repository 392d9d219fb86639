import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { Hospital } from '../../api/types';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { TimeZoneProvider } from '../../i18n/dates';
import { ApiClientsPanel, HOSPITAL_SCOPES } from './api-clients-panel';
import { Hl7ConnectionForm, ImportSourceForm, WebServiceConnectionForm } from './connection-forms';
import { AlertsPanel } from './alerts-panel';
import { AuditPanel } from './audit-panel';
import { DefinitionsPanel, parseBaseline } from './definitions-panel';
import { USER_ROLES, UsersPanel } from './users-panel';
import { ConfigPanel } from './config-panel';
import { ConnectionTestPanel } from './connection-test-panel';
import { SiuPanel } from './siu-panel';
import { WebhooksPanel } from './webhooks-panel';

/** One hospital: its API clients, users, care-flow definitions, connections and audit trail. */
export function HospitalPage() {
  const { hospitalId = '' } = useParams();
  const { t } = useText();
  const [hospital, setHospital] = useState<Hospital | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let current = true;
    api<Hospital>('GET', `/v1/admin/hospitals/${hospitalId}`)
      .then((loaded) => current && setHospital(loaded))
      .catch((caught: unknown) => current && setError(caught));
    return () => {
      current = false;
    };
  }, [hospitalId]);
  // Times on this page (alerts, audit trail, SIU runs) are in this hospital's zone.
  return (
    <TimeZoneProvider timeZone={hospital?.timezone}>
      <section aria-labelledby="hospital-title">
        <h1 id="hospital-title">
          {hospital ? t('hospital.heading', { name: hospital.name, key: hospital.key }) : t('hospital.title')}
        </h1>
        <ProblemMessage error={error} />
        {hospital && <TimeZoneForm hospital={hospital} onSaved={setHospital} />}
        <p>
          <Link to={`/console/messages?hospitalId=${hospitalId}`}>{t('hospital.messageLog')}</Link>
        </p>
        <h2>{t('hospital.apiClients')}</h2>
        <ApiClientForm hospitalId={hospitalId} />
        <h2>{t('hospital.users')}</h2>
        <UserForm hospitalId={hospitalId} />
        <h2>{t('hospital.definitions')}</h2>
        <DefinitionForm hospitalId={hospitalId} />
        <h2>{t('hospital.webService')}</h2>
        <WebServiceConnectionForm hospitalId={hospitalId} />
        <ConnectionTestPanel hospitalId={hospitalId} kind="webservice" />
        <h2>{t('hospital.hl7')}</h2>
        <Hl7ConnectionForm hospitalId={hospitalId} />
        <ConnectionTestPanel hospitalId={hospitalId} kind="hl7" />
        <h2>{t('hospital.importSource')}</h2>
        <ImportSourceForm hospitalId={hospitalId} />
        <h2>{t('hospital.siu')}</h2>
        <SiuPanel hospitalId={hospitalId} />
        <ConnectionTestPanel hospitalId={hospitalId} kind="siu" />
        <h2>{t('hospital.alerts')}</h2>
        <AlertsPanel hospitalId={hospitalId} />
        <h2>{t('hospital.webhooks')}</h2>
        <WebhooksPanel hospitalId={hospitalId} />
        <h2>{t('hospital.config')}</h2>
        <ConfigPanel hospitalId={hospitalId} />
        <h2>{t('hospital.audit')}</h2>
        <AuditPanel hospitalId={hospitalId} />
      </section>
    </TimeZoneProvider>
  );
}

/** The zone every time on the hospital's screens is shown in; the API checks it is a real IANA zone. */
function TimeZoneForm({ hospital, onSaved }: { hospital: Hospital; onSaved: (hospital: Hospital) => void }) {
  const { t } = useText();
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const timezone = String(new FormData(event.currentTarget).get('timezone') ?? '').trim();
    setError(null);
    setSaved(false);
    try {
      onSaved(await api<Hospital>('PATCH', `/v1/admin/hospitals/${hospital.id}`, { timezone }));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <form onSubmit={save} aria-label={t('hospital.timezoneForm')}>
      <label>
        {t('hospital.timezone')} <input name="timezone" defaultValue={hospital.timezone} />
      </label>
      <button type="submit">{t('hospital.timezoneSave')}</button>
      {saved && <span role="status">{t('common.saved')}</span>}
      <ProblemMessage error={error} />
    </form>
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
  const { result, error, post } = usePost<{ clientId: string; clientSecret: string }>(
    `/v1/admin/hospitals/${hospitalId}/api-clients`,
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void post({ name: form.get('name'), scopes: form.getAll('scopes') });
  };
  const { t, rich } = useText();
  return (
    <>
      {/* The list reloads when a client was created. */}
      <ApiClientsPanel hospitalId={hospitalId} refreshKey={result} />
      <form onSubmit={submit} aria-label={t('apiClients.newForm')}>
        <label>
          {t('common.name')} <input name="name" required />
        </label>
        <fieldset>
          <legend>{t('apiClients.scopes')}</legend>
          {HOSPITAL_SCOPES.map((scope) => (
            <label key={scope}>
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                defaultChecked={scope.startsWith('patients')}
              />{' '}
              {scope}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('apiClients.create')}</button>
        {result && (
          <p role="status">
            {rich('apiClients.created', {
              clientId: <code key="id">{result.clientId}</code>,
              secret: <code key="secret">{result.clientSecret}</code>,
            })}
          </p>
        )}
        <ProblemMessage error={error} />
      </form>
    </>
  );
}

function UserForm({ hospitalId }: { hospitalId: string }) {
  const { result, error, post } = usePost<{ id: string; email: string }>(
    `/v1/admin/hospitals/${hospitalId}/users`,
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const optional = (name: string) => (String(form.get(name) ?? '') ? { [name]: form.get(name) } : {});
    void post({
      email: form.get('email'),
      firstName: form.get('firstName'),
      lastName: form.get('lastName'),
      roles: form.getAll('roles'),
      ...optional('physicianCode'),
      ...optional('password'),
    });
  };
  const { t } = useText();
  return (
    <>
      <UsersPanel hospitalId={hospitalId} refreshKey={result} />
      <form onSubmit={submit} aria-label={t('users.newForm')}>
        <label>
          {t('users.email')} <input name="email" type="email" required />
        </label>
        <label>
          {t('users.firstName')} <input name="firstName" required />
        </label>
        <label>
          {t('users.lastName')} <input name="lastName" required />
        </label>
        <fieldset>
          <legend>{t('users.roles')}</legend>
          {USER_ROLES.map((role) => (
            <label key={role}>
              <input type="checkbox" name="roles" value={role} defaultChecked={role === 'clinician'} /> {role}
            </label>
          ))}
        </fieldset>
        <label>
          {t('users.physicianCode')} <input name="physicianCode" />
        </label>
        <label>
          {t('users.password')} <input name="password" type="password" minLength={12} />
        </label>
        <button type="submit">{t('users.create')}</button>
        {result && <p role="status">{t('common.createdItem', { item: result.email })}</p>}
        <ProblemMessage error={error} />
      </form>
    </>
  );
}

function DefinitionForm({ hospitalId }: { hospitalId: string }) {
  const { result, error, post } = usePost<{ key: string }>(
    `/v1/admin/hospitals/${hospitalId}/care-flow-definitions`,
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    // One field per line: `key type [required]`, e.g. `surgeryDate date required`.
    const baseline = parseBaseline(String(form.get('baseline') ?? ''));
    void post({ key: form.get('key'), title: form.get('title'), baseline });
  };
  const { t } = useText();
  return (
    <>
      <DefinitionsPanel hospitalId={hospitalId} refreshKey={result} />
      <form onSubmit={submit} aria-label={t('definitions.newForm')}>
        <label>
          {t('common.key')} <input name="key" required pattern="[a-z0-9][a-z0-9-]*" />
        </label>
        <label>
          {t('definitions.title')} <input name="title" required />
        </label>
        <label>
          {t('definitions.baseline')}
          <textarea
            name="baseline"
            rows={4}
            defaultValue={
              'appointmentDate datetime\nappointmentType string\nphysicianCode string\nlocation string'
            }
          />
        </label>
        <button type="submit">{t('definitions.create')}</button>
        {result && <p role="status">{t('common.createdItem', { item: result.key })}</p>}
        <ProblemMessage error={error} />
      </form>
    </>
  );
}
