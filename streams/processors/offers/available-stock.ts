/**
 * The quantity a channel may sell (issue 3): max(0, Σ over the channel's warehouses of
 * (on hand − reserved) − safety stock).
 *
 * Each warehouse's contribution is clamped at 0 before the sum. A warehouse whose reservations
 * exceed its stock, or whose on-hand the ERP booked below zero (ingest keeps negative on-hand, see
 * ingest/map-row.ts), owes goods to orders already taken from it; those are filled by that
 * warehouse's next receipt, not by another warehouse's shelf. Letting the deficit subtract from a
 * healthy warehouse would hide stock that is really there and stop selling it. The price of this
 * choice is the opposite risk when an ERP does re-route an oversold order to another warehouse;
 * the safety stock is the channel's buffer for that.
 *
 * A warehouse without a stock row counts 0 (the row may simply not have arrived yet, or the SKU is
 * not stocked there). Rows of warehouses the channel does not sell from are ignored.
 */
import type { StockLevel } from '../../contracts/canonical.ts';
import type { ChannelConfig } from './channel-config.ts';

/** What one warehouse contributes: its free stock, never below 0. */
export function warehouseFreeStock(row: StockLevel | undefined): number {
  if (row === undefined) return 0;
  return Math.max(0, row.onHand - row.reserved);
}

export function availableStock(
  channel: Pick<ChannelConfig, 'warehouses' | 'safetyStock'>,
  stock: Readonly<Record<string, StockLevel>>,
): number {
  let free = 0;
  for (const warehouse of new Set(channel.warehouses)) free += warehouseFreeStock(stock[warehouse]);
  return Math.max(0, free - channel.safetyStock);
}
