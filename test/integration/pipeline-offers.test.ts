/**
 * The pipeline on the real stack, as the README runs it: ERP databases -> Debezium -> ingest ->
 * canonical topics -> offers -> one topic per channel. Each ERP edit must reach exactly the
 * channels it affects, with the right values, read back with read_committed; bad input is parked
 * with its reason and the line goes on.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type pg from 'pg';
import type mysql from 'mysql2/promise';
import { applyConnectors } from '../../connectors/apply.ts';
import { connectMariadb, connectPostgres } from '../../infra/local/erp/connect.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { offerTopicOf } from '../../streams/contracts/topics.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { contentHashHeader } from '../../streams/contracts/content-hash.ts';
import { channelDlqTopicOf } from '../../streams/contracts/topics.ts';
import { ingestDlqTopic } from '../../streams/processors/ingest/ingest-processor.ts';
import { lineageHeaderNames } from '../../streams/runtime/lineage-headers.ts';
import type { ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import type { RoleProcess } from '../../infra/local/syncline-roles.ts';
import { startRole, testConfigFile } from '../helpers/pipeline.ts';
import { testKafka } from '../helpers/read-topic.ts';
import { tailTopics, type TailRecord, type TopicTail } from '../helpers/topic-tail.ts';

const channels = ['webshop', 'b2b-portal', 'marketplace'] as const;
const offerTopics = channels.map(offerTopicOf);
const dlqTopics = [...channels.map(channelDlqTopicOf), ingestDlqTopic];

let erp: pg.Client;
let wms: mysql.Connection;
const roles: RoleProcess[] = [];
let tail: TopicTail;
/** Set once the tail runs: a failed start-up must not fail the clean-up too. */
let tailRunning: TopicTail | undefined;
/** A standalone, active product with an EAN and a brand: offered on all three channels. */
let sku: string;

const offerOn = (
  channel: string,
  key: string,
  match: (offer: Offer) => boolean = () => true,
  timeoutMs?: number,
) =>
  tail.waitFor(
    `an offer of ${key} on ${channel}`,
    (r) => r.topic === offerTopicOf(channel) && r.key === key && r.value !== null && match(r.value as Offer),
    timeoutMs,
  );

const tombstoneOn = (channel: string, key: string) =>
  tail.waitFor(`a tombstone of ${key} on ${channel}`, (r) => {
    return r.topic === offerTopicOf(channel) && r.key === key && r.value === null;
  });

const recordsOf = (channel: string, key: string, since: number): TailRecord[] =>
  tail.records.slice(since).filter((r) => r.topic === offerTopicOf(channel) && r.key === key);

const free = (onHand: number, reserved: number) => Math.max(0, onHand - reserved);

/** Free stock per warehouse of `sku` as the ERP implies: PostgreSQL for its warehouses, MariaDB for WH-3PL. */
async function freeStock(of: string): Promise<Record<string, number>> {
  const result: Record<string, number> = {};
  const pgRows = await erp.query<{ warehouse_code: string; on_hand: number; reserved: number }>(
    `SELECT warehouse_code, on_hand, reserved FROM erp.stock_level WHERE sku = $1 AND warehouse_code <> 'WH-3PL'`,
    [of],
  );
  for (const row of pgRows.rows) result[row.warehouse_code] = free(row.on_hand, row.reserved);
  const [rows] = await wms.query<mysql.RowDataPacket[]>(
    `SELECT on_hand, reserved FROM stock_level WHERE sku = ? AND warehouse_code = 'WH-3PL'`,
    [of],
  );
  result['WH-3PL'] = rows[0] === undefined ? 0 : free(Number(rows[0].on_hand), Number(rows[0].reserved));
  return result;
}

