/**
 * The normalised channel order: what every intake adapter produces from its channel's own order JSON,
 * and what `channel.<id>.order.v1` will carry. Identity is (channelId, channelOrderId), the channel's API
 * id of the order; the version orders the changes of one order, so a consumer keeps only what is newer.
 *
 * Money stays a decimal string as the channel wrote it (no binary float rounding between the channel
 * and the ERP); the raw channel payload is kept whole so an operator can read what the channel sent.
 */

/**
 * Which change of an order this is. Channels stamp `updated_at` in whole seconds, so two changes within
 * one second share it; `sequence` tells them apart where the adapter can: the Magento poller counts the
 * versions it saw within that second (0, 1, ...), the Shopify endpoint uses the millisecond time at which
 * the channel says the change was triggered. Compare with `compareVersions`, never by `updatedAt` alone.
 */
export interface ChannelOrderVersion {
  /** The channel's `updated_at`, as ISO 8601 UTC (`2026-12-03T15:04:05.000Z`). */
  readonly updatedAt: string;
  readonly updatedAtMs: number;
  readonly sequence: number;
}

export interface ChannelAddress {
  readonly firstName: string;
  readonly lastName: string;
  readonly company: string | null;
  readonly street: readonly string[];
  readonly city: string;
  readonly postcode: string;
  /** ISO 3166-1 alpha-2. */
  readonly countryCode: string;
  readonly phone: string | null;
}

export interface ChannelBuyer {
  readonly email: string;
  readonly firstName: string;
  readonly lastName: string;
  /** The channel's customer id; null for a guest checkout. */
  readonly customerId: string | null;
}

export interface ChannelOrderLine {
  /** The channel's line id (Magento `item_id`, Shopify line item `id`). */
  readonly lineId: string;
  /** The SKU as the channel knows it; mapping it to the ERP's SKU is the orders processor's job. */
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  /** Decimal string in the order's currency, e.g. "10.50". */
  readonly unitPrice: string;
}

export interface ChannelOrder {
  readonly channelId: string;
  /** The channel's API id of the order (Magento `entity_id`, Shopify `id`): the record key. */
  readonly channelOrderId: string;
  /** The number a person sees (Magento `increment_id` "000000123", Shopify `name` "#1001"). */
  readonly channelOrderNumber: string;
  readonly version: ChannelOrderVersion;
  /** When the buyer placed it, per the channel (whole seconds on both channels). */
  readonly placedAtMs: number;
  /** ISO 4217. */
  readonly currency: string;
  readonly buyer: ChannelBuyer;
  readonly billingAddress: ChannelAddress | null;
  readonly shippingAddress: ChannelAddress | null;
  readonly lines: readonly ChannelOrderLine[];
  /** The channel's payment method code (Magento `payment.method`, Shopify's gateway name). */
  readonly paymentMethod: string | null;
  /** The channel's shipping method code (Magento `flatrate_flatrate`, Shopify shipping line code). */
  readonly shippingMethod: string | null;
  /** The channel's own status word(s), for the operator. */
  readonly channelStatus: string;
  readonly cancelled: boolean;
  /** The channel's order JSON as received, for the operator and for a later re-mapping. */
  readonly raw: string;
}

/** Negative when `a` is older than `b`, 0 when they are the same version. */
export function compareVersions(a: ChannelOrderVersion, b: ChannelOrderVersion): number {
  return a.updatedAtMs - b.updatedAtMs || a.sequence - b.sequence;
}
