/**
 * What the fault tests share: a run's own products in both ERP databases, a steady stream of random
 * ERP edits to them, and the check that every channel's view equals what the ERP rows imply,
 * computed here from the rows (not by the processor's code), and that no change was emitted twice.
 */
import { randomUUID } from 'node:crypto';
import type mysql from 'mysql2/promise';
import pg from 'pg';
import { connectMariadb, defaultSettings } from '../../infra/local/erp/connect.ts';
import { offerTopicOf } from '../../streams/contracts/topics.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { contentHashHeader } from '../../streams/contracts/content-hash.ts';
import type { TailRecord } from './topic-tail.ts';

export const channels = ['webshop', 'b2b-portal', 'marketplace'] as const;
export const channelTopics = channels.map(offerTopicOf);

/** What a channel must show for a SKU, as the ERP rows imply: null = nothing live. */
export interface Expected {
  readonly name: string;
  readonly amount: string;
  readonly quantity: number;
}

const random = (n: number) => Math.floor(Math.random() * n);
const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T;

export interface ErpFaultRun {
  readonly prefix: string;
  readonly skus: readonly string[];
  /** A pool, so the run goes on after the ERP PostgreSQL restarts (a query during it fails). */
  readonly erp: pg.Pool;
  readonly wms: mysql.Connection;
  /** Inserts the run's products with stock and prices in both databases. */
  insertProducts(): Promise<void>;
  /** One transaction of random edits; returns the rows it changed. */
  randomEdits(): Promise<number>;
  /** Every channel and SKU of the run -> what the ERP rows imply. */
  expectedState(): Promise<Map<string, Expected | null>>;
  /** The last record per channel and SKU of this run among `records`. */
  actualState(records: readonly TailRecord[]): Map<string, Expected | null>;
  /** Keys of this run whose consecutive records (by offset, duplicates read twice ignored) are equal. */
  repeats(records: readonly TailRecord[]): string[];
  cleanup(): Promise<void>;
}

