/**
 * What the ERP order writer needs from a database, implemented for PostgreSQL
 * (postgres-order-store.ts) and MariaDB/MySQL (mariadb-order-store.ts). The statements are shared
 * (order-statements.ts); a store adds the connection, the transaction, the one statement the two
 * dialects spell differently (insert unless the order exists) and the reading of its errors.
 */
import type { SalesOrderRow } from './order-rows.ts';

/** One connection inside one transaction. SQL uses `?` placeholders in both dialects. */
export interface OrderSession {
  query(sql: string, params: readonly unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * Inserts the order header and returns its new ERP order id, or null when the order exists
   * (committed by another writer, possibly a moment ago). Never fails on the unique key, and
   * waits for a concurrent insert of the same order to end, so the caller may lock it next.
   */
  insertOrderUnlessPresent(row: SalesOrderRow): Promise<string | null>;
}

/**
 * How a database error bears on the write:
 * - `conflict`: a deadlock or lock timeout between concurrent writers; the transaction is
 *   rolled back and the same write, tried again, will pass.
 * - `unknown-reference`: a foreign key refused a value (a SKU, warehouse or customer the ERP
 *   does not know); trying again will not help.
 * - `constraint`: another rule of the tables refused a value; neither will it.
 * - `unavailable`: the database is away or the connection broke; it may pass later.
 * - `other`: anything else, a defect to show in full.
 */
export type OrderStoreFailure = 'conflict' | 'unknown-reference' | 'constraint' | 'unavailable' | 'other';

export interface OrderStore {
  readonly database: 'postgres' | 'mariadb';
  /** The table as SQL names it (`erp.sales_order` in PostgreSQL, `sales_order` in MariaDB). */
  table(name: string): string;
  /** Runs `work` in one transaction on one connection: committed if it returns, rolled back if it throws. */
  transaction<T>(work: (session: OrderSession) => Promise<T>): Promise<T>;
  classify(error: unknown): OrderStoreFailure;
  close(): Promise<void>;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/** Socket-level failures, the same in both drivers (Node's own error codes). */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && unreachableCodes.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|connection is in closed state|Can't add new command when connection is in closed state|timeout/i.test(
    message,
  );
}
