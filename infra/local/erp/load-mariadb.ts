/**
 * Loads the sample into MariaDB with LOAD DATA LOCAL INFILE, fed from memory through mysql2's
 * `infileStreamFactory` (no temporary files), one statement per table per chunk.
 *
 * DDL commits implicitly in MariaDB, so unlike PostgreSQL the load cannot be all-or-nothing:
 * the tables are created first, the rows go in as one transaction, and the sample mark is written
 * last. An interrupted load leaves empty tables without a mark, which seed.ts replaces.
 */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { Connection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { connectMariadb, type DatabaseSettings } from './connect.ts';
import { ErpError, outdatedOrders } from './erp-error.ts';
import { catalogChunks, priceLists, warehouses, type SampleSpec } from './generate.ts';
import { customerChunks } from './generate-customers.ts';
import type { DatabaseState, ErpLoader, LoadOptions } from './loader.ts';
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

const schema = readFileSync(new URL('./schema-mariadb.sql', import.meta.url), 'utf8');
const orderSchema = readFileSync(new URL('./schema-orders-mariadb.sql', import.meta.url), 'utf8');

const dropSql = `DROP TABLE IF EXISTS ${[...erpTables].reverse().join(', ')}`;

/**
 * mysql2 forwards each stream chunk as one protocol packet and wants Buffers: slices keep every
 * packet far below the server's max_allowed_packet whatever the chunk size.
 */
function* packets(data: Buffer, size = 64 * 1024): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function loadInto<T extends LoadedTable>(
  connection: Connection,
  table: T,
  rows: readonly RowOf[T][],
): Promise<void> {
  if (rows.length === 0) return;
  const columns: readonly string[] = loadedColumns[table];
  const tsv = toTsv(rows, columns, 'mariadb');
  // The file name is only a label: the factory hands over the chunk whatever name is asked for.
  const [result] = await connection.query<ResultSetHeader>({
    sql: `LOAD DATA LOCAL INFILE '${table}.tsv' INTO TABLE ${table} CHARACTER SET utf8mb4 (${columns.join(', ')})`,
    infileStreamFactory: () => Readable.from(packets(Buffer.from(tsv))),
  });
  // With LOCAL, MariaDB downgrades bad values and duplicate keys to warnings and skips or
  // truncates rows (MariaDB docs, LOAD DATA INFILE): a loader that trusted it could go wrong quietly.
  if (result.affectedRows !== rows.length || result.warningStatus > 0) {
    const [warnings] = await connection.query<RowDataPacket[]>('SHOW WARNINGS LIMIT 3');
    const said = warnings.map((w) => String(w.Message)).join('; ');
    throw new ErpError(
      'LOAD_FAILED',
      `MariaDB took ${result.affectedRows} of ${rows.length} rows into ${table}: ${said || 'no warning given'}`,
    );
  }
}

export async function openMariadbLoader(settings: DatabaseSettings): Promise<ErpLoader> {
  const connection = await connectMariadb(settings, { multipleStatements: true });

  async function load(spec: SampleSpec, mark: string, options: LoadOptions): Promise<void> {
    // The generator's keys are unique and tested (erp-generator.test.ts): checking them again row
    // by row costs more than the load. These settings last for this session only.
    await connection.query('SET foreign_key_checks = 0, unique_checks = 0');
    if (options.replace) await connection.query(dropSql);
    await connection.query(schema);
    await createOrderTables();
    await connection.query('START TRANSACTION');
    try {
      await loadInto(connection, 'warehouse', warehouses);
      await loadInto(connection, 'price_list', priceLists);
      let products = 0;
      for (const chunk of catalogChunks(spec)) {
        await loadInto(connection, 'product', chunk.products);
        await loadInto(connection, 'stock_level', chunk.stockLevels);
        await loadInto(connection, 'price', chunk.prices);
        products += chunk.products.length;
        options.onProgress?.({ products, of: spec.products });
      }
      for (const chunk of customerChunks(spec)) await loadInto(connection, 'customer', chunk);
      await connection.query('COMMIT');
    } catch (error) {
      await connection.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      await connection.query('SET foreign_key_checks = 1, unique_checks = 1').catch(() => undefined);
    }
    await connection.query(`ALTER TABLE product COMMENT = ${connection.escape(mark)}`);
  }

  /** DDL commits by itself in MariaDB: the mark comes last, so a half-made set is made again. */
  async function createOrderTables(): Promise<void> {
    await connection.query(orderSchema);
    await connection.query(`ALTER TABLE sales_order COMMENT = ${connection.escape(orderTablesMark)}`);
  }

  async function ensureOrderTables(): Promise<'current' | 'created'> {
    const [present] = await connection.query<RowDataPacket[]>(
      `SELECT table_name AS name, table_comment AS comment FROM information_schema.tables
        WHERE table_schema = DATABASE() AND table_name IN (?)`,
      [orderTables],
    );
    const salesOrder = present.find((r) => r.name === 'sales_order');
    if (salesOrder?.comment === orderTablesMark) return 'current';
    for (const { name } of present) {
      const [rows] = await connection.query<RowDataPacket[]>(`SELECT 1 FROM ${String(name)} LIMIT 1`);
      if (rows.length > 0) throw outdatedOrders(String(name));
    }
    await connection.query(`DROP TABLE IF EXISTS ${[...orderTables].reverse().join(', ')}`);
    await createOrderTables();
    return 'created';
  }

  return {
    async inspect(): Promise<DatabaseState> {
      const [rows] = await connection.query<RowDataPacket[]>(
        `SELECT table_name AS name, table_comment AS comment FROM information_schema.tables
          WHERE table_schema = DATABASE() AND table_name IN (?)`,
        [erpTables],
      );
      const tables = rows.map((r) => String(r.name) as ErpTable);
      const comment = rows.find((r) => r.name === 'product')?.comment as string | undefined;
      return { tables, mark: comment ? comment : null };
    },
    async hasRows(tables) {
      for (const table of tables) {
        const [rows] = await connection.query<RowDataPacket[]>(`SELECT 1 FROM ${table} LIMIT 1`);
        if (rows.length > 0) return true;
      }
      return false;
    },
    load,
    ensureOrderTables,
    async close() {
      await connection.end();
    },
  };
}
