/**
 * What a role's own /metrics says about a bench phase: CPU seconds, commit and batch latency
 * (from the engine's histograms, as the difference of two scrapes), event-loop delay p99 and
 * memory. The role logs its metrics address when it runs (the bench gives it a free port), and
 * startRole keeps it.
 */
import type { RoleProcess } from '../infra/local/syncline-roles.ts';
import { histogramQuantile, scrapeMetrics, total, type Scrape } from './prometheus-text.ts';

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

export async function scrape(role: RoleProcess): Promise<Scrape> {
  if (role.metricsUrl === undefined) throw new Error('the role did not log its metrics address');
  return scrapeMetrics(role.metricsUrl);
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
