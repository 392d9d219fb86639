import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';

const text = {
  none: 'No webhook subscriptions. A hospital API client with the scope "webhooks" subscribes with POST /v1/webhooks.',
  subscriptions: 'Webhook subscriptions',
  url: 'URL',
  events: 'Events',
  phi: 'Patient fields',
  phiYes: 'yes',
  phiNo: 'ids only',
  created: 'Since',
  showLog: 'Delivery log',
  deliveries: 'Deliveries',
  noDeliveries: 'No deliveries yet.',
  when: 'When',
  event: 'Event',
  subject: 'Patient / care flow / alert',
  status: 'Status',
  attempts: 'Attempts',
  lastAnswer: 'Last answer',
  nextAttempt: 'next try',
  redeliver: 'Redeliver',
  redelivered: 'Queued for delivery again.',
  more: 'More',
  total: (shown: number, total: number) => `${shown} of ${total}`,
};

interface WebhookView {
  id: string;
  url: string;
  events: string[];
  includePhi: boolean;
  createdAt: string;
}

interface DeliveryView {
  id: string;
  eventType: string;
  patientId?: string;
  careFlowId?: string;
  alertId?: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  createdAt: string;
  nextAttemptAt?: string;
  lastAttempt?: {
    at: string;
    durationMs: number;
    responseStatus?: number;
    responseExcerpt?: string;
    error?: string;
  };
}

const PAGE = 50;

/** The hospital's webhook subscriptions and, for one of them, its delivery log with "Redeliver". */
export function WebhooksPanel({ hospitalId }: { hospitalId: string }) {
  const [webhooks, setWebhooks] = useState<WebhookView[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const base = `/v1/admin/hospitals/${hospitalId}/webhooks`;

  useEffect(() => {
    api<{ webhooks: WebhookView[] }>('GET', base)
      .then((list) => setWebhooks(list.webhooks))
      .catch(setError);
  }, [base]);

  if (!webhooks) return <ProblemMessage error={error} />;
  if (webhooks.length === 0) return <p>{text.none}</p>;
  return (
    <div>
      <table aria-label={text.subscriptions}>
        <thead>
          <tr>
            <th>{text.url}</th>
            <th>{text.events}</th>
            <th>{text.phi}</th>
            <th>{text.created}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {webhooks.map((webhook) => (
            <tr key={webhook.id}>
              <td>
                <code>{webhook.url}</code>
              </td>
              <td>{webhook.events.join(', ')}</td>
              <td>{webhook.includePhi ? text.phiYes : text.phiNo}</td>
              <td>{new Date(webhook.createdAt).toLocaleString()}</td>
              <td>
                <button
                  type="button"
                  aria-pressed={selected === webhook.id}
                  onClick={() => setSelected(webhook.id)}
                >
                  {text.showLog}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {selected && <DeliveryLog key={selected} path={`${base}/${selected}/deliveries`} />}
      <ProblemMessage error={error} />
    </div>
  );
}

function DeliveryLog({ path }: { path: string }) {
  const [deliveries, setDeliveries] = useState<DeliveryView[]>([]);
  const [total, setTotal] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(
    async (offset = 0) => {
      setError(null);
      try {
        const page = await api<{ total: number; deliveries: DeliveryView[] }>(
          'GET',
          `${path}?limit=${PAGE}&offset=${offset}`,
        );
        setDeliveries((shown) => (offset ? [...shown, ...page.deliveries] : page.deliveries));
        setTotal(page.total);
      } catch (caught) {
        setError(caught);
      }
    },
    [path],
  );
  useEffect(() => void load(), [load]);

  async function redeliver(delivery: DeliveryView) {
    setError(null);
    try {
      await api('POST', `${path}/${delivery.id}/redeliver`, {});
      setNotice(text.redelivered);
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <div>
      <h3>
        {text.deliveries} ({text.total(deliveries.length, total)})
      </h3>
      {deliveries.length === 0 && !error && <p>{text.noDeliveries}</p>}
      {deliveries.length > 0 && (
        <table aria-label={text.deliveries}>
          <thead>
            <tr>
              <th>{text.when}</th>
              <th>{text.event}</th>
              <th>{text.subject}</th>
              <th>{text.status}</th>
              <th>{text.attempts}</th>
              <th>{text.lastAnswer}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id}>
                <td>{new Date(delivery.createdAt).toLocaleString()}</td>
                <td>{delivery.eventType}</td>
                <td>
                  <code>{delivery.patientId ?? delivery.alertId}</code>
                  {delivery.careFlowId && (
                    <>
                      {' '}
                      / <code>{delivery.careFlowId}</code>
                    </>
                  )}
                </td>
                <td>
                  {delivery.status}
                  {delivery.nextAttemptAt &&
                    ` (${text.nextAttempt} ${new Date(delivery.nextAttemptAt).toLocaleTimeString()})`}
                </td>
                <td>{delivery.attempts}</td>
                <td>
                  {delivery.lastAttempt?.responseStatus ?? delivery.lastAttempt?.error}
                  {delivery.lastAttempt?.responseExcerpt && (
                    <code> {delivery.lastAttempt.responseExcerpt}</code>
                  )}
                </td>
                <td>
                  <button type="button" onClick={() => void redeliver(delivery)}>
                    {text.redeliver}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deliveries.length < total && (
        <button type="button" onClick={() => void load(deliveries.length)}>
          {text.more}
        </button>
      )}
      {notice && <p role="status">{notice}</p>}
      <ProblemMessage error={error} />
    </div>
  );
}
