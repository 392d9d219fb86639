import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { ExampleQueryCompare } from './example-query-compare';
import { formatPatientIdTypes, parsePatientIdTypes, PATIENT_ID_TYPES_LABEL } from './patient-id-types';

type Settings = Record<string, unknown>;

/** Loads a connection (404 = not configured yet), submits the form's values with PUT, shows what was saved. */
function useConnection(path: string) {
  const [current, setCurrent] = useState<Settings | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<Settings>('GET', path)
      .then(setCurrent)
      .catch((caught) => (caught instanceof ApiError && caught.problem.status === 404 ? setCurrent({}) : setError(caught)));
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
  return (
    <>
      {saved && <p role="status">Saved.</p>}
      <ProblemMessage error={error} />
    </>
  );
}

const text = (form: FormData, name: string) => {
  const value = String(form.get(name) ?? '').trim();
  return value === '' ? undefined : value;
};
const number = (form: FormData, name: string) => (text(form, name) === undefined ? undefined : Number(text(form, name)));
const compact = (settings: Settings) => Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));

function Field(props: { label: string; name: string; value?: unknown; type?: string; required?: boolean; children?: ReactNode }) {
  return (
    <label>
      {props.label}
      {props.children ?? (
        <input name={props.name} type={props.type ?? 'text'} required={props.required} defaultValue={props.value === undefined ? '' : String(props.value)} />
      )}
    </label>
  );
}

