import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { ExampleQueryCompare } from './example-query-compare';
import { formatPatientIdTypes, parsePatientIdTypes } from './patient-id-types';

type Settings = Record<string, unknown>;

/** Loads a connection (404 = not configured yet), submits the form's values with PUT, shows what was saved. */
function useConnection(path: string) {
  const [current, setCurrent] = useState<Settings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<Settings>('GET', path)
      .then(setCurrent)
      .catch((caught) =>
        caught instanceof ApiError && caught.problem.status === 404 ? setCurrent({}) : setError(caught),
      );
  }, [path]);
  async function save(body: Settings) {
    setError(null);
    setSaved(false);
    try {
      setCurrent(await api<Settings>('PUT', path, body));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  }
  return { current, error, saved, save };
}

function Feedback({ error, saved }: { error: unknown; saved: boolean }) {
  const { t } = useText();
  return (
    <>
      {saved && <p role="status">{t('common.saved')}</p>}
      <ProblemMessage error={error} />
    </>
  );
}

const text = (form: FormData, name: string) => {
  const value = String(form.get(name) ?? '').trim();
  return value === '' ? undefined : value;
};
const number = (form: FormData, name: string) =>
  text(form, name) === undefined ? undefined : Number(text(form, name));
const compact = (settings: Settings) =>
  Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));

function Field(props: {
  label: string;
  name: string;
  value?: unknown;
  type?: string;
  required?: boolean;
  children?: ReactNode;
}) {
  return (
    <label>
      {props.label}
      {props.children ?? (
        <input
          name={props.name}
          type={props.type ?? 'text'}
          required={props.required}
          defaultValue={props.value === undefined ? '' : String(props.value)}
        />
      )}
    </label>
  );
}

export function Hl7ConnectionForm({ hospitalId }: { hospitalId: string }) {
  const { current, error, saved, save } = useConnection(`/v1/admin/hospitals/${hospitalId}/connections/hl7`);
  const { t } = useText();
  if (!current) return <p aria-busy="true">{t('common.loading')}</p>;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    void save(
      compact({
        host: text(form, 'host'),
        port: number(form, 'port'),
        tls: form.get('tls') === 'on',
        queryStyle: text(form, 'queryStyle'),
        version: text(form, 'version'),
        sendingApplication: text(form, 'sendingApplication'),
        sendingFacility: text(form, 'sendingFacility'),
        receivingApplication: text(form, 'receivingApplication'),
        receivingFacility: text(form, 'receivingFacility'),
        charset: text(form, 'charset'),
        timeoutMs: number(form, 'timeoutMs'),
        keepOpenMs: number(form, 'keepOpenMs'),
        patientIdAuthority: text(form, 'patientIdAuthority'),
        patientIdTypes: parsePatientIdTypes(String(form.get('patientIdTypes') ?? '')),
        // Not edited here, but a PUT replaces every setting: keep what the API set.
        template: current.template,
        exampleQuery: text(form, 'exampleQuery'),
      }),
    );
  };
  const derived = current.derivedTemplate as DerivedTemplate | undefined;
  return (
    <form onSubmit={submit} aria-label={t('connection.hl7Form')}>
      <Field label={t('connection.host')} name="host" value={current.host} required />
      <Field label={t('connection.port')} name="port" type="number" value={current.port} required />
      <label>
        <span>
          <input type="checkbox" name="tls" defaultChecked={current.tls === true} /> {t('connection.tls')}
        </span>
      </label>
      <Field label={t('connection.queryStyle')} name="queryStyle">
        <select name="queryStyle" defaultValue={String(current.queryStyle ?? 'QRY_A19')}>
          <option value="QRY_A19">QRY^A19</option>
          <option value="QBP_Q22">QBP^Q22 (IHE PDQ)</option>
        </select>
      </Field>
      <Field label={t('connection.hl7Version')} name="version" value={current.version} />
      <Field
        label={t('connection.sendingApplication')}
        name="sendingApplication"
        value={current.sendingApplication}
      />
      <Field label={t('connection.sendingFacility')} name="sendingFacility" value={current.sendingFacility} />
      <Field
        label={t('connection.receivingApplication')}
        name="receivingApplication"
        value={current.receivingApplication}
      />
      <Field
        label={t('connection.receivingFacility')}
        name="receivingFacility"
        value={current.receivingFacility}
      />
      <Field label={t('connection.charset')} name="charset">
        <select name="charset" defaultValue={String(current.charset ?? 'utf-8')}>
          <option value="utf-8">UTF-8</option>
          <option value="latin1">ISO-8859-1 (Latin-1)</option>
        </select>
      </Field>
      <Field label={t('connection.timeout')} name="timeoutMs" type="number" value={current.timeoutMs} />
      <Field label={t('connection.keepOpen')} name="keepOpenMs" type="number" value={current.keepOpenMs} />
      <Field
        label={t('connection.patientIdAuthority')}
        name="patientIdAuthority"
        value={current.patientIdAuthority}
      />
      <Field
        label={t('connection.patientIdTypes')}
        name="patientIdTypes"
        value={formatPatientIdTypes(current.patientIdTypes)}
      />
      <Field label={t('connection.exampleQuery')} name="exampleQuery">
        <textarea
          name="exampleQuery"
          rows={6}
          spellCheck={false}
          defaultValue={typeof current.exampleQuery === 'string' ? current.exampleQuery : ''}
        />
      </Field>
      <button type="submit">{t('connection.saveHl7')}</button>
      <Feedback error={error} saved={saved} />
      {derived && <DerivedTemplatePanel derived={derived} />}
      {derived && typeof current.exampleQuery === 'string' && (
        <ExampleQueryCompare
          example={current.exampleQuery}
          layout={derived.layout[derived.exampleBy ?? 'patientCode']}
        />
      )}
    </form>
  );
}