export function differences(
  expected: ReadonlyMap<string, Expected | null>,
  actual: ReadonlyMap<string, Expected | null>,
): string[] {
  const problems: string[] = [];
  for (const [key, want] of expected) {
    const got = actual.get(key) ?? null;
    if (JSON.stringify(want) !== JSON.stringify(got))
      problems.push(`${key}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
  }
  return problems;
}

export async function startErpFaultRun(tag: string, products: number): Promise<ErpFaultRun> {
  const prefix = `${tag}-${randomUUID().slice(0, 6).toUpperCase()}`;
  const skus = Array.from({ length: products }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  const like = `${prefix}-%`;
  const erp = new pg.Pool({ ...defaultSettings('postgres'), max: 2, connectionTimeoutMillis: 5000 });
  // An idle connection ended by a server restart must not crash the test; the next query reconnects.
  erp.on('error', () => undefined);
  const wms = await connectMariadb();
  const ours = (key: string | null): key is string => key !== null && key.startsWith(`${prefix}-`);

  return {
    prefix,
    skus,
    erp,
    wms,

    async insertProducts() {
      const tx = await erp.connect();
      await tx.query('BEGIN');
      await tx.query(
        `INSERT INTO erp.product (sku, name, ean, brand, category) SELECT s, 'Lamp 0', '4006381333931', 'Lumo', 'Home' FROM unnest($1::text[]) s`,
        [skus],
      );
      await tx.query(
        `INSERT INTO erp.stock_level (sku, warehouse_code, on_hand, reserved)
           SELECT s, w, 10, 0 FROM unnest($1::text[]) s, unnest(ARRAY['WH-MAIN', 'WH-SOUTH']) w`,
        [skus],
      );
      await tx.query(
        `INSERT INTO erp.price (sku, price_list_code, amount)
           SELECT s, l, 10.00 FROM unnest($1::text[]) s, unnest(ARRAY['B2C-EUR', 'B2B-EUR', 'MKT-EUR']) l`,
        [skus],
      );
      await tx.query('COMMIT');
      tx.release();
      await wms.query(`INSERT INTO product (sku, name) VALUES ?`, [skus.map((sku) => [sku, 'Lamp 0'])]);
      await wms.query(`INSERT INTO stock_level (sku, warehouse_code, on_hand, reserved) VALUES ?`, [
        skus.map((sku) => [sku, 'WH-3PL', 10, 0]),
      ]);
    },

    async randomEdits() {
      const unique = [...new Set(Array.from({ length: 50 }, () => pick(skus)))];
      const kind = random(10);
      if (kind < 3) {
        const [result] = await wms.query<mysql.ResultSetHeader>(
          `UPDATE stock_level SET on_hand = FLOOR(RAND() * 40), reserved = FLOOR(RAND() * 4)
            WHERE warehouse_code = 'WH-3PL' AND sku IN (?)`,
          [unique],
        );
        return result.affectedRows;
      }
      const sql =
        kind < 7
          ? `UPDATE erp.stock_level SET on_hand = floor(random() * 40), reserved = floor(random() * 4)
              WHERE warehouse_code IN ('WH-MAIN', 'WH-SOUTH') AND sku = ANY($1)`
          : kind < 9
            ? `UPDATE erp.price SET amount = round((random() * 100 + 1)::numeric, 2) WHERE sku = ANY($1)`
            : `UPDATE erp.product SET name = 'Lamp ' || floor(random() * 5)::text,
                      active = random() > 0.1,
                      ean = CASE WHEN random() > 0.1 THEN '4006381333931' END
                WHERE sku = ANY($1)`;
      const result = await erp.query(sql, [unique]);
      return result.rowCount ?? 0;
    },

    async expectedState() {
      const { rows } = await erp.query<{
        sku: string;
        name: string;
        active: boolean;
        ean: string | null;
        b2c: string | null;
        b2b: string | null;
        mkt: string | null;
        main: number;
        south: number;
      }>(
        `SELECT p.sku, p.name, p.ean, p.active,
                (SELECT amount::text FROM erp.price WHERE sku = p.sku AND price_list_code = 'B2C-EUR') AS b2c,
                (SELECT amount::text FROM erp.price WHERE sku = p.sku AND price_list_code = 'B2B-EUR') AS b2b,
                (SELECT amount::text FROM erp.price WHERE sku = p.sku AND price_list_code = 'MKT-EUR') AS mkt,
                (SELECT greatest(0, on_hand - reserved) FROM erp.stock_level WHERE sku = p.sku AND warehouse_code = 'WH-MAIN') AS main,
                (SELECT greatest(0, on_hand - reserved) FROM erp.stock_level WHERE sku = p.sku AND warehouse_code = 'WH-SOUTH') AS south
           FROM erp.product p WHERE p.sku LIKE $1`,
        [like],
      );
      const [wmsRows] = await wms.query<mysql.RowDataPacket[]>(
        `SELECT sku, greatest(0, on_hand - reserved) AS free FROM stock_level WHERE sku LIKE ? AND warehouse_code = 'WH-3PL'`,
        [like],
      );
      const tpl = new Map(wmsRows.map((row) => [String(row.sku), Number(row.free)]));
      const expected = new Map<string, Expected | null>();
      for (const row of rows) {
        const main = Number(row.main ?? 0);
        const south = Number(row.south ?? 0);
        const third = tpl.get(row.sku) ?? 0;
        const offer = (amount: string | null, quantity: number, required = true): Expected | null =>
          row.active && required && amount !== null ? { name: row.name, amount, quantity } : null;
        expected.set(`webshop|${row.sku}`, offer(row.b2c, Math.max(0, main + third - 2)));
        expected.set(`b2b-portal|${row.sku}`, offer(row.b2b, main + south));
        expected.set(`marketplace|${row.sku}`, offer(row.mkt, Math.max(0, third - 5), row.ean !== null));
      }
      return expected;
    },

    actualState(records) {
      const actual = new Map<string, Expected | null>();
      for (const record of records) {
        const channel = channels.find((c) => offerTopicOf(c) === record.topic);
        if (channel === undefined || !ours(record.key)) continue;
        const offer = record.value as Offer | null;
        actual.set(
          `${channel}|${record.key}`,
          offer === null ? null : { name: offer.name, amount: offer.price.amount, quantity: offer.quantity },
        );
      }
      return actual;
    },

    repeats(records) {
      // A consumer restarted by a broker fault may hand a record over twice: that is the reader's
      // repeat, not the pipeline's. One record per position, in offset order.
      const byPosition = new Map<string, TailRecord>();
      for (const record of records)
        byPosition.set(`${record.topic}|${record.partition}|${record.offset}`, record);
      const ordered = [...byPosition.values()].sort(
        (a, b) =>
          a.topic.localeCompare(b.topic) ||
          a.partition - b.partition ||
          Number(BigInt(a.offset) - BigInt(b.offset)),
      );
      const lastOf = new Map<string, string | null>();
      const found: string[] = [];
      for (const record of ordered) {
        if (!ours(record.key)) continue;
        const id = `${record.topic}|${record.key}`;
        const value = record.value === null ? null : (record.headers[contentHashHeader] ?? 'no hash');
        if (lastOf.has(id) && lastOf.get(id) === value)
          found.push(`${id} @${record.partition}:${record.offset}`);
        lastOf.set(id, value);
      }
      return found;
    },

    async cleanup() {
      await erp.query(`DELETE FROM erp.price WHERE sku LIKE $1`, [like]);
      await erp.query(`DELETE FROM erp.stock_level WHERE sku LIKE $1`, [like]);
      await erp.query(`DELETE FROM erp.product WHERE sku LIKE $1`, [like]);
      await wms.query(`DELETE FROM stock_level WHERE sku LIKE ?`, [like]);
      await wms.query(`DELETE FROM product WHERE sku LIKE ?`, [like]);
      await erp.end();
      await wms.end();
    },
  };
}
