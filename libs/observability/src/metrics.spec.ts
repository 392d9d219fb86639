import { metricsRegistry, ServiceMetrics } from './metrics';

/** Counters sum their increments per series and hand them to prom-client when read: what a scrape shows. */
describe('ServiceMetrics counters', () => {
  async function series(name: string): Promise<{ labels: Record<string, unknown>; value: number }[]> {
    const metric = metricsRegistry.getSingleMetric(name);
    return metric ? (await metric.get()).values.map(({ labels, value }) => ({ labels, value })) : [];
  }

  it('counts per label set, with the service label, as read at each scrape', async () => {
    const counter = new ServiceMetrics('svc-a').counter({
      name: 'test_counts_per_series_total',
      help: 'test',
      labelNames: ['pattern', 'outcome'],
    });
    counter.inc({ pattern: 'p.v1', outcome: 'ok' });
    counter.inc({ pattern: 'p.v1', outcome: 'ok' }, 2);
    counter.inc({ outcome: 'ok', pattern: 'q.v1' });
    counter.inc({ pattern: 'p.v1' });
    expect(await series('test_counts_per_series_total')).toEqual([
      { labels: { service: 'svc-a', pattern: 'p.v1', outcome: 'ok' }, value: 3 },
      { labels: { service: 'svc-a', pattern: 'q.v1', outcome: 'ok' }, value: 1 },
      // A label left out is absent from the series, not an empty value.
      { labels: { service: 'svc-a', pattern: 'p.v1' }, value: 1 },
    ]);
    counter.inc({ pattern: 'q.v1', outcome: 'ok' });
    expect(await series('test_counts_per_series_total')).toEqual([
      { labels: { service: 'svc-a', pattern: 'p.v1', outcome: 'ok' }, value: 3 },
      { labels: { service: 'svc-a', pattern: 'q.v1', outcome: 'ok' }, value: 2 },
      { labels: { service: 'svc-a', pattern: 'p.v1' }, value: 1 },
    ]);
  });

  it('shares a series by name between services, told apart by their service label', async () => {
    const definition = { name: 'test_shared_total', help: 'test', labelNames: ['hospital_id'] as const };
    const first = new ServiceMetrics('svc-a').counter(definition);
    const second = new ServiceMetrics('svc-b').counter(definition);
    first.inc({ hospital_id: 'h1' });
    second.inc({ hospital_id: 'h1' });
    new ServiceMetrics('svc-a').counter(definition).inc({ hospital_id: 'h1' });
    expect(await series('test_shared_total')).toEqual([
      { labels: { service: 'svc-a', hospital_id: 'h1' }, value: 2 },
      { labels: { service: 'svc-b', hospital_id: 'h1' }, value: 1 },
    ]);
  });

  it('shows a series increased by 0 at 0, and refuses a decrease', async () => {
    const counter = new ServiceMetrics('svc-a').counter({
      name: 'test_zero_total',
      help: 'test',
      labelNames: ['kind'],
    });
    counter.inc({ kind: 'none' }, 0);
    expect(await series('test_zero_total')).toEqual([
      { labels: { service: 'svc-a', kind: 'none' }, value: 0 },
    ]);
    expect(() => counter.inc({ kind: 'none' }, -1)).toThrow(TypeError);
    expect(() => counter.inc({ kind: 'none' }, Number.NaN)).toThrow(TypeError);
    expect(await series('test_zero_total')).toEqual([
      { labels: { service: 'svc-a', kind: 'none' }, value: 0 },
    ]);
  });
});
