import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';

const text = {
  alertsLabel: 'Alerts',
  filterLabel: 'Show',
  stateOpen: 'Open',
  stateResolved: 'Resolved',
  stateAll: 'All',
  refresh: 'Refresh',
  columnKind: 'Kind',
  columnState: 'State',
  columnOpened: 'Opened',
  columnResolved: 'Resolved',
  columnDetail: 'Detail',
  noAlerts: 'No alerts.',
  rulesTitle: 'Alert rules',
  rulesLabel: 'Alert rules',
  save: 'Save alert rules',
  saved: 'Alert rules saved.',
  kinds: {
    'dead-letters': 'Dead letters (a message of this hospital could not be processed)',
    'siu-file-missing': 'SIU file missing at the time the schedule expects it',
    'hospital-unreachable': 'Hospital unreachable (HL7 / web service)',
    'error-rate': 'Error rate of exchanges',
    'listener-silent': 'Real-time SIU listener silent during opening hours',
  },
  graceMinutes: 'Grace (minutes)',
  closedDays: 'Closed days',
  holidays: 'Holidays (YYYY-MM-DD, comma-separated)',
  consecutiveFailures: 'Consecutive failures',
  threshold: 'Failed share (0–1)',
  windowMinutes: 'Window (minutes)',
  minMessages: 'At least (exchanges)',
  openingHours: 'Opening hours (HH:MM-HH:MM)',
  days: 'Open days',
  silentMinutes: 'Silent for (minutes)',
};

const KINDS = [
  'dead-letters',
  'siu-file-missing',
  'hospital-unreachable',
  'error-rate',
  'listener-silent',
] as const;
type Kind = (typeof KINDS)[number];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

interface Alert {
  id: string;
  kind: Kind;
  state: 'open' | 'resolved';
  openedAt: string;
  resolvedAt?: string;
  detail: string;
}

interface Rule {
  kind: Kind;
  graceMinutes?: number;
  closedDays?: string[];
  holidays?: string[];
  consecutiveFailures?: number;
  threshold?: number;
  windowMinutes?: number;
  minMessages?: number;
  openingHours?: string;
  days?: string[];
  silentMinutes?: number;
}

/** The settings each kind takes, in form order: number fields, day lists and text fields. */
const SETTINGS: Record<
  Kind,
  { numbers: (keyof Rule)[]; dayLists: ('closedDays' | 'days')[]; texts: ('holidays' | 'openingHours')[] }
> = {
  'dead-letters': { numbers: [], dayLists: [], texts: [] },
  'siu-file-missing': { numbers: ['graceMinutes'], dayLists: ['closedDays'], texts: ['holidays'] },
  'hospital-unreachable': { numbers: ['consecutiveFailures'], dayLists: [], texts: [] },
  'error-rate': { numbers: ['threshold', 'windowMinutes', 'minMessages'], dayLists: [], texts: [] },
  'listener-silent': { numbers: ['silentMinutes'], dayLists: ['days'], texts: ['openingHours'] },
};

/** The hospital's alerts (open first by default) and its alert rules (platform admins save them). */
export function AlertsPanel({ hospitalId }: { hospitalId: string }) {
  return (
    <div>
      <AlertsList hospitalId={hospitalId} />
      <h3>{text.rulesTitle}</h3>
      <AlertRulesForm hospitalId={hospitalId} />
    </div>
  );
}

function AlertsList({ hospitalId }: { hospitalId: string }) {
  const [state, setState] = useState<'open' | 'resolved' | ''>('open');
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    setError(null);
    const query = new URLSearchParams({ hospitalId });
    if (state) query.set('state', state);
    try {
      setAlerts((await api<{ alerts: Alert[] }>('GET', `/v1/admin/alerts?${query}`)).alerts);
    } catch (caught) {
      setError(caught);
    }
  }, [hospitalId, state]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div>
      <label>
        {text.filterLabel}{' '}
        <select value={state} onChange={(event) => setState(event.target.value as typeof state)}>
          <option value="open">{text.stateOpen}</option>
          <option value="resolved">{text.stateResolved}</option>
          <option value="">{text.stateAll}</option>
        </select>
      </label>{' '}
      <button type="button" onClick={() => void load()}>
        {text.refresh}
      </button>
      <table aria-label={text.alertsLabel}>
        <thead>
          <tr>
            <th>{text.columnKind}</th>
            <th>{text.columnState}</th>
            <th>{text.columnOpened}</th>
            <th>{text.columnResolved}</th>
            <th>{text.columnDetail}</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id}>
              <td>{alert.kind}</td>
              <td>{alert.state === 'open' ? text.stateOpen : text.stateResolved}</td>
              <td>{new Date(alert.openedAt).toLocaleString()}</td>
              <td>{alert.resolvedAt ? new Date(alert.resolvedAt).toLocaleString() : ''}</td>
              <td>{alert.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {alerts.length === 0 && !error && <p>{text.noAlerts}</p>}
      <ProblemMessage error={error} />
    </div>
  );
}

