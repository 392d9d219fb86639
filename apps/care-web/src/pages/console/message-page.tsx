import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { api } from '../../api/client';
import { Hl7View } from '../../components/hl7-view';
import { ProblemMessage } from '../../components/problem-message';
import type { MessageEntry } from './message-log-page';

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
  const load = () => api<MessageDetail>('GET', `/v1/admin/messages/${messageId}`).then(setMessage).catch(setError);
  useEffect(() => void load(), [messageId]);
  // A replayed SIU message goes back to `received` until a consumer has processed it again: follow it.
  useEffect(() => {
    if (message?.status !== 'received' || !message.channel.startsWith('siu') || !reprocessed) return;
    const timer = setInterval(() => void load(), 500);
    return () => clearInterval(timer);
  }, [message, reprocessed]);

  if (!message) return error ? <ProblemMessage error={error} /> : <p aria-busy="true">Loading…</p>;
  return (
    <section aria-labelledby="message-title">
      <h1 id="message-title">
        {message.type} · {message.status}
      </h1>
      <dl className="demographics">
        <dt>Channel</dt>
        <dd>
          {message.channel} ({message.direction})
        </dd>
        <dt>Control ID</dt>
        <dd>{message.controlId ?? '—'}</dd>
        <dt>When</dt>
        <dd>{new Date(message.createdAt).toLocaleString()}</dd>
        {message.durationMs !== undefined && (
          <>
            <dt>Duration</dt>
            <dd>{message.durationMs} ms</dd>
          </>
        )}
        {message.error && (
          <>
            <dt>Error</dt>
            <dd role="alert">{message.error}</dd>
          </>
        )}
      </dl>
      {message.status === 'failed' && message.channel.startsWith('siu') && (
        <button
          onClick={async () => {
            try {
              const result = await api<{ status?: string }>('POST', `/v1/admin/messages/${message.id}/reprocess`);
              setReprocessed(result.status ?? 'submitted');
              await load();
            } catch (caught) {
              setError(caught);
            }
          }}
        >
          Reprocess
        </button>
      )}
      {reprocessed && <p role="status">Reprocessed: {reprocessed}</p>}
      <ProblemMessage error={error} />
      {message.raw && (looksLikeHl7(message.raw) ? <Hl7View raw={message.raw} label="Message" /> : <pre aria-label="Message">{message.raw}</pre>)}
      {(message.reply ?? message.ack) &&
        (looksLikeHl7(message.reply ?? message.ack) ? (
          <Hl7View raw={(message.reply ?? message.ack)!} label="Reply" />
        ) : (
          <pre aria-label="Reply">{message.reply ?? message.ack}</pre>
        ))}
    </section>
  );
}
