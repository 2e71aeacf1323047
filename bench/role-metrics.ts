/**
 * What a role's own /metrics says about a bench phase: CPU seconds, commit and batch latency
 * (from the engine's histograms, as the difference of two scrapes), event-loop delay p99 and
 * memory. The role logs its metrics address when it runs (the bench gives it a free port).
 */
import type { RoleProcess } from '../infra/local/syncline-roles.ts';

/** One scrape: `name{labels}` -> value, as prom-client prints it. */
type Scrape = Map<string, number>;

export interface RoleFigures {
  readonly cpuSeconds: number;
  /** Estimated from histogram buckets: the upper bound of the bucket the quantile falls in. */
  readonly commitP50Ms: number;
  readonly commitP99Ms: number;
  readonly commits: number;
  readonly batchP99Ms: number;
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
}

export function metricsUrlOf(role: RoleProcess): string {
  for (const line of role.output().split('\n')) {
    if (!line.includes('"metrics"')) continue;
    try {
      const entry = JSON.parse(line) as { metrics?: unknown };
      if (typeof entry.metrics === 'string') return entry.metrics;
    } catch {
      // not a JSON log line
    }
  }
  throw new Error('the role has not logged its metrics address');
}

export async function scrape(role: RoleProcess): Promise<Scrape> {
  const response = await fetch(metricsUrlOf(role));
  const text = await response.text();
  const values: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** Sum over every series of a metric whose labels contain `labelFilter`. */
function total(values: Scrape, metric: string, labelFilter = ''): number {
  let sum = 0;
  for (const [series, value] of values) {
    if ((series === metric || series.startsWith(`${metric}{`)) && series.includes(labelFilter)) sum += value;
  }
  return sum;
}

/** A quantile of a histogram over the phase (bucket counts after minus before), in ms. */
function histogramQuantile(before: Scrape, after: Scrape, metric: string, q: number): number {
  const buckets = new Map<number, number>();
  for (const [series, value] of after) {
    const match = new RegExp(`^${metric}_bucket\\{.*le="([^"]+)"`).exec(series);
    if (!match?.[1]) continue;
    const le = match[1] === '+Inf' ? Infinity : Number(match[1]);
    buckets.set(le, (buckets.get(le) ?? 0) + value - (before.get(series) ?? 0));
  }
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const count = sorted.at(-1)?.[1] ?? 0;
  if (count === 0) return NaN;
  const found = sorted.find(([, cumulative]) => cumulative >= q * count);
  return (found?.[0] ?? Infinity) * 1000;
}

/** The role's figures between two scrapes; the event-loop gauges cover the time since `before`. */
export function roleFigures(before: Scrape, after: Scrape): RoleFigures {
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  return {
    cpuSeconds:
      total(after, 'syncline_process_cpu_seconds_total') -
      total(before, 'syncline_process_cpu_seconds_total'),
    commitP50Ms: histogramQuantile(before, after, 'syncline_commit_seconds', 0.5),
    commitP99Ms: histogramQuantile(before, after, 'syncline_commit_seconds', 0.99),
    commits: total(after, 'syncline_commit_seconds_count') - total(before, 'syncline_commit_seconds_count'),
    batchP99Ms: histogramQuantile(before, after, 'syncline_batch_seconds', 0.99),
    eventLoopDelayP99Ms: Math.round(total(after, 'syncline_nodejs_eventloop_lag_p99_seconds') * 1000),
    eventLoopDelayMaxMs: Math.round(total(after, 'syncline_nodejs_eventloop_lag_max_seconds') * 1000),
    rssMb: mb(total(after, 'syncline_process_resident_memory_bytes')),
    heapUsedMb: mb(total(after, 'syncline_nodejs_heap_size_used_bytes')),
  };
}

export function figuresText(name: string, f: RoleFigures, seconds: number): string {
  return (
    `${name.padEnd(8)} CPU ${((100 * f.cpuSeconds) / seconds).toFixed(0)}% of a core, ` +
    `${f.commits} commits (p50 <= ${f.commitP50Ms} ms, p99 <= ${f.commitP99Ms} ms), batch p99 <= ${f.batchP99Ms} ms, ` +
    `event-loop delay p99 ${f.eventLoopDelayP99Ms} ms (max ${f.eventLoopDelayMaxMs} ms), RSS ${f.rssMb} MB, heap ${f.heapUsedMb} MB`
  );
}
