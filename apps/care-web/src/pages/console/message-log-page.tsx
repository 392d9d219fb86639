import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import type { MessageEntry, MessageLogPage as MessageLogPageBody } from '../../api/types';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { useDates } from '../../i18n/dates';
import { BulkReprocess } from './bulk-reprocess';

const FILTERS = ['hospitalId', 'channel', 'direction', 'type', 'status', 'from', 'to'] as const;

/**
 * Every exchange with the hospitals, newest first, with filters kept in the URL (no PHI goes there);
 * "Load more" follows the API's nextCursor (the cursor stays out of the URL: it is a place in this list).
 */
export function MessageLogPage() {
  const [params, setParams] = useSearchParams();
  const [messages, setMessages] = useState<MessageEntry[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const { t } = useText();
  const { dateTime } = useDates();

  const load = useCallback(
    async (cursor?: string) => {
      const query = new URLSearchParams(params);
      if (cursor) query.set('cursor', cursor);
      const page = await api<MessageLogPageBody>('GET', `/v1/admin/messages?${query}`);
      setMessages((shown) => (cursor && shown ? [...shown, ...page.messages] : page.messages));
      setNextCursor(page.nextCursor);
    },
    [params],
  );

  useEffect(() => {
    setMessages(null);
    setError(null);
    load().catch(setError);
  }, [load]);

  function filter(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const value = String(form.get(name) ?? '').trim();
      if (value) next.set(name, name === 'from' || name === 'to' ? new Date(value).toISOString() : value);
    }
    setParams(next);
  }

  return (
    <section aria-labelledby="log-title">
      <h1 id="log-title">{t('log.title')}</h1>
      <form onSubmit={filter} aria-label={t('log.filterForm')}>
        <label>
          {t('log.hospitalId')} <input name="hospitalId" defaultValue={params.get('hospitalId') ?? ''} />
        </label>
        <label>
          {t('log.channel')}
          <select name="channel" defaultValue={params.get('channel') ?? ''}>
            <option value="">{t('common.any')}</option>
            <option value="a19">{t('log.channelA19')}</option>
            <option value="webservice">{t('log.channelWebService')}</option>
            <option value="siu-file">{t('log.channelSiuFile')}</option>
            <option value="siu-mllp">{t('log.channelSiuMllp')}</option>
          </select>
        </label>
        <label>
          {t('common.status')}
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">{t('common.any')}</option>
            {['received', 'processed', 'failed', 'duplicate', 'sent', 'replied'].map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label>
          {t('log.type')} <input name="type" placeholder="SIU^S12" defaultValue={params.get('type') ?? ''} />
        </label>
        <label>
          {t('log.from')} <input name="from" type="datetime-local" />
        </label>
        <label>
          {t('log.to')} <input name="to" type="datetime-local" />
        </label>
        <button type="submit">{t('common.filter')}</button>
      </form>
      <BulkReprocess params={params} />
      <ProblemMessage error={error} />
      {messages === null ? (
        <p aria-busy="true">{t('common.loading')}</p>
      ) : (
        <table aria-label={t('log.table')}>
          <thead>
            <tr>
              <th scope="col">{t('common.when')}</th>
              <th scope="col">{t('log.channel')}</th>
              <th scope="col">{t('log.type')}</th>
              <th scope="col">{t('log.controlId')}</th>
              <th scope="col">{t('common.status')}</th>
              <th scope="col">{t('log.error')}</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr key={message.id}>
                <td>
                  <Link to={`/console/messages/${message.id}`}>{dateTime(message.createdAt)}</Link>
                </td>
                <td>
                  {message.channel} ({message.direction})
                </td>
                <td>{message.type}</td>
                <td>{message.controlId ?? '—'}</td>
                <td>{message.status}</td>
                <td>{message.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextCursor && (
        <button type="button" onClick={() => load(nextCursor).catch(setError)}>
          {t('log.more')}
        </button>
      )}
    </section>
  );
}
