/**
 * Live ERP activity for the demo and tests: small random edits of the kind an ERP makes all day
 * (a sale or goods receipt changes stock, a price is adjusted, a product is renamed or switched
 * off and on), each in its own transaction, so Debezium has changes to capture. Each edit says
 * in one sentence what it changed.
 *
 * Edits only change rows of the sample (never insert or delete products) and touch sellable
 * products only (not parents), so the catalogue stays coherent however long the demo runs.
 */
import type pg from 'pg';
import type { Connection, RowDataPacket } from 'mysql2/promise';
import {
  connectMariadb,
  connectPostgres,
  defaultSettings,
  erpTitle,
  type DatabaseSettings,
  type ErpTarget,
} from './connect.ts';
import { ErpError } from './erp-error.ts';
import { skuOf } from './generate.ts';

export type ErpEditKind = 'stock' | 'price' | 'rename' | 'active';

/** How often each kind comes up: stock moves most, like in a real shop. */
const weights: Readonly<Record<ErpEditKind, number>> = { stock: 50, price: 25, rename: 15, active: 10 };

export interface ErpEdit {
  readonly kind: ErpEditKind;
  readonly table: 'stock_level' | 'price' | 'product';
  readonly sku: string;
  /** e.g. "stock of SKU-000012 in WH-MAIN: on hand 40 -> 37 (sale)". */
  readonly description: string;
}

export interface ErpActivityOptions {
  readonly target: ErpTarget;
  /** Which kinds of edit to make (default all). A 3PL's WMS, say, only moves stock. */
  readonly kinds?: readonly ErpEditKind[];
  /** Stock edits only in these warehouses (default every warehouse in the database). */
  readonly warehouses?: readonly string[];
  /** A source of floats in [0, 1); pass a seeded one for repeatable edits. Default Math.random. */
  readonly random?: () => number;
  readonly database?: DatabaseSettings;
}

export interface ErpActivity {
  /** Makes one random edit, committed when it resolves. */
  next(): Promise<ErpEdit>;
  close(): Promise<void>;
}

/** The two databases behind one small surface: `?` placeholders, the erp tables unqualified. */
interface Session {
  rows<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  transaction<T>(work: () => Promise<T>): Promise<T>;
  /** SQL for the current time; MariaDB's datetime(6) holds UTC (see connect.ts). */
  readonly now: string;
  close(): Promise<void>;
}

function postgresSession(client: pg.Client): Session {
  return {
    async rows<T>(sql: string, params: readonly unknown[] = []) {
      let n = 0;
      const text = sql.replace(/\?/g, () => `$${++n}`);
      return (await client.query({ text, values: [...params] })).rows as T[];
    },
    async transaction(work) {
      await client.query('BEGIN');
      try {
        // The tables live in schema erp; unqualified names keep the SQL the same for both databases.
        await client.query('SET LOCAL search_path = erp');
        const result = await work();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    now: 'now()',
    close: () => client.end(),
  };
}

function mariadbSession(connection: Connection): Session {
  return {
    async rows<T>(sql: string, params: readonly unknown[] = []) {
      const [rows] = await connection.query<RowDataPacket[]>(sql, [...params]);
      return rows as T[];
    },
    async transaction(work) {
      await connection.query('START TRANSACTION');
      try {
        const result = await work();
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      }
    },
    now: 'utc_timestamp(6)',
    close: () => connection.end(),
  };
}

const toCents = (amount: string): number => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2));
};
const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

const editions = [' (2nd edition)', ' (limited edition)', ' (new)'];