export function Hl7ConnectionForm({ hospitalId }: { hospitalId: string }) {
  const { current, error, saved, save } = useConnection(`/v1/admin/hospitals/${hospitalId}/connections/hl7`);
  if (!current) return <p aria-busy="true">Loading…</p>;
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
    <form onSubmit={submit} aria-label="HL7 connection">
      <Field label="Host" name="host" value={current.host} required />
      <Field label="Port" name="port" type="number" value={current.port} required />
      <label>
        <span>
          <input type="checkbox" name="tls" defaultChecked={current.tls === true} /> TLS
        </span>
      </label>
      <Field label="Query style" name="queryStyle">
        <select name="queryStyle" defaultValue={String(current.queryStyle ?? 'QRY_A19')}>
          <option value="QRY_A19">QRY^A19</option>
          <option value="QBP_Q22">QBP^Q22 (IHE PDQ)</option>
        </select>
      </Field>
      <Field label="HL7 version" name="version" value={current.version} />
      <Field label="Sending application" name="sendingApplication" value={current.sendingApplication} />
      <Field label="Sending facility" name="sendingFacility" value={current.sendingFacility} />
      <Field label="Receiving application" name="receivingApplication" value={current.receivingApplication} />
      <Field label="Receiving facility" name="receivingFacility" value={current.receivingFacility} />
      <Field label="Character set" name="charset">
        <select name="charset" defaultValue={String(current.charset ?? 'utf-8')}>
          <option value="utf-8">UTF-8</option>
          <option value="latin1">ISO-8859-1 (Latin-1)</option>
        </select>
      </Field>
      <Field label="Timeout (ms)" name="timeoutMs" type="number" value={current.timeoutMs} />
      <Field label="Patient ID assigning authority" name="patientIdAuthority" value={current.patientIdAuthority} />
      <Field label={PATIENT_ID_TYPES_LABEL} name="patientIdTypes" value={formatPatientIdTypes(current.patientIdTypes)} />
      <Field label="Example query (the QRY^A19 or QBP^Q22 the hospital already receives)" name="exampleQuery">
        <textarea name="exampleQuery" rows={6} spellCheck={false} defaultValue={typeof current.exampleQuery === 'string' ? current.exampleQuery : ''} />
      </Field>
      <button type="submit">Save HL7 connection</button>
      <Feedback error={error} saved={saved} />
      {derived && <DerivedTemplatePanel derived={derived} />}
      {derived && typeof current.exampleQuery === 'string' && (
        <ExampleQueryCompare example={current.exampleQuery} layout={derived.layout[derived.exampleBy ?? 'patientCode']} />
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
  return (
    <section aria-label="Derived from the example">
      <h3>
        Derived from the example ({derived.messageType}, HL7 {derived.version})
      </h3>
      <ul>
        {derived.notes.map((note) => (
          <li key={note}>{note}</li>
        ))}
      </ul>
      <p>Query sent by patient ID:</p>
      <pre>{derived.layout.patientCode.join('\n')}</pre>
      <p>Query sent by visit number:</p>
      <pre>{derived.layout.visitNumber.join('\n')}</pre>
    </section>
  );
}

export function WebServiceConnectionForm({ hospitalId }: { hospitalId: string }) {
  const { current, error, saved, save } = useConnection(`/v1/admin/hospitals/${hospitalId}/connections/webservice`);
  const [authType, setAuthType] = useState<string>('none');
  const [flavor, setFlavor] = useState<string>('pdq');
  useEffect(() => {
    if (!current) return;
    setAuthType(String((current.auth as Settings | undefined)?.type ?? 'none'));
    setFlavor(String(current.flavor ?? 'pdq'));
  }, [current]);
  if (!current) return <p aria-busy="true">Loading…</p>;
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
        auth: compact({ type: authType, username: text(form, 'username'), password: text(form, 'password'), token: text(form, 'token'), header: text(form, 'header'), value: text(form, 'value') }),
        destination: text(form, 'destination'),
        timeoutMs: number(form, 'timeoutMs'),
        identifierSystems: compact({ patientCode: text(form, 'systemPatientCode'), visitNumber: text(form, 'systemVisitNumber') }),
        custom:
          flavor === 'custom'
            ? compact({ urlTemplate: text(form, 'urlTemplate'), method: text(form, 'method'), resultsPath: text(form, 'resultsPath') ?? '', fields })
            : undefined,
      }),
    );
  };
  const systems = (current.identifierSystems ?? {}) as Settings;
  const custom = (current.custom ?? {}) as Settings;
  const auth = (current.auth ?? {}) as Settings;
  return (
    <form onSubmit={submit} aria-label="Web service connection">
      <Field label="Flavour" name="flavor">
        <select value={flavor} onChange={(event) => setFlavor(event.target.value)}>
          <option value="pdq">PDQ</option>
          <option value="fhir">FHIR R4</option>
          <option value="custom">Custom</option>
        </select>
      </Field>
      <Field label="Base URL" name="baseUrl" type="url" value={current.baseUrl} required />
      <Field label="Authentication" name="authType">
        <select value={authType} onChange={(event) => setAuthType(event.target.value)}>
          <option value="none">None</option>
          <option value="basic">Basic</option>
          <option value="bearer">Bearer token</option>
          <option value="header">Custom header</option>
        </select>
      </Field>
      {authType === 'basic' && (
        <>
          <Field label="Username" name="username" value={auth.username} required />
          <Field label={`Password${auth.secretSet ? ' (set; leave empty to keep)' : ''}`} name="password" type="password" />
        </>
      )}
      {authType === 'bearer' && <Field label={`Token${auth.secretSet ? ' (set)' : ''}`} name="token" type="password" />}
      {authType === 'header' && (
        <>
          <Field label="Header name" name="header" value={auth.header} required />
          <Field label={`Header value${auth.secretSet ? ' (set)' : ''}`} name="value" type="password" />
        </>
      )}
      <Field label="Destination (X-Destination)" name="destination" value={current.destination} />
      <Field label="Timeout (ms)" name="timeoutMs" type="number" value={current.timeoutMs} />
      <Field label="Patient ID system" name="systemPatientCode" value={systems.patientCode} />
      <Field label="Visit number system" name="systemVisitNumber" value={systems.visitNumber} />
      {flavor === 'custom' && (
        <>
          <Field label="URL template" name="urlTemplate" value={custom.urlTemplate} required />
          <Field label="Method" name="method">
            <select name="method" defaultValue={String(custom.method ?? 'GET')}>
              <option>GET</option>
              <option>POST</option>
            </select>
          </Field>
          <Field label="Results path" name="resultsPath" value={custom.resultsPath} />
          <Field label="Field mapping (JSON)" name="customFields">
            <textarea name="customFields" rows={5} defaultValue={JSON.stringify(custom.fields ?? { patientCode: 'id', firstName: 'name.first', lastName: 'name.last' }, null, 2)} />
          </Field>
        </>
      )}
      <button type="submit">Save web service connection</button>
      <Feedback error={error} saved={saved} />
    </form>
  );
}

export function ImportSourceForm({ hospitalId }: { hospitalId: string }) {
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  return (
    <form
      aria-label="Import source"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        setSaved(false);
        try {
          await api('PUT', `/v1/admin/hospitals/${hospitalId}/import-source`, { source: new FormData(event.currentTarget).get('source') });
          setSaved(true);
        } catch (caught) {
          setError(caught);
        }
      }}
    >
      <Field label="Import patients through" name="source">
        <select name="source" defaultValue="webservice">
          <option value="webservice">Web service</option>
          <option value="hl7">HL7 query (MLLP)</option>
        </select>
      </Field>
      <button type="submit">Save import source</button>
      <Feedback error={error} saved={saved} />
    </form>
  );
}
