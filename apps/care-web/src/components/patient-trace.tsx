import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { PatientTracePage, PatientTraceEvent } from '../api/types';
import { useText } from '../i18n';
import { useDates } from '../i18n/dates';
import { ProblemMessage } from './problem-message';

const PAGE_SIZE = 50;

/**
 * "What happened to this patient?": every push, import, SIU message, care-flow change and login link, oldest
 * first, a page at a time. `version` changes when the page changed the patient, so the trace reloads.
 */
export function PatientTrace({ patientId, version }: { patientId: string; version: number }) {
  const [events, setEvents] = useState<PatientTraceEvent[]>([]);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();
  const { dateTime } = useDates();

  const load = useCallback(
    async (cursor?: string) => {
      setError(null);
      const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
      if (cursor) query.set('cursor', cursor);
      try {
        const page = await api<PatientTracePage>('GET', `/v1/patients/${patientId}/trace?${query}`);
        setEvents((shown) => (cursor ? [...shown, ...page.events] : page.events));
        setNextCursor(page.nextCursor);
        setLoaded(true);
      } catch (caught) {
        setError(caught);
      }
    },
    [patientId],
  );

  useEffect(() => {
    void load();
  }, [load, version]);

  return (
    <section aria-labelledby="trace-title">
      <h2 id="trace-title">{t('trace.title')}</h2>
      {loaded && events.length === 0 && <p>{t('trace.none')}</p>}
      {events.length > 0 && (
        <table aria-label={t('trace.title')}>
          <thead>
            <tr>
              <th scope="col">{t('common.when')}</th>
              <th scope="col">{t('trace.what')}</th>
              <th scope="col">{t('trace.channel')}</th>
              <th scope="col">{t('trace.details')}</th>
            </tr>
          </thead>
          <tbody>
            {events.map((event, index) => (
              <tr key={`${event.at}-${index}`}>
                <td>{dateTime(event.at)}</td>
                <td>{t(`trace.kind.${event.kind}`)}</td>
                <td>{event.channel ? t(`trace.channel.${event.channel}`) : t('common.none')}</td>
                <td>
                  {/* The server's own words: ids and event names, in English whatever the screen's language. */}
                  <span lang="en">{event.summary}</span>
                  {event.messageId && (
                    <>
                      {' · '}
                      {t('trace.message')} <code>{event.messageId}</code>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor && (
        <button type="button" onClick={() => void load(nextCursor)}>
          {t('common.more')}
        </button>
      )}
      <ProblemMessage error={error} />
    </section>
  );
}
