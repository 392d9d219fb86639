import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';

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
  const { t } = useText();
  return (
    <div>
      <AlertsList hospitalId={hospitalId} />
      <h3>{t('alerts.rulesTitle')}</h3>
      <AlertRulesForm hospitalId={hospitalId} />
    </div>
  );
}

function AlertsList({ hospitalId }: { hospitalId: string }) {
  const { t } = useText();
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
        {t('alerts.filterLabel')}{' '}
        <select value={state} onChange={(event) => setState(event.target.value as typeof state)}>
          <option value="open">{t('alerts.stateOpen')}</option>
          <option value="resolved">{t('alerts.stateResolved')}</option>
          <option value="">{t('alerts.stateAll')}</option>
        </select>
      </label>{' '}
      <button type="button" onClick={() => void load()}>
        {t('alerts.refresh')}
      </button>
      <table aria-label={t('alerts.alertsLabel')}>
        <thead>
          <tr>
            <th>{t('alerts.columnKind')}</th>
            <th>{t('alerts.columnState')}</th>
            <th>{t('alerts.columnOpened')}</th>
            <th>{t('alerts.columnResolved')}</th>
            <th>{t('alerts.columnDetail')}</th>
          </tr>
        </thead>
        <tbody>
          {alerts.map((alert) => (
            <tr key={alert.id}>
              <td>{alert.kind}</td>
              <td>{alert.state === 'open' ? t('alerts.stateOpen') : t('alerts.stateResolved')}</td>
              <td>{new Date(alert.openedAt).toLocaleString()}</td>
              <td>{alert.resolvedAt ? new Date(alert.resolvedAt).toLocaleString() : ''}</td>
              <td>{alert.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {alerts.length === 0 && !error && <p>{t('alerts.noAlerts')}</p>}
      <ProblemMessage error={error} />
    </div>
  );
}

function AlertRulesForm({ hospitalId }: { hospitalId: string }) {
  const { t } = useText();
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
    <form
      key={JSON.stringify(rules)}
      onSubmit={(event) => void save(event)}
      aria-label={t('alerts.rulesLabel')}
    >
      {KINDS.map((kind) => {
        const rule = rules.find((candidate) => candidate.kind === kind);
        const settings = SETTINGS[kind];
        return (
          <fieldset key={kind}>
            <legend>
              <label>
                <input type="checkbox" name={`${kind}.on`} defaultChecked={Boolean(rule)} />{' '}
                {t(`alerts.kind.${kind}`)}
              </label>
            </legend>
            {settings.numbers.map((field) => (
              <label key={field}>
                {t(`alerts.${field as Exclude<keyof Rule, 'kind'>}`)}{' '}
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
                {t(`alerts.${field}`)}{' '}
                <input
                  name={`${kind}.${field}`}
                  defaultValue={field === 'holidays' ? (rule?.holidays ?? []).join(', ') : rule?.openingHours}
                />
              </label>
            ))}
            {settings.dayLists.map((field) => (
              <span key={field} role="group" aria-label={t(`alerts.${field}`)}>
                {t(`alerts.${field}`)}{' '}
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
      <button type="submit">{t('alerts.save')}</button>
      {saved && <p role="status">{t('alerts.saved')}</p>}
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
