import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * One registry per process: the embedded default hosts every service in one process and serves them on
 * one endpoint, told apart by the `service` label every series carries. Metric objects are shared by
 * name, so two services (or two instances of one in a test) registering the same series get the same one.
 *
 * Labels must stay bounded: ids of hospitals, patterns, route templates, outcomes — never a patient, a
 * URL with ids in it, or free text.
 */
export const metricsRegistry = new Registry();

type Labels<L extends string> = Partial<Record<L, string | number>>;

export interface MetricDefinition<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
}

export interface ServiceCounter<L extends string> {
  inc(labels: Labels<L>, value?: number): void;
}

export interface ServiceHistogram<L extends string> {
  observe(labels: Labels<L>, seconds: number): void;
}

export interface ServiceGauge<L extends string> {
  set(labels: Labels<L>, value: number): void;
  /** Forgets one label set (an alert that resolved must leave the gauge, not stay at 0 forever). */
  remove(labels: Labels<L>): void;
  /**
   * Values read at scrape time (e.g. from the database) instead of pushed. `key` names this contributor, so
   * registering again (a service restarted in the same process) replaces it; the returned function removes it.
   */
  collectWith(key: string, read: () => Promise<{ labels: Labels<L>; value: number }[]>): () => void;
}

/** Seconds; from a fast database round trip to a hospital timing out. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type Collector = () => Promise<{ labels: Record<string, string | number>; value: number }[]>;
const collectors = new Map<string, Map<string, Collector>>();

/**
 * What a service uses to register and update its series: every value it records carries its `service`
 * label. `new ServiceMetrics('notifier').gauge({...})` — see libs/observability/README.md.
 */
export class ServiceMetrics {
  constructor(readonly service: string) {}

  counter<L extends string>(definition: MetricDefinition<L>): ServiceCounter<L> {
    const counter = shared(definition.name, () => new Counter(withService(definition)));
    return { inc: (labels, value = 1) => counter.inc({ ...labels, service: this.service }, value) };
  }

  histogram<L extends string>(definition: MetricDefinition<L> & { buckets?: number[] }): ServiceHistogram<L> {
    const histogram = shared(
      definition.name,
      () => new Histogram({ ...withService(definition), buckets: definition.buckets ?? LATENCY_BUCKETS }),
    );
    return { observe: (labels, seconds) => histogram.observe({ ...labels, service: this.service }, seconds) };
  }

  gauge<L extends string>(definition: MetricDefinition<L>): ServiceGauge<L> {
    const name = definition.name;
    const gauge = shared(
      name,
      () =>
        new Gauge({
          ...withService(definition),
          // Pulled values are read afresh at each scrape; pushed ones (set) stay as they are.
          async collect(this: Gauge) {
            for (const read of collectors.get(name)?.values() ?? []) {
              const values = await read().catch(() => []);
              for (const { labels, value } of values) this.set(labels, value);
            }
          },
        }),
    );
    return {
      set: (labels, value) => gauge.set({ ...labels, service: this.service }, value),
      remove: (labels) => gauge.remove({ ...labels, service: this.service }),
      collectWith: (key, read) => {
        const byKey = collectors.get(name) ?? new Map<string, Collector>();
        collectors.set(name, byKey);
        const id = `${this.service}/${key}`;
        const collector: Collector = async () =>
          (await read()).map(({ labels, value }) => ({
            labels: { ...labels, service: this.service },
            value,
          }));
        byKey.set(id, collector);
        return () => {
          if (byKey.get(id) === collector) byKey.delete(id);
        };
      },
    };
  }
}

function withService<L extends string>(definition: MetricDefinition<L>) {
  return {
    name: definition.name,
    help: definition.help,
    labelNames: ['service', ...definition.labelNames],
    registers: [metricsRegistry],
  };
}

function shared<M>(name: string, create: () => M): M {
  return (metricsRegistry.getSingleMetric(name) as M | undefined) ?? create();
}
