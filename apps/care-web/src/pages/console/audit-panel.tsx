import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { useDates } from '../../i18n/dates';

interface AuditEvent {
  id: string;
  at: string;
  actor: { kind: string; id: string };
  action: string;
  resource: { type: string; id: string };
  correlationId: string;
}

interface AuditPage {
  events: AuditEvent[];
  nextCursor?: string;
}

/** The hospital's audit trail: who read which patient, who changed what. Newest first, a page at a time. */
export function AuditPanel({ hospitalId }: { hospitalId: string }) {
  const [filters, setFilters] = useState<{ action: string; actor: string }>({ action: '', actor: '' });
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();
  const { dateTime } = useDates();

  const load = useCallback(
    async (cursor?: string) => {
      setError(null);
      const query = new URLSearchParams();
      if (filters.action) query.set('action', filters.action);
      if (filters.actor) query.set('actor', filters.actor);
      if (cursor) query.set('cursor', cursor);
      try {
        const page = await api<AuditPage>('GET', `/v1/admin/hospitals/${hospitalId}/audit-events?${query}`);
        setEvents((shown) => (cursor ? [...shown, ...page.events] : page.events));
        setNextCursor(page.nextCursor);
      } catch (caught) {
        setError(caught);
      }
    },
    [hospitalId, filters],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const filter = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setFilters({
      action: String(form.get('action') ?? '').trim(),
      actor: String(form.get('actor') ?? '').trim(),
    });
  };

  return (
    <div>
      <form onSubmit={filter} aria-label={t('audit.filterForm')}>
        <label>
          {t('audit.action')} <input name="action" placeholder="patient.read" />
        </label>
        <label>
          {t('audit.actor')} <input name="actor" placeholder={t('audit.actorPlaceholder')} />
        </label>
        <button type="submit">{t('common.filter')}</button>
      </form>
      <table aria-label={t('audit.table')}>
        <thead>
          <tr>
            <th>{t('common.when')}</th>
            <th>{t('audit.actor')}</th>
            <th>{t('audit.action')}</th>
            <th>{t('audit.resource')}</th>
            <th>{t('audit.correlationId')}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>{dateTime(event.at)}</td>
              <td>
                {event.actor.kind} <code>{event.actor.id}</code>
              </td>
              <td>{event.action}</td>
              <td>
                {event.resource.type} <code>{event.resource.id}</code>
              </td>
              <td>
                <code>{event.correlationId}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {events.length === 0 && !error && <p>{t('audit.none')}</p>}
      {nextCursor && (
        <button type="button" onClick={() => void load(nextCursor)}>
          {t('common.more')}
        </button>
      )}
      <ProblemMessage error={error} />
    </div>
  );
}
