import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { Hl7View } from '../../components/hl7-view';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';
import { useDates } from '../../i18n/dates';
import type { MessageEntry } from '../../api/types';

interface MessageDetail extends MessageEntry {
  raw?: string;
  reply?: string;
  ack?: string;
  summary?: Record<string, unknown>;
}

const looksLikeHl7 = (text?: string) => !!text && /^(MSH|FHS|BHS)/.test(text);

/** One message: raw content with HL7 segments and fields labelled, the ACK or reply, the error, and reprocess. */
export function MessagePage() {
  const { messageId } = useParams();
  const [message, setMessage] = useState<MessageDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reprocessed, setReprocessed] = useState<string | null>(null);
  const { t } = useText();
  const { dateTime } = useDates();
  const load = useCallback(
    () => api<MessageDetail>('GET', `/v1/admin/messages/${messageId}`).then(setMessage).catch(setError),
    [messageId],
  );
  useEffect(() => void load(), [load]);
  // A replayed SIU message goes back to `received` until a consumer has processed it again: follow it.
  useEffect(() => {
    if (message?.status !== 'received' || !message.channel.startsWith('siu') || !reprocessed) return;
    const timer = setInterval(() => void load(), 500);
    return () => clearInterval(timer);
  }, [message, reprocessed, load]);

  if (!message)
    return error ? <ProblemMessage error={error} /> : <p aria-busy="true">{t('common.loading')}</p>;
  return (
    <section aria-labelledby="message-title">
      <h1 id="message-title">
        {message.type} · {message.status}
      </h1>
      <dl className="demographics">
        <dt>{t('message.channel')}</dt>
        <dd>
          {message.channel} ({message.direction})
        </dd>
        <dt>{t('message.controlId')}</dt>
        <dd>{message.controlId ?? '—'}</dd>
        <dt>{t('common.when')}</dt>
        <dd>{dateTime(message.createdAt)}</dd>
        {message.durationMs !== undefined && (
          <>
            <dt>{t('message.duration')}</dt>
            <dd>{t('message.durationMs', { ms: message.durationMs })}</dd>
          </>
        )}
        {message.error && (
          <>
            <dt>{t('message.error')}</dt>
            <dd role="alert">{message.error}</dd>
          </>
        )}
      </dl>
      {message.status === 'failed' && message.channel.startsWith('siu') && (
        <button
          onClick={async () => {
            try {
              const result = await api<{ status?: string }>(
                'POST',
                `/v1/admin/messages/${message.id}/reprocess`,
              );
              setReprocessed(result.status ?? 'submitted');
              await load();
            } catch (caught) {
              setError(caught);
            }
          }}
        >
          {t('message.reprocess')}
        </button>
      )}
      {reprocessed && <p role="status">{t('message.reprocessed', { status: reprocessed })}</p>}
      <ProblemMessage error={error} />
      {message.raw &&
        (looksLikeHl7(message.raw) ? (
          <Hl7View raw={message.raw} label={t('message.message')} />
        ) : (
          <pre aria-label={t('message.message')}>{message.raw}</pre>
        ))}
      {(message.reply ?? message.ack) &&
        (looksLikeHl7(message.reply ?? message.ack) ? (
          <Hl7View raw={(message.reply ?? message.ack)!} label={t('message.reply')} />
        ) : (
          <pre aria-label={t('message.reply')}>{message.reply ?? message.ack}</pre>
        ))}
    </section>
  );
}
