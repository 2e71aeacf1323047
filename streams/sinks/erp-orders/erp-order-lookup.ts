/**
 * Which ERP order a channel order became: what a channel or an operator asks once the ERP order
 * sink wrote it (the ERP's order id exists only after that write, so a webhook's answer cannot
 * carry it). Read from the ERP's own table, the truth the writer's unique key guards.
 */
import type { OrderStore } from './order-store.ts';

export interface ErpOrderFound {
  readonly channel: string;
  readonly channelOrderId: string;
  readonly erpOrderId: string;
  readonly status: string;
  readonly channelVersion: string;
}

export async function findErpOrder(
  store: OrderStore,
  channel: string,
  channelOrderId: string,
): Promise<ErpOrderFound | null> {
  const [row] = await store.transaction((session) =>
    session.query(
      `SELECT id, status, channel_version FROM ${store.table('sales_order')}
        WHERE sales_channel = ? AND channel_order_id = ?`,
      [channel, channelOrderId],
    ),
  );
  if (row === undefined) return null;
  return {
    channel,
    channelOrderId,
    erpOrderId: String(row.id),
    status: String(row.status),
    channelVersion: String(row.channel_version),
  };
}
