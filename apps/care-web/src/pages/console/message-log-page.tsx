import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { BulkReprocess } from './bulk-reprocess';

export interface MessageEntry {
  id: string;
  hospitalId: string;
  channel: string;
  direction: string;
  type: string;
  controlId?: string;
  status: string;
  error?: string;
  createdAt: string;
  durationMs?: number;
}

const FILTERS = ['hospitalId', 'channel', 'direction', 'type', 'status', 'from', 'to'] as const;

/** Every exchange with the hospitals, newest first, with filters kept in the URL (no PHI goes there). */
export function MessageLogPage() {
  const [params, setParams] = useSearchParams();
  const [messages, setMessages] = useState<MessageEntry[] | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setMessages(null);
    api<MessageEntry[]>('GET', `/v1/admin/messages?${params.toString()}`).then(setMessages).catch(setError);
  }, [params]);

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
      <h1 id="log-title">Message log</h1>
      <form onSubmit={filter} aria-label="Filter messages">
        <label>
          Hospital ID <input name="hospitalId" defaultValue={params.get('hospitalId') ?? ''} />
        </label>
        <label>
          Channel
          <select name="channel" defaultValue={params.get('channel') ?? ''}>
            <option value="">any</option>
            <option value="a19">HL7 query</option>
            <option value="webservice">Web service</option>
            <option value="siu-file">SIU file</option>
            <option value="siu-mllp">SIU MLLP</option>
          </select>
        </label>
        <label>
          Status
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">any</option>
            {['received', 'processed', 'failed', 'duplicate', 'sent', 'replied'].map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label>
          Type <input name="type" placeholder="SIU^S12" defaultValue={params.get('type') ?? ''} />
        </label>
        <label>
          From <input name="from" type="datetime-local" />
        </label>
        <label>
          To <input name="to" type="datetime-local" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <BulkReprocess params={params} />
      <ProblemMessage error={error} />
      {messages === null ? (
        <p aria-busy="true">Loading…</p>
      ) : (
        <table aria-label="Messages">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Channel</th>
              <th scope="col">Type</th>
              <th scope="col">Control ID</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((message) => (
              <tr key={message.id}>
                <td>
                  <Link to={`/console/messages/${message.id}`}>{new Date(message.createdAt).toLocaleString()}</Link>
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
    </section>
  );
}
