/**
 * The channel holdings on the real ops database. Their revision: an ops database from before
 * revisions is migrated at start-up (again and again without harm), and a holding is written only
 * by a record at least as new as the one it reflects, also when two replicas race on one key.
 * Their bound: the holdings of keys delisted long ago are deleted, nothing else. The tests run in
 * a schema of their own, so the shared ops tables are not touched.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import pino from 'pino';
import { opsPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import { postgresHoldings, type HoldingWrite } from '../../streams/sinks/ops/channel-holdings.ts';
import {
  deleteExpiredDelistings,
  expireDelistedHoldings,
} from '../../streams/sinks/ops/delisted-holdings-expiry.ts';
import { openOpsDatabase } from '../../streams/sinks/ops/ops-database.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const schema = `holdings_test_${randomBytes(4).toString('hex')}`;
/** The ops database with `schema` first on the search path: the ops schema is applied there. */
const url = `${postgresUrl(opsPostgres())}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
let pool: pg.Pool;

const write = (key: string, hash: string, offset: number, partition = 0): HoldingWrite => ({
  key,
  contentHash: hash,
  revision: { partition, offset: BigInt(offset) },
});

before(async () => {
  // An ops database as the first version of syncline left it: holdings without revisions.
  const setup = await openOpsDatabase(postgresUrl(opsPostgres()), 1);
  try {
    await setup.query(`CREATE SCHEMA ${schema}`);
    await setup.query(`CREATE TABLE ${schema}.channel_holding (
      channel text NOT NULL, key text NOT NULL, content_hash text NOT NULL,
      delivered_at timestamptz NOT NULL, PRIMARY KEY (channel, key))`);
    await setup.query(`INSERT INTO ${schema}.channel_holding VALUES ('shop', 'OLD-1', 'old-hash', now())`);
  } finally {
    await setup.end();
  }
  // Applied twice, as two replicas starting one after the other do.
  await (await openOpsDatabase(url, 1)).end();
  pool = await openOpsDatabase(url, 4);
});

after(async () => {
  await pool?.query(`DROP SCHEMA ${schema} CASCADE`);
  await pool?.end();
});

describe('channel holdings with revisions (ops database)', () => {
  it('migrates holdings from before revisions: the old row stays, without a revision', async () => {
    const holdings = postgresHoldings(pool, 'shop');
    const held = await holdings.held(['OLD-1']);
    assert.deepEqual(held.get('OLD-1'), { contentHash: 'old-hash', revision: null });
    // Any revision replaces a holding that has none.
    assert.deepEqual(await holdings.record([write('OLD-1', 'new-hash', 0)]), []);
    assert.deepEqual((await holdings.held(['OLD-1'])).get('OLD-1'), {
      contentHash: 'new-hash',
      revision: { partition: 0, offset: 0n },
    });
  });

  it('writes a newer revision, keeps the holding against an older one, and says which lost', async () => {
    const holdings = postgresHoldings(pool, 'shop');
    assert.deepEqual(await holdings.record([write('A', 'a5', 5), write('B', 'b5', 5)]), []);
    assert.deepEqual(await holdings.record([write('A', 'a3', 3), write('B', 'b7', 7)]), ['A']);
    const held = await holdings.held(['A', 'B']);
    assert.deepEqual(held.get('A'), { contentHash: 'a5', revision: { partition: 0, offset: 5n } });
    assert.deepEqual(held.get('B'), { contentHash: 'b7', revision: { partition: 0, offset: 7n } });
    // The same record again (a re-delivery) is no loss.
    assert.deepEqual(await holdings.record([write('B', 'b7', 7)]), []);
  });

  it('replaces a holding from a former topic of the same name (at or past the partition end)', async () => {
    const holdings = postgresHoldings(pool, 'shop');
    await holdings.record([write('C', 'c900', 900)]);
    assert.deepEqual(await holdings.record([write('C', 'c2', 2)], 500n), []);
    assert.deepEqual((await holdings.held(['C'])).get('C')?.revision, { partition: 0, offset: 2n });
    // While the stored revision is inside the partition, an older one still loses.
    assert.deepEqual(await holdings.record([write('C', 'c1', 1)], 500n), ['C']);
  });

  // Either may reach the row first; what is held must not depend on it.
  it('keeps the newer of two replicas racing on a key, whichever writes last', async () => {
    const holdings = postgresHoldings(pool, 'shop');
    for (let round = 0; round < 30; round += 1) {
      const key = `RACE-${round}`;
      const [, newer] = await Promise.all([
        holdings.record([write(key, 'older', 10)]),
        holdings.record([write(key, 'newer', 11)]),
      ]);
      const held = (await holdings.held([key])).get(key);
      assert.equal(held?.contentHash, 'newer', `round ${round}`);
      assert.deepEqual(newer, []);
    }
  });

  it('keeps channels apart', async () => {
    await postgresHoldings(pool, 'shop').record([write('D', 'shop-d', 9)]);
    assert.deepEqual(await postgresHoldings(pool, 'portal').record([write('D', 'portal-d', 1)]), []);
    assert.equal((await postgresHoldings(pool, 'shop').held(['D'])).get('D')?.contentHash, 'shop-d');
  });
});

describe('holdings of keys delisted long ago (ops database)', () => {
  /** A holding written `daysAgo` days ago. */
  const holding = (channel: string, key: string, hash: string, daysAgo: number) =>
    pool.query(
      `INSERT INTO channel_holding (channel, key, content_hash, delivered_at, revision_partition, revision_offset)
       VALUES ($1, $2, $3, now() - $4 * interval '1 day', 0, 1)`,
      [channel, key, hash, daysAgo],
    );
  const keysOf = async (channel: string) =>
    (
      await pool.query<{ key: string }>('SELECT key FROM channel_holding WHERE channel = $1 ORDER BY key', [
        channel,
      ])
    ).rows.map((row) => row.key);

  it("deletes a delisted key's holding past the retention, and nothing else", async () => {
    await holding('expiry', 'GONE-LONG-AGO', 'tombstone', 8);
    await holding('expiry', 'GONE-LATELY', 'tombstone', 6);
    await holding('expiry', 'LISTED-LONG-AGO', 'some-hash', 30);
    await holding('other-channel', 'GONE-LONG-AGO', 'tombstone', 30);
    assert.equal(await deleteExpiredDelistings(pool, ['expiry'], 7), 1);
    assert.deepEqual(await keysOf('expiry'), ['GONE-LATELY', 'LISTED-LONG-AGO']);
    assert.deepEqual(await keysOf('other-channel'), ['GONE-LONG-AGO'], 'only the channels asked for');
    assert.equal(await deleteExpiredDelistings(pool, ['expiry'], 7), 0, 'again: nothing more');
  });

  it('is run by the sink when it starts, and then on a timer', async () => {
    await holding('expiry-timer', 'GONE-LONG-AGO', 'tombstone', 10);
    const expiry = expireDelistedHoldings({
      pool,
      channels: ['expiry-timer'],
      retentionDays: 7,
      logger: pino({ level: 'silent' }),
      everyMs: 200,
    });
    try {
      await waitUntil(
        'the expired holding deleted',
        async () => ((await keysOf('expiry-timer')).length === 0 ? true : undefined),
        10_000,
        50,
      );
      await holding('expiry-timer', 'GONE-SINCE', 'tombstone', 9);
      await waitUntil(
        'the next round to delete the one expired since',
        async () => ((await keysOf('expiry-timer')).length === 0 ? true : undefined),
        10_000,
        50,
      );
    } finally {
      expiry.stop();
    }
  });
});
