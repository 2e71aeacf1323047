/**
 * The writer's SQL, the same for PostgreSQL and MariaDB: `?` placeholders (the PostgreSQL store
 * numbers them), table names through the store. Each function runs one statement in a session.
 */
import type { OrderStatus, StoredOrder } from './order-decision.ts';
import {
  salesOrderColumns,
  salesOrderLineColumns,
  type SalesOrderLineRow,
  type SalesOrderRow,
} from './order-rows.ts';
import type { OrderSession, OrderStore } from './order-store.ts';

/** Who syncline is in the ERP's status history. */
export const writtenBy = 'syncline';

const headerValues = (row: SalesOrderRow): unknown[] => salesOrderColumns.map((column) => row[column]);

export function insertOrderSql(store: OrderStore): string {
  const columns = salesOrderColumns.join(', ');
  const params = salesOrderColumns.map(() => '?').join(', ');
  return `INSERT INTO ${store.table('sales_order')} (${columns}) VALUES (${params})`;
}

export const insertOrderParams = headerValues;

/** The order under a row lock until the transaction ends, or null when the ERP does not hold it. */
export async function lockOrder(
  store: OrderStore,
  session: OrderSession,
  channel: string,
  channelOrderId: string,
): Promise<StoredOrder | null> {
  const [row] = await session.query(
    `SELECT id, status, command_digest, channel_updated_at FROM ${store.table('sales_order')}
      WHERE sales_channel = ? AND channel_order_id = ? FOR UPDATE`,
    [channel, channelOrderId],
  );
  if (row === undefined) return null;
  return {
    id: String(row.id),
    status: row.status as OrderStatus,
    commandDigest: String(row.command_digest),
    channelUpdatedAtMs: (row.channel_updated_at as Date).getTime(),
  };
}

/** Rewrites the header as the command says (an amendment or a cancellation); revision + 1. */
export async function rewriteOrder(
  store: OrderStore,
  session: OrderSession,
  id: string,
  row: SalesOrderRow,
  now: Date,
): Promise<void> {
  // The channel's identity columns stay as they are; everything else is the command's.
  const columns = salesOrderColumns.filter((c) => c !== 'sales_channel' && c !== 'channel_order_id');
  const assignments = columns.map((column) => `${column} = ?`).join(', ');
  await session.query(
    `UPDATE ${store.table('sales_order')} SET ${assignments}, revision = revision + 1, updated_at = ? WHERE id = ?`,
    [...columns.map((column) => row[column]), now, id],
  );
}

/** A cancellation: the status and why, the channel's version; the lines stay as the ERP has them. */
export async function cancelOrder(
  store: OrderStore,
  session: OrderSession,
  id: string,
  row: SalesOrderRow,
  now: Date,
): Promise<void> {
  await session.query(
    `UPDATE ${store.table('sales_order')}
        SET status = 'cancelled', status_reason = ?, cancelled_at = ?, channel_version = ?,
            channel_updated_at = ?, command_digest = ?, revision = revision + 1, updated_at = ?
      WHERE id = ?`,
    [row.status_reason, now, row.channel_version, row.channel_updated_at, row.command_digest, now, id],
  );
}

export async function insertLines(
  store: OrderStore,
  session: OrderSession,
  id: string,
  lines: readonly SalesOrderLineRow[],
): Promise<void> {
  const columns = ['order_id', ...salesOrderLineColumns];
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  await session.query(
    `INSERT INTO ${store.table('sales_order_line')} (${columns.join(', ')}) VALUES ${lines.map(() => tuple).join(', ')}`,
    lines.flatMap((line) => [id, ...salesOrderLineColumns.map((column) => line[column])]),
  );
}

export async function deleteLines(store: OrderStore, session: OrderSession, id: string): Promise<void> {
  await session.query(`DELETE FROM ${store.table('sales_order_line')} WHERE order_id = ?`, [id]);
}

export async function addStatus(
  store: OrderStore,
  session: OrderSession,
  id: string,
  status: OrderStatus,
  note: string,
  now: Date,
): Promise<void> {
  await session.query(
    `INSERT INTO ${store.table('sales_order_status')} (order_id, status, note, changed_by, changed_at)
     VALUES (?, ?, ?, ?, ?)`,
    [id, status, note, writtenBy, now],
  );
}

/** Which of these values are not in `column` of `table`: what a foreign key refused. */
export async function missingValues(
  store: OrderStore,
  table: 'product' | 'warehouse' | 'customer',
  column: 'sku' | 'code',
  values: readonly string[],
): Promise<string[]> {
  const wanted = [...new Set(values)];
  if (wanted.length === 0) return [];
  const found = await store.transaction((session) =>
    session.query(
      `SELECT ${column} AS value FROM ${store.table(table)} WHERE ${column} IN (${wanted.map(() => '?').join(', ')})`,
      wanted,
    ),
  );
  const present = new Set(found.map((row) => String(row.value)));
  return wanted.filter((value) => !present.has(value));
}
