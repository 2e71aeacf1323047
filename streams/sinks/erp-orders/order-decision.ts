/**
 * The convention between syncline and the ERP for an order the ERP already holds, as one pure
 * function: given the stored order and a command, what to do. The sample ERP documents the same
 * convention next to its tables (infra/local/erp/schema-orders-postgres.sql).
 *
 * The rules, in the order they apply:
 *   1. The command last applied to the order, again: nothing (a replay, a re-delivery).
 *   2. A placement: nothing; placing never changes an existing order (it answers its id).
 *   3. Older than the channel version the ERP holds: nothing (a replay behind a later change).
 *   4. A cancellation: nothing if cancelled already; refused once the ERP picked the order up;
 *      otherwise cancel.
 *   5. An amendment: refused if cancelled or picked up; otherwise replace the order and its lines.
 * A version equal in time but different in content applies: the channel changed the order twice
 * within its clock's resolution, and the record order of the key says which came last.
 */
import type { ErpOrderCommand } from '../../contracts/orders/index.ts';
import type { ErpOrderRefusalCode, UnchangedWhy } from './erp-order-write.ts';

/** The sales order statuses of the ERP interchange; only `new` takes changes from the channel. */
export const orderStatuses = ['new', 'picked_up', 'partially_shipped', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof orderStatuses)[number];

/** What the writer reads of an existing order, under a row lock. */
export interface StoredOrder {
  readonly id: string;
  readonly status: OrderStatus;
  readonly commandDigest: string;
  readonly channelUpdatedAtMs: number;
}

export type OrderDecision =
  | { readonly action: 'amend' }
  | { readonly action: 'cancel' }
  | { readonly action: 'none'; readonly why: UnchangedWhy }
  | { readonly action: 'refuse'; readonly code: ErpOrderRefusalCode; readonly reason: string };

const pickedUp = (status: OrderStatus): boolean => status !== 'new' && status !== 'cancelled';

export function decideOrderChange(
  stored: StoredOrder,
  command: Pick<ErpOrderCommand, 'kind' | 'channelUpdatedAtMs'>,
  digest: string,
): OrderDecision {
  if (stored.commandDigest === digest) return { action: 'none', why: 'same-command' };
  if (command.kind === 'place') return { action: 'none', why: 'already-placed' };
  if (command.channelUpdatedAtMs < stored.channelUpdatedAtMs) return { action: 'none', why: 'stale' };
  const what = command.kind === 'cancel' ? 'cancellation' : 'amendment';
  if (pickedUp(stored.status)) {
    return { action: 'refuse', code: 'PICKED_UP', reason: `already picked up by the ERP, ${what} refused` };
  }
  if (command.kind === 'cancel') {
    return stored.status === 'cancelled'
      ? { action: 'none', why: 'already-cancelled' }
      : { action: 'cancel' };
  }
  if (stored.status === 'cancelled') {
    return { action: 'refuse', code: 'CANCELLED', reason: `cancelled in the ERP, ${what} refused` };
  }
  return { action: 'amend' };
}
