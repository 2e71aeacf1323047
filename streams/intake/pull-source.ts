/**
 * A channel that is asked for its orders rather than pushing them: Magento's `updated_at` search,
 * Allegro's `/order/events?from=<event id>`, BaseLinker's journal. One shape fits them all: `poll` takes
 * the cursor the last poll returned and answers the orders (each version at most once per cursor) and
 * the cursor to give next time.
 *
 * Contract:
 * - The cursor is an opaque string (JSON inside, versioned by the source). The intake stores it in the
 *   same Kafka transaction as the records made from `orders`, so after a crash the next poll starts from
 *   the cursor of the last committed batch: nothing skipped, nothing written twice.
 * - `poll(c)` is idempotent while the channel does not change: the same cursor yields the same orders.
 *   Orders changed since come as new versions (a later `version`), never as the same version again.
 * - `null` is the first poll (where the source starts is its configuration).
 * - Transient trouble (rate limit, 5xx, timeout) throws ChannelUnavailableError (`retriable`, with the
 *   channel's Retry-After); a refusal (auth, bad query) throws ChannelRefusedError. Nothing is returned
 *   half: a failed poll leaves the cursor where it was.
 * - An order the source cannot map is not an exception (it would stop the line): it comes back in
 *   `malformed` with the field at fault, to be parked, and the cursor moves past it.
 */
import type { ChannelOrder } from '../contracts/orders/channel-order.ts';

export interface MalformedChannelOrder {
  /** The channel's order id when it could be read. */
  readonly channelOrderId: string | null;
  readonly field: string;
  readonly reason: string;
  readonly raw: string;
}

export interface PolledOrders {
  readonly orders: readonly ChannelOrder[];
  readonly malformed: readonly MalformedChannelOrder[];
  readonly nextCursor: string;
}

export interface OrderPullSource {
  readonly channelId: string;
  poll(cursor: string | null, signal?: AbortSignal): Promise<PolledOrders>;
}