/** The quantities the sample config's channels must show for `sku`. */
async function expectedQuantities(of: string): Promise<Record<(typeof channels)[number], number>> {
  const stock = await freeStock(of);
  const at = (warehouse: string) => stock[warehouse] ?? 0;
  return {
    webshop: Math.max(0, at('WH-MAIN') + at('WH-3PL') - 2),
    'b2b-portal': Math.max(0, at('WH-MAIN') + at('WH-SOUTH')),
    marketplace: Math.max(0, at('WH-3PL') - 5),
  };
}

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
  erp = await connectPostgres();
  wms = await connectMariadb();
  const found = await erp.query<{ sku: string }>(
    `SELECT p.sku FROM erp.product p
      WHERE p.parent_sku IS NULL AND p.active AND p.ean IS NOT NULL AND p.brand IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM erp.product v WHERE v.parent_sku = p.sku)
      ORDER BY p.sku LIMIT 1`,
  );
  sku = found.rows[0]?.sku ?? assert.fail('the tiny sample has no standalone product with EAN and brand');
  const config = testConfigFile();
  // Kept as each starts, so after() stops whatever started even if the next one fails.
  roles.push(await startRole('ingest', config));
  roles.push(await startRole('offers', config));
  // After the roles: they create the channel and dead-letter topics on a fresh broker.
  tail = await tailTopics([...offerTopics, ...dlqTopics]);
  tailRunning = tail;
});

after(async () => {
  await Promise.all(roles.map((role) => role.stop()));
  await tailRunning?.stop();
  await erp.end();
  await wms.end();
});

