/**
 * What writing one ERP order command did, as the ERP order sink reports it per record. Every
 * outcome names the ERP order (when there is one) and carries the sentence an operator reads.
 *
 * - `written`: this call changed the ERP: the order was placed, amended or cancelled.
 * - `unchanged`: nothing to do, and nothing was done: the same command again, a placement of an
 *   order the ERP already holds, a cancellation of a cancelled order, or a version older than the
 *   ERP's. Harmless by design: delivery to the ERP is at least once.
 * - `refused`: the ERP cannot take it, and trying again will not help: the order is picked up or
 *   cancelled, or the ERP's own constraints refuse a value (an unknown SKU). The sink parks it.
 *
 * A failure that may pass (the database away, a lock conflict beyond the writer's own retries)
 * is not an outcome: the writer throws a retriable SynclineError and the sink tries again.
 */
import type { ErpOrderCommand } from '../../contracts/orders/index.ts';
import { orderLabel } from '../../contracts/orders/index.ts';

export type ErpOrderChange = 'placed' | 'amended' | 'cancelled';

export type UnchangedWhy =
  /** This very command was the last one applied to the order. */
  | 'same-command'
  /** A placement of an order the ERP holds: placing never changes an existing order. */
  | 'already-placed'
  /** A cancellation of an order already cancelled. */
  | 'already-cancelled'
  /** Older than the version the ERP holds (a replay behind a later amendment). */
  | 'stale';

export type ErpOrderRefusalCode =
  /** The ERP picked the order up: the channel's amendment or cancellation comes too late. */
  | 'PICKED_UP'
  /** The order is cancelled: it takes no amendment. */
  | 'CANCELLED'
  /** A SKU, warehouse or customer the ERP does not know. */
  | 'UNKNOWN_REFERENCE'
  /** Another rule of the ERP's tables refused a value. */
  | 'ERP_CONSTRAINT'
  /** The command itself is malformed (see check-erp-order-command.ts). */
  | 'INVALID_COMMAND';

export type ErpOrderWrite =
  | {
      readonly outcome: 'written';
      readonly change: ErpOrderChange;
      readonly erpOrderId: string;
      readonly message: string;
    }
  | {
      readonly outcome: 'unchanged';
      readonly why: UnchangedWhy;
      readonly erpOrderId: string;
      readonly message: string;
    }
  | {
      readonly outcome: 'refused';
      readonly code: ErpOrderRefusalCode;
      /** The ERP order when it exists (an amendment refused), null when nothing was ever written. */
      readonly erpOrderId: string | null;
      readonly message: string;
    };

type Order = Pick<ErpOrderCommand, 'channel' | 'channelOrderId'>;

const verbOf: Readonly<Record<ErpOrderChange, string>> = {
  placed: 'placed in the ERP as order',
  amended: 'amended in the ERP, order',
  cancelled: 'cancelled in the ERP, order',
};

export const written = (order: Order, change: ErpOrderChange, erpOrderId: string): ErpOrderWrite => ({
  outcome: 'written',
  change,
  erpOrderId,
  message: `${orderLabel(order)}: ${verbOf[change]} ${erpOrderId}`,
});

const unchangedText: Readonly<Record<UnchangedWhy, string>> = {
  'same-command': 'already applied to ERP order',
  'already-placed': 'already in the ERP as order',
  'already-cancelled': 'already cancelled in the ERP, order',
  stale: 'older than what the ERP holds, ignored; ERP order',
};

export const unchanged = (order: Order, why: UnchangedWhy, erpOrderId: string): ErpOrderWrite => ({
  outcome: 'unchanged',
  why,
  erpOrderId,
  message: `${orderLabel(order)}: ${unchangedText[why]} ${erpOrderId}, nothing written`,
});

export const refused = (
  order: Order,
  code: ErpOrderRefusalCode,
  erpOrderId: string | null,
  reason: string,
): ErpOrderWrite => ({ outcome: 'refused', code, erpOrderId, message: `${orderLabel(order)}: ${reason}` });
