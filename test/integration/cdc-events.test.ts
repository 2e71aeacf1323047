/**
 * Debezium on the real stack: the connectors applied by `applyConnectors`, then a product, a stock
 * row and a price created, changed and deleted in each ERP database, and the change events read
 * back from Kafka: operation, before and after values, the source position and the tombstone that
 * follows a delete. The rows belong to a SKU of this run only, so the sample data stays as it was.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyConnectors } from '../../connectors/apply.ts';
import { connectMariadb, connectPostgres } from '../../infra/local/erp/connect.ts';
import { seedErp } from '../../infra/local/erp/seed.ts';
import { readTopic, type ReadRecord } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

type Row = Record<string, unknown>;

interface CdcEvent {
  readonly key: Row;
  readonly value: {
    op: string;
    before: Row | null;
    after: Row | null;
    source: Row & { ts_ms: number; table: string };
  } | null;
}

const sku = `CDC-${randomBytes(4).toString('hex').toUpperCase()}`;

function decode(record: ReadRecord): CdcEvent {
  return {
    key: JSON.parse(record.key ?? 'null') as Row,
    value: record.value === null ? null : (JSON.parse(record.value.toString()) as CdcEvent['value']),
  };
}

/** The events of this run's SKU on a CDC topic, in log order, once `count` of them have arrived. */
async function eventsOf(topic: string, count: number): Promise<CdcEvent[]> {
  return waitUntil(
    `${count} change events for ${sku} on ${topic}`,
    async () => {
      const mine = (await readTopic(topic))
        .filter((record) => record.key !== null && (JSON.parse(record.key) as Row).sku === sku)
        .sort((a, b) => Number(a.offset) - Number(b.offset))
        .map(decode);
      return mine.length >= count ? mine : undefined;
    },
    90_000,
    500,
  );
}

/** The same three tables changed the same way in either database. */
const edits = [
  `INSERT INTO erp.product (sku, name, ean, brand, category, attributes) VALUES ('${sku}', 'CDC probe', '4006381333931', 'Nordwand', 'Test', '{"size": "M"}')`,
  `INSERT INTO erp.stock_level (sku, warehouse_code, on_hand, reserved) VALUES ('${sku}', 'WH-MAIN', 10, 1)`,
  `INSERT INTO erp.price (sku, price_list_code, amount) VALUES ('${sku}', 'B2C-EUR', 19.90)`,
  `UPDATE erp.product SET name = 'CDC probe, renamed' WHERE sku = '${sku}'`,
  `UPDATE erp.stock_level SET on_hand = 7 WHERE sku = '${sku}'`,
  `UPDATE erp.price SET amount = 24.50 WHERE sku = '${sku}'`,
  `DELETE FROM erp.price WHERE sku = '${sku}'`,
  `DELETE FROM erp.stock_level WHERE sku = '${sku}'`,
  `DELETE FROM erp.product WHERE sku = '${sku}'`,
];

before(async () => {
  await seedErp({ target: 'all', size: 'tiny' });
  await applyConnectors();
});