describe('pipeline: ERP edits reach the channels they affect', { timeout: 240_000 }, () => {
  it('offers every product of the sample on each channel, with lineage and a content hash', async () => {
    // Nudge the SKU so its offers are written now, whatever earlier runs left in the topics.
    await erp.query(`UPDATE erp.product SET name = name || ' ' WHERE sku = $1`, [sku]);
    for (const channel of channels) {
      // The roles start with empty state folders and first rebuild it from everything earlier
      // tests wrote (tens of thousands of records on a fresh CI stack): allow for that here.
      const record = await offerOn(channel, sku, () => true, 180_000);
      assert.equal((record.value as Offer).channel, channel);
      assert.equal(record.headers[lineageHeaderNames.source], 'postgres');
      assert.equal(record.headers[lineageHeaderNames.table], 'erp.product');
      assert.match(record.headers[lineageHeaderNames.commitTimeMs] ?? '', /^\d{13}$/);
      assert.match(record.headers[contentHashHeader] ?? '', /^[0-9a-f]{16,}$/);
    }
  });

  it('a stock change in PostgreSQL reaches the channels selling from that warehouse, and only them', async () => {
    const since = tail.records.length;
    await erp.query(
      `UPDATE erp.stock_level SET on_hand = on_hand + 7, reserved = 1 WHERE sku = $1 AND warehouse_code = 'WH-MAIN'`,
      [sku],
    );
    const expected = await expectedQuantities(sku);
    await offerOn('b2b-portal', sku, (o) => o.quantity === expected['b2b-portal']);
    await offerOn('webshop', sku, (o) => o.quantity === expected.webshop);
    // The marketplace sells from WH-3PL only: its view did not change, so nothing is written.
    await sleep(1500);
    assert.deepEqual(recordsOf('marketplace', sku, since), []);
  });

  it('a stock change in the MariaDB warehouse system reaches the channels selling WH-3PL', async () => {
    const since = tail.records.length;
    await wms.query(
      `UPDATE stock_level SET on_hand = on_hand + 11, reserved = 0 WHERE sku = ? AND warehouse_code = 'WH-3PL'`,
      [sku],
    );
    const expected = await expectedQuantities(sku);
    assert.ok(expected.marketplace > 0, 'WH-3PL holds more than the safety stock now');
    await offerOn('marketplace', sku, (o) => o.quantity === expected.marketplace);
    await offerOn('webshop', sku, (o) => o.quantity === expected.webshop);
    await sleep(1500);
    assert.deepEqual(recordsOf('b2b-portal', sku, since), []);
  });

  it('a price change reaches only the channel of that price list, as exact decimal text', async () => {
    const since = tail.records.length;
    const amount = `${100 + Math.floor(Math.random() * 800)}.37`;
    await erp.query(`UPDATE erp.price SET amount = $2 WHERE sku = $1 AND price_list_code = 'B2B-EUR'`, [
      sku,
      amount,
    ]);
    const record = await offerOn('b2b-portal', sku, (o) => o.price.amount === amount);
    assert.deepEqual({ ...(record.value as Offer).price }, { amount, currency: 'EUR' });
    assert.equal(record.headers[lineageHeaderNames.table], 'erp.price');
    await sleep(1500);
    assert.deepEqual(recordsOf('webshop', sku, since), []);
    assert.deepEqual(recordsOf('marketplace', sku, since), []);
  });

  it('a product edit reaches every channel, with the field mapping applied', async () => {
    const name = `Renamed ${randomUUID().slice(0, 6)}`;
    await erp.query(`UPDATE erp.product SET name = $2 WHERE sku = $1`, [sku, name]);
    const rows = await erp.query<{ ean: string; brand: string }>(
      `SELECT ean, brand FROM erp.product WHERE sku = $1`,
      [sku],
    );
    const { ean, brand } = rows.rows[0] ?? assert.fail('the product is gone');
    const portal = await offerOn('b2b-portal', sku, (o) => o.name === name);
    assert.deepEqual((portal.value as Offer).fields, { gtin: ean, manufacturer: brand });
    await offerOn('webshop', sku, (o) => o.name === name);
    const market = await offerOn('marketplace', sku, (o) => o.name === name);
    assert.equal((market.value as Offer).fields.gtin, ean);
  });

  it('a variant change reaches the web shop inside its family, and the portal on its own line', async () => {
    const found = await erp.query<{ sku: string; parent_sku: string }>(
      `SELECT v.sku, v.parent_sku FROM erp.product v JOIN erp.product p ON p.sku = v.parent_sku
        WHERE v.active AND p.active ORDER BY v.sku LIMIT 1`,
    );
    const variant = found.rows[0] ?? assert.fail('the tiny sample has no variant');
    await erp.query(
      `UPDATE erp.stock_level SET on_hand = on_hand + 3, reserved = 0 WHERE sku = $1 AND warehouse_code = 'WH-MAIN'`,
      [variant.sku],
    );
    const expected = await expectedQuantities(variant.sku);
    const family = await offerOn('webshop', variant.parent_sku, (o) =>
      o.variants.some((v) => v.sku === variant.sku && v.quantity === expected.webshop),
    );
    const offer = family.value as Offer;
    assert.equal(offer.sku, variant.parent_sku);
    assert.deepEqual(
      offer.variants.map((v) => v.sku),
      [...offer.variants.map((v) => v.sku)].sort(),
    );
    const line = await offerOn('b2b-portal', variant.sku, (o) => o.quantity === expected['b2b-portal']);
    assert.equal((line.value as Offer).parentSku, variant.parent_sku);
    // In the grouped web shop a variant never lives under its own key.
    assert.ok(
      !tail.records.some(
        (r) => r.topic === offerTopicOf('webshop') && r.key === variant.sku && r.value !== null,
      ),
    );
  });

  it('a deactivated product becomes a tombstone on every channel, and comes back when reactivated', async () => {
    await erp.query(`UPDATE erp.product SET active = false WHERE sku = $1`, [sku]);
    for (const channel of channels) await tombstoneOn(channel, sku);
    const since = tail.records.length;
    await erp.query(`UPDATE erp.product SET active = true WHERE sku = $1`, [sku]);
    for (const channel of channels) {
      await tail.waitFor(`${sku} back on ${channel}`, (r) => {
        return (
          tail.records.indexOf(r) >= since &&
          r.topic === offerTopicOf(channel) &&
          r.key === sku &&
          r.value !== null
        );
      });
    }
  });

  it('a new product appears on every channel, and its deletion in the ERP removes it everywhere', async () => {
    const newSku = `TEST-${randomUUID().slice(0, 8).toUpperCase()}`;
    await erp.query('BEGIN');
    await erp.query(
      `INSERT INTO erp.product (sku, name, ean, brand, category) VALUES ($1, 'Test lamp', '4006381333931', 'Lumo', 'Home')`,
      [newSku],
    );
    await erp.query(
      `INSERT INTO erp.stock_level (sku, warehouse_code, on_hand, reserved) VALUES ($1, 'WH-MAIN', 9, 0), ($1, 'WH-SOUTH', 4, 1)`,
      [newSku],
    );
    await erp.query(
      `INSERT INTO erp.price (sku, price_list_code, amount) VALUES ($1, 'B2C-EUR', 49.90), ($1, 'B2B-EUR', 31.00), ($1, 'MKT-EUR', 52.50)`,
      [newSku],
    );
    await erp.query('COMMIT');
    const portal = await offerOn('b2b-portal', newSku, (o) => o.quantity === 12);
    assert.deepEqual({ ...(portal.value as Offer).price }, { amount: '31.00', currency: 'EUR' });
    await offerOn('webshop', newSku, (o) => o.quantity === 7 && o.price.amount === '49.90');
    await offerOn('marketplace', newSku, (o) => o.quantity === 0 && o.price.amount === '52.50');

    await erp.query('BEGIN');
    await erp.query(`DELETE FROM erp.price WHERE sku = $1`, [newSku]);
    await erp.query(`DELETE FROM erp.stock_level WHERE sku = $1`, [newSku]);
    await erp.query(`DELETE FROM erp.product WHERE sku = $1`, [newSku]);
    await erp.query('COMMIT');
    for (const channel of channels) await tombstoneOn(channel, newSku);
  });
});

