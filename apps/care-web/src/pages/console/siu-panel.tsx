import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { useDates } from '../../i18n/dates';
import { formatPatientIdTypes, parsePatientIdTypes } from './patient-id-types';

interface SiuRun {
  id: string;
  trigger: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt?: string;
  files: number;
  messagesProcessed: number;
  messagesFailed: number;
  messagesDuplicate: number;
  patientsCreated: number;
  careFlowsStarted: number;
  careFlowsUpdated: number;
  careFlowsStopped: number;
  failures: { file: string; controlId?: string; reason: string }[];
  error?: string;
}

type Settings = Record<string, any>;

/** `AIS-3.1 = KNEE -> knee-replacement`, one rule per line. */
function parseCareFlowMap(text: string) {
  return text
    .split('\n')
    .map((line) => line.match(/^\s*([A-Z0-9]{3}-\d+(?:\.\d+)*)\s*=\s*(.+?)\s*->\s*([a-z0-9-]+)\s*$/))
    .filter((match): match is RegExpMatchArray => !!match)
    .map(([, field, value, careFlowDefinitionKey]) => ({ field, value, careFlowDefinitionKey }));
}

/** The hospital's SIU connection (source, schedule, mappings, real-time listener) and its runs. */
export function SiuPanel({ hospitalId }: { hospitalId: string }) {
  const path = `/v1/admin/hospitals/${hospitalId}/connections/siu`;
  const [current, setCurrent] = useState<Settings | null>(null);
  const [sourceType, setSourceType] = useState('directory');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const { t } = useText();

  useEffect(() => {
    api<Settings>('GET', path)
      .then((settings) => {
        setCurrent(settings);
        setSourceType(settings.source?.type ?? 'directory');
      })
      .catch((caught) =>
        caught instanceof ApiError && caught.problem.status === 404 ? setCurrent({}) : setError(caught),
      );
  }, [path]);

  async function save(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '').trim() || undefined;
    const source =
      sourceType === 'directory'
        ? { type: 'directory', path: text('path') }
        : {
            type: 'sftp',
            host: text('host'),
            port: text('sftpPort') && Number(text('sftpPort')),
            username: text('username'),
            password: text('password'),
            privateKey: text('privateKey'),
            hostKeySha256: text('hostKeySha256'),
            insecureSkipHostKeyCheck: form.get('insecureSkipHostKeyCheck') === 'on' || undefined,
            path: text('path'),
          };
    const body = Object.fromEntries(
      Object.entries({
        source: Object.fromEntries(
          Object.entries(source).filter(([, value]) => value !== undefined && value !== ''),
        ),
        filePattern: text('filePattern'),
        minFileAgeMs: text('minFileAgeMs') && Number(text('minFileAgeMs')),
        afterProcessing: text('afterProcessing'),
        archivePath: text('archivePath'),
        schedule: text('schedule'),
        timezone: text('timezone'),
        physicianField: text('physicianField'),
        demographics: text('demographics'),
        patientIdAuthority: text('patientIdAuthority'),
        patientIdTypes: parsePatientIdTypes(String(form.get('patientIdTypes') ?? '')),
        careFlowMap: parseCareFlowMap(String(form.get('careFlowMap') ?? '')),
        mllpListener: text('mllpPort') ? { port: Number(text('mllpPort')) } : undefined,
      }).filter(([, value]) => value !== undefined && value !== ''),
    );
    setError(null);
    setSaved(false);
    try {
      setCurrent(await api<Settings>('PUT', path, body));
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  }

  if (!current) return <p aria-busy="true">{t('common.loading')}</p>;
  const source = current.source ?? {};
  const rules = (current.careFlowMap ?? [])
    .map((rule: Settings) => `${rule.field} = ${rule.value} -> ${rule.careFlowDefinitionKey}`)
    .join('\n');
  return (
    <>
      <form onSubmit={save} aria-label={t('siu.form')}>
        <label>
          {t('siu.source')}
          <select value={sourceType} onChange={(event) => setSourceType(event.target.value)}>
            <option value="directory">{t('siu.directory')}</option>
            <option value="sftp">SFTP</option>
          </select>
        </label>
        {sourceType === 'sftp' && (
          <>
            <label>
              {t('siu.sftpHost')} <input name="host" defaultValue={source.host ?? ''} required />
            </label>
            <label>
              {t('siu.sftpPort')} <input name="sftpPort" type="number" defaultValue={source.port ?? 22} />
            </label>
            <label>
              {t('siu.username')} <input name="username" defaultValue={source.username ?? ''} required />
            </label>
            <label>
              {source.passwordSet ? t('siu.passwordSet') : t('siu.password')}{' '}
              <input name="password" type="password" />
            </label>
            <label>
              {source.privateKeySet ? t('siu.privateKeySet') : t('siu.privateKey')}{' '}
              <textarea name="privateKey" rows={3} />
            </label>
            <label>
              {t('siu.hostKey')}{' '}
              <input
                name="hostKeySha256"
                defaultValue={source.hostKeySha256 ?? ''}
                placeholder="SHA256:… (ssh-keygen -lf host_key.pub)"
              />
            </label>
            <label>
              <input
                name="insecureSkipHostKeyCheck"
                type="checkbox"
                defaultChecked={source.insecureSkipHostKeyCheck === true}
              />{' '}
              {t('siu.skipHostKey')}
            </label>
            {source.insecureSkipHostKeyCheck === true && (
              <p role="alert" className="warning">
                {t('siu.skipHostKeyWarning', { host: String(source.host ?? '') })}
              </p>
            )}
          </>
        )}
        <label>
          {t('siu.folder')} <input name="path" defaultValue={source.path ?? ''} required />
        </label>
        <label>
          {t('siu.filePattern')} <input name="filePattern" defaultValue={current.filePattern ?? '*.hl7'} />
        </label>
        <label>
          {t('siu.minFileAge')}{' '}
          <input name="minFileAgeMs" type="number" defaultValue={current.minFileAgeMs ?? ''} />
        </label>
        <label>
          {t('siu.afterProcessing')}
          <select name="afterProcessing" defaultValue={current.afterProcessing ?? 'archive'}>
            <option value="archive">{t('siu.archive')}</option>
            <option value="delete">{t('siu.delete')}</option>
          </select>
        </label>
        <label>
          {t('siu.archiveFolder')} <input name="archivePath" defaultValue={current.archivePath ?? ''} />
        </label>
        <label>
          {t('siu.schedule')} <input name="schedule" defaultValue={current.schedule ?? '0 6 * * *'} />
        </label>
        <label>
          {t('siu.timezone')} <input name="timezone" defaultValue={current.timezone ?? 'Europe/Brussels'} />
        </label>
        <label>
          {t('siu.physicianField')}
          <select name="physicianField" defaultValue={current.physicianField ?? 'AIP-3.1'}>
            <option>AIP-3.1</option>
            <option>AIG-3.1</option>
            <option>PV1-7.1</option>
          </select>
        </label>
        <label>
          {t('siu.demographics')}
          <select name="demographics" defaultValue={current.demographics ?? 'message'}>
            <option value="message">{t('siu.fromMessage')}</option>
            <option value="query">{t('siu.queried')}</option>
          </select>
        </label>
        <label>
          {t('connection.patientIdAuthority')}{' '}
          <input name="patientIdAuthority" defaultValue={current.patientIdAuthority ?? ''} />
        </label>
        <label>
          {t('connection.patientIdTypes')}{' '}
          <input name="patientIdTypes" defaultValue={formatPatientIdTypes(current.patientIdTypes)} />
        </label>
        <label>
          {t('siu.careFlowMap')}
          <textarea
            name="careFlowMap"
            rows={3}
            defaultValue={rules || 'AIS-3.1 = KNEE -> knee-replacement'}
          />
        </label>
        <label>
          {t('siu.mllpPort')}{' '}
          <input name="mllpPort" type="number" defaultValue={current.mllpListener?.port ?? ''} />
        </label>
        <button type="submit">{t('siu.save')}</button>
        {saved && <p role="status">{t('common.saved')}</p>}
        <ProblemMessage error={error} />
      </form>
      <SiuRuns hospitalId={hospitalId} />
    </>
  );
}

