/**
 * The sink role with the two generic adapters, on the real stack: a webhook channel delivered to
 * the signature-checking receiver, and a portal channel upserted into a PostgreSQL table, each by
 * `syncline sink --channel <id>` as a child process; the register index (`syncline
 * register-index`) then shows every record's fate in the ops database with its lineage.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { ensurePortalSchema } from '../../infra/local/portal/portal-schema.ts';
import { opsPostgres, portalPostgres, postgresUrl } from '../../infra/local/stack-config.ts';
import { localWebhookSecret, type RoleProcess } from '../../infra/local/syncline-roles.ts';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../infra/simulators/webhook-receiver/webhook-receiver.ts';
import { startRole } from '../helpers/pipeline.ts';
import { testKafka } from '../helpers/read-topic.ts';
import { deadLetters, OfferWriter, testChannel, testOffer, topicState } from '../helpers/sink-channel.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka('sink-generic-test');
const table = `portal.offer_sinktest_${randomBytes(4).toString('hex')}`;
let portal: pg.Client;
let ops: pg.Client;
let receiver: WebhookReceiver;
const roles: RoleProcess[] = [];

before(async () => {
  await ensurePortalSchema();
  portal = new pg.Client({ connectionString: postgresUrl(portalPostgres()) });
  await portal.connect();
  await portal.query(`CREATE TABLE ${table} (LIKE portal.offer INCLUDING ALL)`);
  ops = new pg.Client({ connectionString: postgresUrl(opsPostgres()) });
  await ops.connect();
  // The sink reads the secret from SYNCLINE_WEBHOOK_SECRET, which the stack's environment sets.
  receiver = await startWebhookReceiver({ secret: localWebhookSecret });
});

after(async () => {
  await Promise.all(roles.map((r) => r.stop()));
  await receiver?.close();
  await portal?.query(`DROP TABLE IF EXISTS ${table}`);
  await portal?.end();
  await ops?.end();
});

async function write(topic: string, records: { key: string; offer: ReturnType<typeof testOffer> | null }[]) {
  const writer = await OfferWriter.open(kafka, topic);
  try {
    await writer.write(records);
  } finally {
    await writer.close();
  }
}

/** The latest register index row per key of a channel. */
async function indexed(channel: string): Promise<Map<string, Record<string, unknown>>> {
  const result = await ops.query<Record<string, unknown> & { key: string }>(
    `SELECT DISTINCT ON (key) * FROM sync_register WHERE channel = $1 ORDER BY key, recorded_at DESC, register_offset DESC`,
    [channel],
  );
  return new Map(result.rows.map((row) => [row.key, row]));
}

describe('sink: webhook and database table, with the register index', { timeout: 300_000 }, () => {
  it('delivers signed webhooks until the receiver holds what the topic says, delists included', async () => {
    const channel = testChannel({
      adapter: 'webhook',
      settings: { url: receiver.url, secretEnv: 'SYNCLINE_WEBHOOK_SECRET', batchSize: 10 },
    });
    const keys = Array.from({ length: 25 }, (_, i) => `HOOK-${i}`);
    await write(
      channel.topic,
      keys.map((key) => ({ key, offer: testOffer(channel.id, key) })),
    );
    await write(channel.topic, [
      { key: 'HOOK-3', offer: null },
      { key: 'HOOK-4', offer: testOffer(channel.id, 'HOOK-4', { quantity: 0 }) },
    ]);
    // An index row from long ago: the register index deletes rows past the retention (30 days).
    await ops.query(
      `INSERT INTO sync_register (register_partition, register_offset, channel, key, status, operation,
         content_hash, attempt, sentence, offer_topic, offer_partition, offer_offset, recorded_at)
       VALUES (-1, $1, $2, 'HOOK-OLD', 'DELIVERED', 'UPSERT', 'h', 1, 'old', $3, 0, 0, now() - interval '40 days')`,
      [Date.now(), channel.id, channel.topic],
    );
    roles.push(await startRole('sink', channel.configFile, { args: ['--channel', channel.id] }));
    roles.push(await startRole('register-index', channel.configFile));
    const state = await topicState(kafka, channel.topic);
    const holdsTheTopic = () => {
      const held = receiver.offers();
      return [...state].every(([key, offer]) =>
        offer === null ? !held.has(key) : JSON.stringify(held.get(key)?.offer) === JSON.stringify(offer),
      );
    };
    await waitUntil(
      'the receiver to hold what the topic says',
      () => (holdsTheTopic() ? true : undefined),
      90_000,
      250,
    );
    const rows = await waitUntil(
      'the register index to show the last record of every key delivered',
      async () => {
        const latest = await indexed(channel.id);
        const last = [...state.keys()].every((k) => latest.get(k)?.status === 'DELIVERED');
        return last && latest.get('HOOK-3')?.operation === 'DELIST' ? latest : undefined;
      },
      60_000,
      500,
    );
    assert.equal(receiver.offers().get('HOOK-4')?.offer.quantity, 0, 'the later record of a key wins');
    assert.equal(rows.has('HOOK-OLD'), false, 'the row past the retention was deleted');
    assert.equal(rows.get('HOOK-3')?.operation, 'DELIST');
    assert.equal(rows.get('HOOK-0')?.erp_source, 'test');
    assert.ok(Number(rows.get('HOOK-0')?.latency_ms) >= 0);
    assert.equal(receiver.duplicates(), 0, 'no request was sent twice');
  });

  it('upserts into a portal table, and parks a row the table refuses with PostgreSQL’s reason', async () => {
    const channel = testChannel({
      adapter: 'db-table',
      settings: { urlEnv: 'SYNCLINE_PORTAL_DATABASE_URL', table },
      batchSize: 50,
    });
    const keys = Array.from({ length: 30 }, (_, i) => `ROW-${i}`);
    await write(channel.topic, [
      ...keys.map((key) => ({ key, offer: testOffer(channel.id, key) })),
      // A price the portal's check constraint refuses: parked on its own, the rest lands.
      {
        key: 'ROW-7',
        offer: testOffer(channel.id, 'ROW-7', { price: { amount: '-1.00', currency: 'EUR' } }),
      },
    ]);
    roles.push(await startRole('sink', channel.configFile, { args: ['--channel', channel.id] }));
    const letters = await waitUntil('ROW-7 parked', async () => {
      const found = await deadLetters(kafka, channel.id);
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      letters.map((l) => [l.sku, l.code]),
      [['ROW-7', 'CONSTRAINT_VIOLATION']],
    );
    assert.match(letters[0]!.message, /refused offer ROW-7: .*check constraint/);
    const rowsOf = async () =>
      new Map(
        (
          await portal.query<{ sku: string; price: string; quantity: number; listed: boolean }>(
            `SELECT sku, price::text, quantity, listed FROM ${table}`,
          )
        ).rows.map((r) => [r.sku, r]),
      );
    const rows = await waitUntil('the other 29 rows in the portal table', async () => {
      const found = await rowsOf();
      return found.size >= 29 ? found : undefined;
    });
    assert.equal(rows.has('ROW-7'), false, 'the refused row is not in the table');
    assert.deepEqual(rows.get('ROW-1'), { sku: 'ROW-1', price: '19.90', quantity: 7, listed: true });
    await write(channel.topic, [{ key: 'ROW-9', offer: null }]);
    await waitUntil('ROW-9 unlisted', async () =>
      (await rowsOf()).get('ROW-9')?.listed === false ? true : undefined,
    );
  });
});
