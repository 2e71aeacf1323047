/**
 * The order store on a MariaDB or MySQL ERP (mysql2 pool).
 *
 * InnoDB specifics this relies on (MariaDB/MySQL docs, "InnoDB Lock Modes", "INSERT ... ON
 * DUPLICATE KEY UPDATE"):
 * - A plain INSERT that meets a duplicate key takes a shared lock on the row, so two writers
 *   of the same order both holding one deadlock when both ask to lock it for update. `ON
 *   DUPLICATE KEY UPDATE` takes an exclusive lock instead, so concurrent writers of one order
 *   queue up. With FOUND_ROWS off, its affected rows are 1 for an insert and 0 for an existing
 *   row left as it was, which is how the store tells the two apart.
 * - READ COMMITTED for the writer's transactions: no gap locks, so a lookup of an order that
 *   does not exist yet blocks nobody.
 * - A failed statement inside a transaction is undone, the transaction is not: every failure
 *   is followed by an explicit ROLLBACK here, so a half-written order never commits.
 */
import mysql from 'mysql2/promise';
import type { ResultSetHeader } from 'mysql2/promise';
import { insertOrderParams, insertOrderSql } from './order-statements.ts';
import {
  isConnectionFailure,
  type OrderSession,
  type OrderStore,
  type OrderStoreFailure,
} from './order-store.ts';

export interface MariadbOrderStoreOptions {
  /** `mysql://user:password@host:port/database` */
  readonly url: string;
  readonly poolSize?: number;
}

// Server error numbers (MariaDB docs, "MariaDB Error Codes").
const conflictErrors = new Set([1205 /* lock wait timeout */, 1213 /* deadlock */]);
const referenceErrors = new Set([1452 /* no referenced row */]);
const constraintErrors = new Set([
  1048 /* column cannot be null */, 1062 /* duplicate entry */, 1264 /* out of range */,
  1366 /* incorrect value */, 1406 /* data too long */, 3819 /* MySQL check */, 4025 /* MariaDB check */,
]);

export function classifyMariadbError(error: unknown): OrderStoreFailure {
  const errno = (error as { errno?: unknown }).errno;
  if (typeof errno === 'number') {
    if (conflictErrors.has(errno)) return 'conflict';
    if (referenceErrors.has(errno)) return 'unknown-reference';
    if (constraintErrors.has(errno)) return 'constraint';
    // 1040 too many connections, 1053 server shutdown, 2002/2003/2006/2013 connection lost.
    if ([1040, 1053, 2002, 2003, 2006, 2013].includes(errno)) return 'unavailable';
  }
  const fatal = (error as { fatal?: unknown }).fatal === true;
  return fatal || isConnectionFailure(error) ? 'unavailable' : 'other';
}

export function openMariadbOrderStore(options: MariadbOrderStoreOptions): OrderStore {
  const pool = mysql.createPool({
    uri: options.url,
    connectionLimit: options.poolSize ?? 4,
    connectTimeout: 5000,
    // datetime(6) keeps no zone: the interchange tables hold UTC, as the rest of the sample ERP.
    timezone: 'Z',
    // BIGINT ids and DECIMAL amounts as text, never through a float.
    supportBigNumbers: true,
    bigNumberStrings: true,
    flags: ['-FOUND_ROWS'],
  });

  /** Pooled connections whose session is set up (time zone, isolation); it lasts as they do. */
  const prepared = new WeakSet<object>();

  function sessionOf(connection: mysql.PoolConnection): OrderSession {
    return {
      async query(sql, params) {
        const [rows] = await connection.query(sql, [...params]);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      async insertOrderUnlessPresent(row) {
        const [result] = await connection.query<ResultSetHeader>(
          `${insertOrderSql(store)} ON DUPLICATE KEY UPDATE id = id`,
          insertOrderParams(row),
        );
        return result.affectedRows === 1 ? String(result.insertId) : null;
      },
    };
  }

  const store: OrderStore = {
    database: 'mariadb',
    table: (name) => `\`${name.replace(/`/g, '``')}\``,
    async transaction(work) {
      const connection = await pool.getConnection();
      let broken = false;
      try {
        if (!prepared.has(connection.connection)) {
          await connection.query("SET time_zone = '+00:00'");
          await connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
          prepared.add(connection.connection);
        }
        await connection.query('START TRANSACTION');
        const result = await work(sessionOf(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw error;
      } finally {
        if (broken) connection.destroy();
        else connection.release();
      }
    },
    classify: classifyMariadbError,
    async close() {
      await pool.end();
    },
  };
  return store;
}