interface DerivedTemplate {
  exampleBy?: 'patientCode' | 'visitNumber';
  messageType: string;
  version: string;
  layout: { patientCode: string[]; visitNumber: string[] };
  notes: string[];
}

/** What the platform read from the example: its notes, and the query it sends with the replaced places named. */
function DerivedTemplatePanel({ derived }: { derived: DerivedTemplate }) {
  const { t } = useText();
  return (
    <section aria-label={t('connection.derived')}>
      <h3>{t('connection.derivedTitle', { messageType: derived.messageType, version: derived.version })}</h3>
      <ul>
        {derived.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
      <p>{t('connection.queryByPatientId')}</p>
      <pre>{derived.layout.patientCode.join('\n')}</pre>
      <p>{t('connection.queryByVisitNumber')}</p>
      <pre>{derived.layout.visitNumber.join('\n')}</pre>
    </section>
  );
}

export function WebServiceConnectionForm({ hospitalId }: { hospitalId: string }) {
  const { current, error, saved, save } = useConnection(
    `/v1/admin/hospitals/${hospitalId}/connections/webservice`,
  );
  const [authType, setAuthType] = useState<string>('none');
  const [flavor, setFlavor] = useState<string>('pdq');
  const { t } = useText();
  useEffect(() => {
    if (!current) return;
    setAuthType(String((current.auth as Settings | undefined)?.type ?? 'none'));
    setFlavor(String(current.flavor ?? 'pdq'));
  }, [current]);
  if (!current) return <p aria-busy="true">{t('common.loading')}</p>;
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    let fields: unknown;
    try {
      fields = flavor === 'custom' ? JSON.parse(text(form, 'customFields') ?? '{}') : undefined;
    } catch {
      fields = '(invalid JSON)';
    }
    void save(
      compact({
        flavor,
        baseUrl: text(form, 'baseUrl'),
        auth: compact({
          type: authType,
          username: text(form, 'username'),
          password: text(form, 'password'),
          token: text(form, 'token'),
          header: text(form, 'header'),
          value: text(form, 'value'),
        }),
        destination: text(form, 'destination'),
        timeoutMs: number(form, 'timeoutMs'),
        identifierSystems: compact({
          patientCode: text(form, 'systemPatientCode'),
          visitNumber: text(form, 'systemVisitNumber'),
        }),
        custom:
          flavor === 'custom'
            ? compact({
                urlTemplate: text(form, 'urlTemplate'),
                method: text(form, 'method'),
                resultsPath: text(form, 'resultsPath') ?? '',
                fields,
              })
            : undefined,
      }),
    );
  };
  const systems = (current.identifierSystems ?? {}) as Settings;
  const custom = (current.custom ?? {}) as Settings;
  const auth = (current.auth ?? {}) as Settings;
  return (
    <form onSubmit={submit} aria-label={t('connection.webServiceForm')}>
      <Field label={t('connection.flavour')} name="flavor">
        <select value={flavor} onChange={(event) => setFlavor(event.target.value)}>
          <option value="pdq">PDQ</option>
          <option value="fhir">FHIR R4</option>
          <option value="custom">{t('connection.custom')}</option>
        </select>
      </Field>
      <Field label={t('connection.baseUrl')} name="baseUrl" type="url" value={current.baseUrl} required />
      <Field label={t('connection.authentication')} name="authType">
        <select value={authType} onChange={(event) => setAuthType(event.target.value)}>
          <option value="none">{t('connection.authNone')}</option>
          <option value="basic">{t('connection.authBasic')}</option>
          <option value="bearer">{t('connection.authBearer')}</option>
          <option value="header">{t('connection.authHeader')}</option>
        </select>
      </Field>
      {authType === 'basic' && (
        <>
          <Field label={t('connection.username')} name="username" value={auth.username} required />
          <Field
            label={auth.secretSet ? t('connection.passwordSet') : t('connection.password')}
            name="password"
            type="password"
          />
        </>
      )}
      {authType === 'bearer' && (
        <Field
          label={auth.secretSet ? t('connection.tokenSet') : t('connection.token')}
          name="token"
          type="password"
        />
      )}
      {authType === 'header' && (
        <>
          <Field label={t('connection.headerName')} name="header" value={auth.header} required />
          <Field
            label={auth.secretSet ? t('connection.headerValueSet') : t('connection.headerValue')}
            name="value"
            type="password"
          />
        </>
      )}
      <Field label={t('connection.destination')} name="destination" value={current.destination} />
      <Field label={t('connection.timeout')} name="timeoutMs" type="number" value={current.timeoutMs} />
      <Field label={t('connection.patientIdSystem')} name="systemPatientCode" value={systems.patientCode} />
      <Field label={t('connection.visitNumberSystem')} name="systemVisitNumber" value={systems.visitNumber} />
      {flavor === 'custom' && (
        <>
          <Field label={t('connection.urlTemplate')} name="urlTemplate" value={custom.urlTemplate} required />
          <Field label={t('connection.method')} name="method">
            <select name="method" defaultValue={String(custom.method ?? 'GET')}>
              <option>GET</option>
              <option>POST</option>
            </select>
          </Field>
          <Field label={t('connection.resultsPath')} name="resultsPath" value={custom.resultsPath} />
          <Field label={t('connection.fieldMapping')} name="customFields">
            <textarea
              name="customFields"
              rows={5}
              defaultValue={JSON.stringify(
                custom.fields ?? { patientCode: 'id', firstName: 'name.first', lastName: 'name.last' },
                null,
                2,
              )}
            />
          </Field>
        </>
      )}
      <button type="submit">{t('connection.saveWebService')}</button>
      <Feedback error={error} saved={saved} />
    </form>
  );
}

export function ImportSourceForm({ hospitalId }: { hospitalId: string }) {
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const { t } = useText();
  return (
    <form
      aria-label={t('connection.importSourceForm')}
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        setSaved(false);
        try {
          await api('PUT', `/v1/admin/hospitals/${hospitalId}/import-source`, {
            source: new FormData(event.currentTarget).get('source'),
          });
          setSaved(true);
        } catch (caught) {
          setError(caught);
        }
      }}
    >
      <Field label={t('connection.importThrough')} name="source">
        <select name="source" defaultValue="webservice">
          <option value="webservice">{t('connection.sourceWebService')}</option>
          <option value="hl7">{t('connection.sourceHl7')}</option>
        </select>
      </Field>
      <button type="submit">{t('connection.saveImportSource')}</button>
      <Feedback error={error} saved={saved} />
    </form>
  );
}
