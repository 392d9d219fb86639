import { useCallback, useEffect, useState } from 'react';
import { api } from '../../api/client';
import { ProblemMessage } from '../../components/problem-message';
import { useText } from '../../i18n';

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
  const { t } = useText();
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
  if (webhooks.length === 0)
    return <p>{t('webhooks.none', { scope: '"webhooks"', route: 'POST /v1/webhooks' })}</p>;
  return (
    <div>
      <table aria-label={t('webhooks.subscriptions')}>
        <thead>
          <tr>
            <th>{t('webhooks.url')}</th>
            <th>{t('webhooks.events')}</th>
            <th>{t('webhooks.phi')}</th>
            <th>{t('webhooks.created')}</th>
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
              <td>{webhook.includePhi ? t('webhooks.phiYes') : t('webhooks.phiNo')}</td>
              <td>{new Date(webhook.createdAt).toLocaleString()}</td>
              <td>
                <button
                  type="button"
                  aria-pressed={selected === webhook.id}
                  onClick={() => setSelected(webhook.id)}
                >
                  {t('webhooks.showLog')}
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
  const { t } = useText();
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
      setNotice(t('webhooks.redelivered'));
      await load();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <div>
      <h3>
        {t('webhooks.deliveries')} ({t('webhooks.total', { shown: deliveries.length, total })})
      </h3>
      {deliveries.length === 0 && !error && <p>{t('webhooks.noDeliveries')}</p>}
      {deliveries.length > 0 && (
        <table aria-label={t('webhooks.deliveries')}>
          <thead>
            <tr>
              <th>{t('webhooks.when')}</th>
              <th>{t('webhooks.event')}</th>
              <th>{t('webhooks.subject')}</th>
              <th>{t('webhooks.status')}</th>
              <th>{t('webhooks.attempts')}</th>
              <th>{t('webhooks.lastAnswer')}</th>
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
                    ` (${t('webhooks.nextAttempt')} ${new Date(delivery.nextAttemptAt).toLocaleTimeString()})`}
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
                    {t('webhooks.redeliver')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {deliveries.length < total && (
        <button type="button" onClick={() => void load(deliveries.length)}>
          {t('common.more')}
        </button>
      )}
      {notice && <p role="status">{notice}</p>}
      <ProblemMessage error={error} />
    </div>
  );
}
