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
    const counts = pendingCounts(definition.name);
    shared(
      definition.name,
      () =>
        new Counter({
          ...withService(definition),
          collect(this: Counter) {
            for (const series of counts.values()) {
              if (series.value === 0 && series.shown) continue;
              this.inc(series.labels, series.value);
              series.value = 0;
              series.shown = true;
            }
          },
        }),
    );
    const { labelNames } = definition;
    const service = this.service;
    return {
      inc: (labels, value = 1) => {
        if (!(value >= 0 && value !== Infinity)) throw new TypeError(`cannot increase a counter by ${value}`);
        // The series' key: the service and each label's value, in the definition's order.
        let key = service;
        for (const name of labelNames) key += `\u0000${labels[name] ?? '\u0001'}`;
        const series = counts.get(key);
        if (series) series.value += value;
        else counts.set(key, { labels: seriesLabels(labelNames, labels, service), value, shown: false });
      },
    };
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

/**
 * A counter's increments, summed here per series and added to prom-client's counter when it is read (its
 * `collect`, before every scrape): prom-client checks and hashes the label object on every `inc` (2.3 µs
 * each on this project's machine, several per request and bus message); here an increment builds one string
 * key (0.2 µs). A series is kept once seen, as prom-client keeps its own.
 * Shared by counter name, like the counter: two services counting one series add to one sum.
 */
interface PendingSeries {
  labels: Record<string, string | number>;
  /** Counted since the last read. */
  value: number;
  /** In prom-client's counter already, so a series counted by 0 shows at 0. */
  shown: boolean;
}
type PendingCounts = Map<string, PendingSeries>;
const pending = new Map<string, PendingCounts>();

function pendingCounts(name: string): PendingCounts {
  let counts = pending.get(name);
  if (!counts) pending.set(name, (counts = new Map() as PendingCounts));
  return counts;
}

/** The series' labels: those defined (a label left out is absent, as prom-client treats it) and the service. */
function seriesLabels<L extends string>(
  labelNames: readonly L[],
  labels: Labels<L>,
  service: string,
): Record<string, string | number> {
  const series: Record<string, string | number> = { service };
  for (const name of labelNames) {
    const value = labels[name];
    if (value !== undefined) series[name] = value;
  }
  return series;
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
