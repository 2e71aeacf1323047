/**
 * A channel's API budget (requests and items per second) shared by every sink replica through the
 * ops database, as GCRA (the generic cell rate algorithm, a token bucket stated as times): each
 * take moves the channel's "theoretical arrival time" on by cost / rate in one atomic UPDATE, and
 * the caller waits until its slot. The database's clock is the one clock, so replicas on hosts
 * with skewed clocks still share one pace. A take never over-books: slots are reserved in order.
 * A lost connection throws OpsUnavailable (ops-outage.ts) out of the adapter's call; the sink
 * waits it out and sends the call again.
 */
import type pg from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { opsCall } from './ops-outage.ts';

export interface RateLimit {
  readonly requestsPerSecond?: number;
  readonly itemsPerSecond?: number;
}

export interface RateBudget {
  /** Waits until one request carrying `items` items may go; returns how long it waited (ms). */
  take(items: number, signal?: AbortSignal): Promise<number>;
}

export const unlimitedBudget: RateBudget = { take: () => Promise.resolve(0) };

export function postgresRateBudget(pool: pg.Pool, channel: string, limit: RateLimit): RateBudget {
  const requestMs = limit.requestsPerSecond ? 1000 / limit.requestsPerSecond : 0;
  const itemMs = limit.itemsPerSecond ? 1000 / limit.itemsPerSecond : 0;
  if (requestMs === 0 && itemMs === 0) return unlimitedBudget;
  let created = false;
  return {
    async take(items, signal) {
      if (!created) {
        await opsCall(`rate budget of channel ${channel}`, () =>
          pool.query(
            `INSERT INTO sink_budget (channel, request_tat, item_tat)
             VALUES ($1, clock_timestamp(), clock_timestamp()) ON CONFLICT (channel) DO NOTHING`,
            [channel],
          ),
        );
        created = true;
      }
      // Each side's slot starts at max(now, tat); the new tat is that start plus this take's cost.
      // The wait is how far the later of the two starts lies ahead of now.
      const cost = { request: requestMs, item: itemMs * items };
      const result = await opsCall(`rate budget of channel ${channel}`, () =>
        pool.query<{ wait_ms: number }>(
          `UPDATE sink_budget SET
           request_tat = greatest(request_tat, clock_timestamp()) + $2 * interval '1 millisecond',
           item_tat = greatest(item_tat, clock_timestamp()) + $3 * interval '1 millisecond'
         WHERE channel = $1
         RETURNING greatest(
           extract(epoch FROM (request_tat - clock_timestamp())) * 1000 - $2,
           extract(epoch FROM (item_tat - clock_timestamp())) * 1000 - $3,
           0)::float8 AS wait_ms`,
          [channel, cost.request, cost.item],
        ),
      );
      const waitMs = Math.ceil(result.rows[0]?.wait_ms ?? 0);
      if (waitMs > 0) await sleep(waitMs, undefined, { signal });
      return waitMs;
    },
  };
}
