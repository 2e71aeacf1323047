/**
 * The ERP order command: what the orders processor asks of the ERP for one channel order, the
 * value of `erp.order.command.v1` (Avro, schemas/erp.order.command.v1.avsc), keyed by the pair
 * (channel, channel order id). The ERP order sink turns it into the ERP's interchange rows.
 *
 * A command carries the whole order as the channel last showed it, never a difference: an
 * amendment replaces the lines. So a sink that sees a command twice, or only the newest command
 * of a key, still writes the right order (delivery to the ERP is at least once).
 *
 * Identity and order: the pair (channel, channelOrderId) names the order everywhere, and
 * `channelUpdatedAtMs` orders the versions of one order; a command older than what the ERP holds
 * is ignored. Money is a decimal as text ("19.90") in the order's currency, never a float.
 */

export const erpOrderCommandKinds = ['place', 'amend', 'cancel'] as const;

/**
 * - `place`: the order as first accepted. Creates the ERP order once; sent again it changes
 *   nothing and answers the same ERP order.
 * - `amend`: the channel changed the order (lines, addresses, shipping): replaces it while the
 *   ERP has not picked it up.
 * - `cancel`: the channel cancelled the order: cancels it while the ERP has not picked it up.
 */
export type ErpOrderCommandKind = (typeof erpOrderCommandKinds)[number];

export interface OrderAddress {
  /** The addressee as the buyer wrote it. */
  readonly name: string;
  readonly company: string | null;
  /** Street lines, 1 to 3. */
  readonly street: readonly string[];
  /** Empty where the country has no postcodes. */
  readonly postcode: string;
  readonly city: string;
  readonly region: string | null;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly phone: string | null;
}

/** Who bought: an ERP customer (B2B accounts, known shoppers) or a guest. */
export interface OrderBuyer {
  /** The ERP customer code the channel's buyer maps to; null for a guest. */
  readonly customerCode: string | null;
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
}

export interface ErpOrderLine {
  /** 1, 2, 3, ... in the order the channel lists them; the ERP line number. */
  readonly lineNo: number;
  /** The channel's own id of the line (Magento `item_id`), which a shipment back must name. */
  readonly channelLineId: string;
  /** The ERP's SKU (mapped from the channel's). */
  readonly sku: string;
  /** Units, at least 1. */
  readonly quantity: number;
  /** Per unit as the channel charged it, in the order's currency. */
  readonly unitPrice: string;
  /** The warehouse the orders processor routed this line to. */
  readonly warehouse: string;
}

export interface ErpOrderCommand {
  readonly kind: ErpOrderCommandKind;
  /** The channel's id in the config (`webshop`). */
  readonly channel: string;
  /** The order's id at the channel (Magento `increment_id`, Shopify `id`, an Allegro checkout form). */
  readonly channelOrderId: string;
  /** The channel's own version of the order as it gave it (its `updated_at`, a revision). */
  readonly channelVersion: string;
  /** When the channel last changed the order, epoch milliseconds: orders the commands of one order. */
  readonly channelUpdatedAtMs: number;
  /** When the buyer placed it, epoch milliseconds. */
  readonly orderedAtMs: number;
  readonly buyer: OrderBuyer;
  readonly billingAddress: OrderAddress;
  readonly shippingAddress: OrderAddress;
  /** ISO 4217, as the channel sells. */
  readonly currency: string;
  /** The ERP's payment method code (mapped from the channel's by config). */
  readonly paymentCode: string;
  /** The ERP's shipping method code (mapped from the channel's by config). */
  readonly shippingCode: string;
  /** What the buyer pays for shipping. */
  readonly shippingAmount: string;
  /** At least one line. */
  readonly lines: readonly ErpOrderLine[];
  /** Why the channel cancelled (a `cancel`), as it said; null otherwise or when it said nothing. */
  readonly cancelReason: string | null;
}

/**
 * The Kafka key of the order topics: channel and channel order id joined by the ASCII unit
 * separator (U+001F), as the catalog's composite keys are; neither part contains it.
 */
export const erpOrderKey = (channel: string, channelOrderId: string): string =>
  `${channel}\u001f${channelOrderId}`;

/** How an operator names one order: "order 100000123 from webshop". */
export const orderLabel = (order: Pick<ErpOrderCommand, 'channel' | 'channelOrderId'>): string =>
  `order ${order.channelOrderId} from ${order.channel}`;