describe('pipeline: bad input is parked and the line goes on', { timeout: 120_000 }, () => {
  it('a product losing a field the marketplace requires is parked with a sentence, and flows again when fixed', async () => {
    const rows = await erp.query<{ ean: string }>(`SELECT ean FROM erp.product WHERE sku = $1`, [sku]);
    const ean = rows.rows[0]?.ean ?? assert.fail('no EAN');
    await erp.query(`UPDATE erp.product SET ean = NULL WHERE sku = $1`, [sku]);
    const parked = await tail.waitFor(`${sku} parked for the marketplace`, (r) => {
      return r.topic === channelDlqTopicOf('marketplace') && r.key === sku;
    });
    const value = parked.value as ParkedRecord;
    assert.equal(value.code, 'MISSING_REQUIRED_FIELD');
    assert.equal(value.message, `product ${sku} has no EAN, which channel marketplace requires`);
    assert.equal(value.channel, 'marketplace');
    await tombstoneOn('marketplace', sku);
    // The other channels do not require an EAN: they keep the product, without one.
    await offerOn('b2b-portal', sku, (o) => o.ean === null);

    await erp.query(`UPDATE erp.product SET ean = $2 WHERE sku = $1`, [sku, ean]);
    await offerOn('marketplace', sku, (o) => o.ean === ean);
  });

  it('malformed CDC records are parked in the ingest DLQ with their reason, and later changes still flow', async () => {
    const producer = testKafka().producer();
    await producer.connect();
    try {
      await producer.send({
        topic: 'erp.postgres.erp.product',
        messages: [
          { key: '{"sku":"BROKEN-1"}', value: 'this is not JSON {' },
          // An envelope whose row breaks the mapping: stock must be a whole number.
          {
            key: '{"sku":"BROKEN-2","warehouse_code":"WH-MAIN"}',
            value: JSON.stringify({ before: null, after: { sku: 'BROKEN-2' }, op: 'c' }),
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    const malformed = await tail.waitFor('the malformed record in the ingest DLQ', (r) => {
      return r.topic === ingestDlqTopic && (r.value as ParkedRecord).sourceValue === 'this is not JSON {';
    });
    assert.equal((malformed.value as ParkedRecord).code, 'MALFORMED_CDC');
    assert.equal((malformed.value as ParkedRecord).sourceTopic, 'erp.postgres.erp.product');
    assert.match(
      (malformed.value as ParkedRecord).message,
      /erp\.postgres\.erp\.product key \{"sku":"BROKEN-1"\}/,
    );
    const incomplete = await tail.waitFor('the envelope without a source in the ingest DLQ', (r) => {
      return (
        r.topic === ingestDlqTopic &&
        (r.value as ParkedRecord).sourceKey === '{"sku":"BROKEN-2","warehouse_code":"WH-MAIN"}'
      );
    });
    assert.equal((incomplete.value as ParkedRecord).code, 'MALFORMED_CDC');

    const name = `After the poison ${randomUUID().slice(0, 6)}`;
    await erp.query(`UPDATE erp.product SET name = $2 WHERE sku = $1`, [sku, name]);
    await offerOn('b2b-portal', sku, (o) => o.name === name);
  });
});