function SiuRuns({ hospitalId }: { hospitalId: string }) {
  const [runs, setRuns] = useState<SiuRun[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();
  const { dateTime } = useDates();
  const load = useCallback(
    () => api<SiuRun[]>('GET', `/v1/admin/hospitals/${hospitalId}/siu-runs`).then(setRuns).catch(setError),
    [hospitalId],
  );
  useEffect(() => void load(), [load]);
  // Live progress: refresh while a run is going on.
  useEffect(() => {
    if (!runs.some((run) => run.status === 'running')) return;
    const timer = setInterval(() => void load(), 1000);
    return () => clearInterval(timer);
  }, [runs, load]);

  const run = runs.find((candidate) => candidate.id === selected);
  return (
    <section aria-label={t('siu.runs')}>
      <h3>{t('siu.runs')}</h3>
      <button
        onClick={async () => {
          setError(null);
          try {
            const started = await api<SiuRun>('POST', `/v1/admin/hospitals/${hospitalId}/siu-runs`);
            setSelected(started.id);
            await load();
          } catch (caught) {
            setError(caught);
          }
        }}
      >
        {t('siu.runNow')}
      </button>
      <ProblemMessage error={error} />
      <table aria-label={t('siu.runsTable')}>
        <thead>
          <tr>
            <th scope="col">{t('siu.started')}</th>
            <th scope="col">{t('siu.trigger')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">{t('siu.files')}</th>
            <th scope="col">{t('siu.processed')}</th>
            <th scope="col">{t('siu.failed')}</th>
            <th scope="col">{t('siu.duplicates')}</th>
            <th scope="col">{t('siu.patientsCreated')}</th>
            <th scope="col">{t('siu.careFlowsChanged')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((candidate) => (
            <tr key={candidate.id} aria-selected={candidate.id === selected}>
              <td>
                <button className="link-dark" onClick={() => setSelected(candidate.id)}>
                  {dateTime(candidate.startedAt)}
                </button>
              </td>
              <td>{candidate.trigger}</td>
              <td>{candidate.status}</td>
              <td>{candidate.files}</td>
              <td>{candidate.messagesProcessed}</td>
              <td>{candidate.messagesFailed}</td>
              <td>{candidate.messagesDuplicate}</td>
              <td>{candidate.patientsCreated}</td>
              <td>
                {candidate.careFlowsStarted} / {candidate.careFlowsUpdated} / {candidate.careFlowsStopped}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {run && (run.failures.length > 0 || run.error) && (
        <>
          {run.error && <p role="alert">{t('siu.runFailed', { error: run.error })}</p>}
          <table aria-label={t('siu.failedMessages')}>
            <thead>
              <tr>
                <th scope="col">{t('siu.file')}</th>
                <th scope="col">{t('siu.controlId')}</th>
                <th scope="col">{t('siu.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {run.failures.map((failure, index) => (
                <tr key={`${failure.file}-${failure.controlId}-${index}`}>
                  <td>{failure.file}</td>
                  <td>{failure.controlId ?? '—'}</td>
                  <td>{failure.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
