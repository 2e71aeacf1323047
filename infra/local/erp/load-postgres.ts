/**
 * Loads the sample into PostgreSQL with COPY (pg-copy-streams), all in one transaction: tables,
 * rows, constraints, indexes and the sample mark appear together or not at all. With `replace`
 * the old tables are dropped in the same transaction, so readers see the old sample until the
 * new one commits.
 *
 * Each chunk of the catalogue goes in as one COPY per table, so memory holds one chunk.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { connectPostgres, type DatabaseSettings } from './connect.ts';
import { catalogChunks, priceLists, warehouses, type SampleSpec } from './generate.ts';
import { customerChunks } from './generate-customers.ts';
import type { DatabaseState, ErpLoader, LoadOptions } from './loader.ts';
import { outdatedOrders } from './erp-error.ts';
import {
  erpTables,
  loadedColumns,
  orderTables,
  orderTablesMark,
  type ErpTable,
  type LoadedTable,
  type RowOf,
} from './rows.ts';
import { toTsv } from './tsv.ts';

const schema = readFileSync(new URL('./schema-postgres.sql', import.meta.url), 'utf8');
const [beforeLoad = '', afterLoad = ''] = schema.split('-- @after-load');
const orderSchema = readFileSync(new URL('./schema-orders-postgres.sql', import.meta.url), 'utf8');

/** Drop order: referencing tables first (CASCADE would do, but this names what goes). */
const dropSql = `DROP TABLE IF EXISTS ${[...erpTables]
  .reverse()
  .map((t) => `erp.${t}`)
  .join(', ')}`;

async function copyInto<T extends LoadedTable>(
  client: pg.Client,
  table: T,
  rows: readonly RowOf[T][],
): Promise<void> {
  if (rows.length === 0) return;
  const columns: readonly string[] = loadedColumns[table];
  const tsv = toTsv(rows, columns, 'postgres');
  const sql = `COPY erp.${table} (${columns.join(', ')}) FROM STDIN`;
  await pipeline(Readable.from([tsv]), client.query(copyFrom(sql)));
}

export async function openPostgresLoader(settings: DatabaseSettings): Promise<ErpLoader> {
  const client = await connectPostgres(settings);

  async function load(spec: SampleSpec, mark: string, options: LoadOptions): Promise<void> {
    await client.query('BEGIN');
    try {
      // Tables belong to erp_owner, the group Debezium's user shares (see schema-postgres.sql).
      await client.query('SET LOCAL ROLE erp_owner');
      // Dropping waits for other sessions' locks (a Debezium snapshot reading the tables): give up
      // with an error rather than hang.
      await client.query("SET LOCAL lock_timeout = '30s'");
      if (options.replace) await client.query(dropSql);
      await client.query(beforeLoad);
      await copyInto(client, 'warehouse', warehouses);
      await copyInto(client, 'price_list', priceLists);
      let products = 0;
      for (const chunk of catalogChunks(spec)) {
        await copyInto(client, 'product', chunk.products);
        await copyInto(client, 'stock_level', chunk.stockLevels);
        await copyInto(client, 'price', chunk.prices);
        products += chunk.products.length;
        options.onProgress?.({ products, of: spec.products });
      }
      for (const chunk of customerChunks(spec)) await copyInto(client, 'customer', chunk);
      await client.query(afterLoad);
      await createOrderTables();
      await client.query(`COMMENT ON TABLE erp.product IS ${client.escapeLiteral(mark)}`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /** Inside the caller's transaction, as erp_owner. */
  async function createOrderTables(): Promise<void> {
    await client.query(orderSchema);
    await client.query(`COMMENT ON TABLE erp.sales_order IS ${client.escapeLiteral(orderTablesMark)}`);
  }

  async function ensureOrderTables(): Promise<'current' | 'created'> {
    const marked = await client.query<{ comment: string | null }>(
      "SELECT obj_description(to_regclass('erp.sales_order'), 'pg_class') AS comment",
    );
    if (marked.rows[0]?.comment === orderTablesMark) return 'current';
    await client.query('BEGIN');
    try {
      await client.query('SET LOCAL ROLE erp_owner');
      await client.query("SET LOCAL lock_timeout = '30s'");
      const present = await client.query<{ relname: string }>(
        `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'erp' AND c.relkind = 'r' AND c.relname = ANY($1)`,
        [orderTables],
      );
      for (const { relname } of present.rows) {
        const rows = await client.query(`SELECT 1 FROM erp.${relname} LIMIT 1`);
        if ((rows.rowCount ?? 0) > 0) throw outdatedOrders(relname);
      }
      const drop = [...orderTables].reverse().map((t) => `erp.${t}`);
      await client.query(`DROP TABLE IF EXISTS ${drop.join(', ')}`);
      await createOrderTables();
      await client.query('COMMIT');
      return 'created';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  return {
    async inspect(): Promise<DatabaseState> {
      const result = await client.query<{ relname: ErpTable; comment: string | null }>(
        `SELECT c.relname, obj_description(c.oid, 'pg_class') AS comment
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'erp' AND c.relkind IN ('r', 'p') AND c.relname = ANY($1)`,
        [erpTables],
      );
      const tables = result.rows.map((r) => r.relname);
      const mark = result.rows.find((r) => r.relname === 'product')?.comment ?? null;
      return { tables, mark };
    },
    async hasRows(tables) {
      for (const table of tables) {
        const result = await client.query(`SELECT 1 FROM erp.${table} LIMIT 1`);
        if ((result.rowCount ?? 0) > 0) return true;
      }
      return false;
    },
    load,
    ensureOrderTables,
    async close() {
      await client.end();
    },
  };
}