export async function openErpActivity(options: ErpActivityOptions): Promise<ErpActivity> {
  const settings = options.database ?? defaultSettings(options.target);
  const session =
    options.target === 'postgres'
      ? postgresSession(await connectPostgres(settings))
      : mariadbSession(await connectMariadb(settings));
  const random = options.random ?? Math.random;
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const kinds = options.kinds ?? (Object.keys(weights) as ErpEditKind[]);
  if (kinds.length === 0 || kinds.some((kind) => !(kind in weights))) {
    await session.close();
    throw new ErpError('BAD_USAGE', `ERP activity kinds must be some of ${Object.keys(weights).join(', ')}.`);
  }
  const where = erpTitle[options.target];

  // What the sample holds, read once: the SKU range to draw from, warehouses and price lists.
  const facts = await session.transaction(async () => {
    const [range] = await session.rows<{ low: string | null; high: string | null }>(
      'SELECT min(sku) AS low, max(sku) AS high FROM product',
    );
    const lists = await session.rows<{ code: string; currency: string }>(
      'SELECT code, currency FROM price_list',
    );
    const stores = await session.rows<{ code: string }>('SELECT code FROM warehouse');
    return { range, lists, warehouses: options.warehouses ?? stores.map((w) => w.code) };
  });
  const familyOf = (sku: string | null | undefined): number => Number(/^SKU-(\d+)/.exec(sku ?? '')?.[1] ?? 0);
  const low = familyOf(facts.range?.low);
  const high = familyOf(facts.range?.high);
  if (!facts.range?.high || facts.warehouses.length === 0 || facts.lists.length === 0) {
    await session.close();
    throw new ErpError('NO_SAMPLE', `${where} holds no sample ERP to edit: load one with npm run erp:seed`);
  }

  /** A random sellable product (not a parent), locked for this transaction. */
  async function sellable(): Promise<{ sku: string; name: string; active: boolean }> {
    const start = low > 0 ? skuOf(int(low, high)) : '';
    for (const from of [start, '']) {
      const [row] = await session.rows<{ sku: string; name: string; active: boolean | number }>(
        `SELECT p.sku, p.name, p.active FROM product p
          WHERE p.sku >= ? AND NOT EXISTS (SELECT 1 FROM product c WHERE c.parent_sku = p.sku)
          ORDER BY p.sku LIMIT 1 FOR UPDATE`,
        [from],
      );
      if (row) return { sku: row.sku, name: row.name, active: Boolean(row.active) };
    }
    throw new ErpError(
      'NO_SAMPLE',
      `${where} has no sellable product to edit: load one with npm run erp:seed`,
    );
  }

  const edits: Record<ErpEditKind, () => Promise<ErpEdit>> = {
    async stock() {
      const { sku } = await sellable();
      const warehouse = pick(facts.warehouses);
      const [row] = await session.rows<{ on_hand: number; reserved: number }>(
        'SELECT on_hand, reserved FROM stock_level WHERE sku = ? AND warehouse_code = ? FOR UPDATE',
        [sku, warehouse],
      );
      const before = row?.on_hand ?? 0;
      const draw = random();
      let after = draw < 0.6 ? before - int(1, 3) : draw < 0.9 ? before + int(5, 20) : 0;
      let why = draw < 0.6 ? 'sale' : draw < 0.9 ? 'goods receipt' : 'counted out of stock';
      if (after < 0 || after === before) [after, why] = [before + int(5, 20), 'goods receipt'];
      const reserved = Math.min(row?.reserved ?? 0, after);
      if (row) {
        await session.rows(
          `UPDATE stock_level SET on_hand = ?, reserved = ?, updated_at = ${session.now} WHERE sku = ? AND warehouse_code = ?`,
          [after, reserved, sku, warehouse],
        );
      } else {
        await session.rows(
          `INSERT INTO stock_level (sku, warehouse_code, on_hand, reserved, updated_at) VALUES (?, ?, ?, 0, ${session.now})`,
          [sku, warehouse, after],
        );
      }
      const description = `stock of ${sku} in ${warehouse}: on hand ${before} -> ${after} (${why})`;
      return { kind: 'stock', table: 'stock_level', sku, description };
    },
    async price() {
      const { sku } = await sellable();
      const list = pick(facts.lists);
      const [row] = await session.rows<{ amount: string }>(
        'SELECT amount FROM price WHERE sku = ? AND price_list_code = ? FOR UPDATE',
        [sku, list.code],
      );
      if (!row) throw new ErpError('NO_SAMPLE', `${where} has no price for ${sku} in ${list.code}`);
      const before = toCents(String(row.amount));
      let after = Math.max(99, Math.round((before * (100 + pick([-10, -5, -3, 3, 5, 8]))) / 100));
      if (after === before) after = before + 100;
      await session.rows(
        `UPDATE price SET amount = ?, updated_at = ${session.now} WHERE sku = ? AND price_list_code = ?`,
        [money(after), sku, list.code],
      );
      const description = `price of ${sku} in ${list.code}: ${money(before)} -> ${money(after)} ${list.currency}`;
      return { kind: 'price', table: 'price', sku, description };
    },
    async rename() {
      const { sku, name } = await sellable();
      // Editions come and go, so names do not grow without end in a long demo.
      const plain = editions.reduce(
        (text, edition) => (text.endsWith(edition) ? text.slice(0, -edition.length) : text),
        name,
      );
      const renamed = plain === name ? `${name}${pick(editions)}`.slice(0, 255) : plain;
      await session.rows(`UPDATE product SET name = ?, updated_at = ${session.now} WHERE sku = ?`, [
        renamed,
        sku,
      ]);
      return {
        kind: 'rename',
        table: 'product',
        sku,
        description: `renamed ${sku}: "${name}" -> "${renamed}"`,
      };
    },
    async active() {
      const { sku, name, active } = await sellable();
      await session.rows(`UPDATE product SET active = ?, updated_at = ${session.now} WHERE sku = ?`, [
        !active,
        sku,
      ]);
      const description = `${active ? 'deactivated' : 'reactivated'} ${sku} (${name})`;
      return { kind: 'active', table: 'product', sku, description };
    },
  };

  function chooseKind(): ErpEditKind {
    const total = kinds.reduce((sum, kind) => sum + weights[kind], 0);
    let draw = random() * total;
    for (const kind of kinds) {
      draw -= weights[kind];
      if (draw < 0) return kind;
    }
    return kinds[kinds.length - 1] ?? 'stock';
  }

  return {
    next: () => session.transaction(() => edits[chooseKind()]()),
    close: () => session.close(),
  };
}

/** One edit on a connection of its own: for a caller that edits every few seconds at most. */
export async function applyErpActivity(options: ErpActivityOptions): Promise<ErpEdit> {
  const activity = await openErpActivity(options);
  try {
    return await activity.next();
  } finally {
    await activity.close();
  }
}