for (const source of ['postgres', 'mariadb'] as const) {
  describe(`Debezium events from the ${source} ERP`, () => {
    const topic = (table: string) => `erp.${source}.erp.${table}`;
    const startedMs = Date.now();

    before(async () => {
      if (source === 'postgres') {
        const client = await connectPostgres();
        try {
          for (const sql of edits) await client.query(sql);
        } finally {
          await client.end();
        }
      } else {
        const connection = await connectMariadb();
        try {
          // MariaDB has no schema inside a database: `erp.` names the database here.
          for (const sql of edits) await connection.query(sql);
        } finally {
          await connection.end();
        }
      }
    });

    test('a product is created, updated and deleted, with a tombstone after the delete', async () => {
      const events = await eventsOf(topic('product'), 4);
      assert.deepEqual(
        events.map((e) => e.value?.op ?? 'tombstone'),
        ['c', 'u', 'd', 'tombstone'],
      );
      const [created, updated, deleted] = events;
      assert.equal(created!.value!.before, null);
      assert.equal(created!.value!.after!.name, 'CDC probe');
      assert.equal(created!.value!.after!.ean, '4006381333931');
      assert.deepEqual(JSON.parse(created!.value!.after!.attributes as string), { size: 'M' });
      assert.equal(updated!.value!.before!.name, 'CDC probe', 'the whole old row is in before');
      assert.equal(updated!.value!.after!.name, 'CDC probe, renamed');
      assert.equal(deleted!.value!.before!.name, 'CDC probe, renamed');
      assert.equal(deleted!.value!.after, null);
      assert.deepEqual(events[3]!.key, { sku });
    });

    test('a stock row carries on hand and reserved before and after', async () => {
      const events = await eventsOf(topic('stock_level'), 3);
      const [created, updated, deleted] = events;
      assert.deepEqual(
        events.slice(0, 3).map((e) => e.value!.op),
        ['c', 'u', 'd'],
      );
      assert.deepEqual(created!.key, { sku, warehouse_code: 'WH-MAIN' });
      assert.equal(created!.value!.after!.on_hand, 10);
      assert.equal(created!.value!.after!.reserved, 1);
      assert.equal(updated!.value!.before!.on_hand, 10);
      assert.equal(updated!.value!.after!.on_hand, 7);
      assert.equal(deleted!.value!.before!.on_hand, 7);
    });

    test('a price arrives as exact decimal text, never a float', async () => {
      const [created, updated, deleted] = await eventsOf(topic('price'), 3);
      assert.equal(created!.value!.after!.amount, '19.90');
      assert.equal(updated!.value!.before!.amount, '19.90');
      assert.equal(updated!.value!.after!.amount, '24.50');
      assert.equal(deleted!.value!.op, 'd');
    });

    test('each event names its source table, commit time and a log position that only grows', async () => {
      const events = (await eventsOf(topic('product'), 4)).filter((e) => e.value !== null);
      for (const event of events) {
        const s = event.value!.source;
        assert.equal(s.table, 'product');
        assert.ok(s.ts_ms >= startedMs - 60_000 && s.ts_ms <= Date.now(), `commit time ${s.ts_ms} is now`);
        assert.notEqual(s.snapshot, 'true', 'streamed, not snapshotted');
      }
      if (source === 'postgres') {
        const lsns = events.map((e) => Number(e.value!.source.lsn));
        assert.ok(
          lsns.every((lsn) => Number.isSafeInteger(lsn) && lsn > 0),
          `LSNs ${lsns.join(',')}`,
        );
        assert.deepEqual(
          [...lsns].sort((a, b) => a - b),
          lsns,
          'LSNs grow with the edits',
        );
        assert.ok(events.every((e) => typeof e.value!.source.txId === 'number'));
      } else {
        const positions = events.map(
          (e) => [String(e.value!.source.file), Number(e.value!.source.pos)] as const,
        );
        assert.ok(
          positions.every(([file, pos]) => /^binlog\.\d+$/.test(file) && pos > 0),
          JSON.stringify(positions),
        );
        assert.ok(
          events.every((e) => typeof e.value!.source.gtid === 'string' && e.value!.source.gtid !== ''),
        );
        const ordered = [...positions].sort(([fa, pa], [fb, pb]) => fa.localeCompare(fb) || pa - pb);
        assert.deepEqual(ordered, positions, 'binlog positions grow with the edits');
      }
    });
  });
}

test('the initial snapshot read the sample rows with op r', async () => {
  for (const source of ['postgres', 'mariadb']) {
    const records = await readTopic(`erp.${source}.erp.warehouse`);
    const snapshot = records.map(decode).filter((e) => e.value?.op === 'r');
    assert.deepEqual(
      [...new Set(snapshot.map((e) => String(e.key.code)))].sort(),
      ['WH-3PL', 'WH-MAIN', 'WH-SOUTH'],
      `${source} warehouses snapshotted`,
    );
  }
});
