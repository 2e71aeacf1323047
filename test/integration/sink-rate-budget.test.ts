/**
 * The channel budget shared through the ops database: several takers (as several sink replicas
 * would be) never get more than the rate between them, and a take never waits when the budget has
 * room.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import { opsPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import { openOpsDatabase } from '../../streams/sinks/ops/ops-database.ts';
import { postgresRateBudget } from '../../streams/sinks/ops/rate-budget.ts';

let pools: pg.Pool[] = [];

before(async () => {
  // Two pools: two processes, as far as the database can tell.
  pools = [
    await openOpsDatabase(postgresUrl(opsPostgres()), 2),
    await openOpsDatabase(postgresUrl(opsPostgres()), 2),
  ];
});

after(async () => {
  await Promise.all(pools.map((p) => p.end()));
});

describe('postgresRateBudget', () => {
  it('spaces the requests of several replicas at the channel rate between them', async () => {
    const channel = `budget-${randomUUID()}`;
    const budgets = pools.map((pool) => postgresRateBudget(pool, channel, { requestsPerSecond: 20 }));
    const started = performance.now();
    const times: number[] = [];
    // 3 workers per replica, 40 requests in all.
    await Promise.all(
      Array.from({ length: 6 }, async (_, worker) => {
        for (let i = 0; i < 40 / 6 + 1 && times.length < 40; i += 1) {
          await budgets[worker % 2]!.take(1);
          times.push(performance.now() - started);
        }
      }),
    );
    times.sort((a, b) => a - b);
    // 40 requests at 20/s: the 40th may go 39 × 50 ms after the first.
    assert.ok(times.at(-1)! >= 1900, `the last request went at ${Math.round(times.at(-1)!)} ms`);
    for (let i = 20; i < times.length; i += 1) {
      const window = times[i]! - times[i - 20]!;
      assert.ok(window >= 950, `21 requests within ${Math.round(window)} ms`);
    }
  });

  it('charges items against the items-per-second limit', async () => {
    const budget = postgresRateBudget(pools[0]!, `budget-${randomUUID()}`, { itemsPerSecond: 1000 });
    const started = performance.now();
    await budget.take(500);
    await budget.take(500);
    await budget.take(500);
    // 1,500 items at 1,000/s: the third take starts a second after the first.
    assert.ok(performance.now() - started >= 950, `took ${Math.round(performance.now() - started)} ms`);
  });

  it('does not wait while the channel has room', async () => {
    const budget = postgresRateBudget(pools[0]!, `budget-${randomUUID()}`, { requestsPerSecond: 10 });
    assert.equal(await budget.take(1), 0);
  });
});