function AlertRulesForm({ hospitalId }: { hospitalId: string }) {
  const [rules, setRules] = useState<Rule[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const path = `/v1/admin/hospitals/${hospitalId}/alert-rules`;

  useEffect(() => {
    api<{ rules: Rule[] }>('GET', path)
      .then((view) => setRules(view.rules))
      .catch(setError);
  }, [path]);

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const view = await api<{ rules: Rule[] }>('PUT', path, {
        rules: rulesOf(new FormData(event.currentTarget)),
      });
      setRules(view.rules);
      setSaved(true);
    } catch (caught) {
      setError(caught);
    }
  };

  if (!rules) return <ProblemMessage error={error} />;
  return (
    // Remounted with the saved rules, so the inputs show the stored values and defaults.
    <form key={JSON.stringify(rules)} onSubmit={(event) => void save(event)} aria-label={text.rulesLabel}>
      {KINDS.map((kind) => {
        const rule = rules.find((candidate) => candidate.kind === kind);
        const settings = SETTINGS[kind];
        return (
          <fieldset key={kind}>
            <legend>
              <label>
                <input type="checkbox" name={`${kind}.on`} defaultChecked={Boolean(rule)} />{' '}
                {text.kinds[kind]}
              </label>
            </legend>
            {settings.numbers.map((field) => (
              <label key={field}>
                {text[field as keyof typeof text] as string}{' '}
                <input
                  name={`${kind}.${field}`}
                  type="number"
                  step={field === 'threshold' ? '0.05' : '1'}
                  min="0"
                  defaultValue={rule?.[field] as number | undefined}
                />
              </label>
            ))}
            {settings.texts.map((field) => (
              <label key={field}>
                {text[field]}{' '}
                <input
                  name={`${kind}.${field}`}
                  defaultValue={field === 'holidays' ? (rule?.holidays ?? []).join(', ') : rule?.openingHours}
                />
              </label>
            ))}
            {settings.dayLists.map((field) => (
              <span key={field} role="group" aria-label={text[field]}>
                {text[field]}{' '}
                {WEEKDAYS.map((day) => (
                  <label key={day}>
                    <input
                      type="checkbox"
                      name={`${kind}.${field}`}
                      value={day}
                      defaultChecked={rule?.[field]?.includes(day)}
                    />
                    {day}
                  </label>
                ))}
              </span>
            ))}
          </fieldset>
        );
      })}
      <button type="submit">{text.save}</button>
      {saved && <p role="status">{text.saved}</p>}
      <ProblemMessage error={error} />
    </form>
  );
}

/** The checked kinds with the settings filled in; empty fields are left to the platform's defaults. */
function rulesOf(form: FormData): Rule[] {
  return KINDS.filter((kind) => form.get(`${kind}.on`)).map((kind) => {
    const rule: Rule = { kind };
    const settings = SETTINGS[kind];
    for (const field of settings.numbers) {
      const value = String(form.get(`${kind}.${field}`) ?? '').trim();
      if (value) (rule as unknown as Record<string, number>)[field] = Number(value);
    }
    for (const field of settings.dayLists) rule[field] = form.getAll(`${kind}.${field}`).map(String);
    const holidays = String(form.get(`${kind}.holidays`) ?? '').trim();
    if (settings.texts.includes('holidays'))
      rule.holidays = holidays ? holidays.split(/[\s,]+/).filter(Boolean) : [];
    const openingHours = String(form.get(`${kind}.openingHours`) ?? '').trim();
    if (settings.texts.includes('openingHours') && openingHours) rule.openingHours = openingHours;
    return rule;
  });
}
