/**
 * An ERP order command as rows of the ERP's interchange tables (`sales_order`,
 * `sales_order_line`). Pure: the stores write what this returns, column for column, so both
 * databases hold the same values. Times are Date objects, which both drivers send as UTC.
 */
import { orderTotal, type ErpOrderCommand, type OrderAddress } from '../../contracts/orders/index.ts';
import type { OrderStatus } from './order-decision.ts';

export interface SalesOrderRow {
  readonly sales_channel: string;
  readonly channel_order_id: string;
  readonly channel_version: string;
  readonly channel_updated_at: Date;
  readonly command_digest: string;
  readonly status: OrderStatus;
  readonly status_reason: string | null;
  readonly customer_code: string | null;
  readonly buyer_name: string;
  readonly buyer_email: string;
  readonly buyer_phone: string | null;
  readonly billing_name: string;
  readonly billing_company: string | null;
  readonly billing_street: string;
  readonly billing_postcode: string;
  readonly billing_city: string;
  readonly billing_region: string | null;
  readonly billing_country: string;
  readonly billing_phone: string | null;
  readonly shipping_name: string;
  readonly shipping_company: string | null;
  readonly shipping_street: string;
  readonly shipping_postcode: string;
  readonly shipping_city: string;
  readonly shipping_region: string | null;
  readonly shipping_country: string;
  readonly shipping_phone: string | null;
  readonly currency: string;
  readonly payment_code: string;
  readonly shipping_code: string;
  readonly shipping_amount: string;
  readonly total_amount: string;
  readonly ordered_at: Date;
  readonly cancelled_at: Date | null;
}

export interface SalesOrderLineRow {
  readonly line_no: number;
  readonly channel_line_id: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unit_price: string;
  readonly warehouse_code: string;
}

/** The header columns the writer sets, on insert and on an amendment or cancellation alike. */
export const salesOrderColumns = [
  'sales_channel',
  'channel_order_id',
  'channel_version',
  'channel_updated_at',
  'command_digest',
  'status',
  'status_reason',
  'customer_code',
  'buyer_name',
  'buyer_email',
  'buyer_phone',
  'billing_name',
  'billing_company',
  'billing_street',
  'billing_postcode',
  'billing_city',
  'billing_region',
  'billing_country',
  'billing_phone',
  'shipping_name',
  'shipping_company',
  'shipping_street',
  'shipping_postcode',
  'shipping_city',
  'shipping_region',
  'shipping_country',
  'shipping_phone',
  'currency',
  'payment_code',
  'shipping_code',
  'shipping_amount',
  'total_amount',
  'ordered_at',
  'cancelled_at',
] as const satisfies readonly (keyof SalesOrderRow)[];

export const salesOrderLineColumns = [
  'line_no',
  'channel_line_id',
  'sku',
  'quantity',
  'unit_price',
  'warehouse_code',
] as const satisfies readonly (keyof SalesOrderLineRow)[];

function addressColumns<P extends 'billing' | 'shipping'>(prefix: P, address: OrderAddress) {
  return {
    [`${prefix}_name`]: address.name,
    [`${prefix}_company`]: address.company,
    // One column for the street lines: they are shown and printed as lines, never searched apart.
    [`${prefix}_street`]: address.street.join('\n'),
    [`${prefix}_postcode`]: address.postcode,
    [`${prefix}_city`]: address.city,
    [`${prefix}_region`]: address.region,
    [`${prefix}_country`]: address.country,
    [`${prefix}_phone`]: address.phone,
  } as Record<`${P}_${'name' | 'street' | 'postcode' | 'city' | 'country'}`, string> &
    Record<`${P}_${'company' | 'region' | 'phone'}`, string | null>;
}

/**
 * The header as this command says it should be. A cancellation keeps the channel's lines and
 * addresses as they were sent and records when (`now`) and why.
 */
export function salesOrderRow(command: ErpOrderCommand, digest: string, now: Date): SalesOrderRow {
  const cancelled = command.kind === 'cancel';
  return {
    sales_channel: command.channel,
    channel_order_id: command.channelOrderId,
    channel_version: command.channelVersion,
    channel_updated_at: new Date(command.channelUpdatedAtMs),
    command_digest: digest,
    status: cancelled ? 'cancelled' : 'new',
    status_reason: cancelled ? (command.cancelReason ?? 'cancelled by the channel') : null,
    customer_code: command.buyer.customerCode,
    buyer_name: command.buyer.name,
    buyer_email: command.buyer.email,
    buyer_phone: command.buyer.phone,
    ...addressColumns('billing', command.billingAddress),
    ...addressColumns('shipping', command.shippingAddress),
    currency: command.currency,
    payment_code: command.paymentCode,
    shipping_code: command.shippingCode,
    shipping_amount: command.shippingAmount,
    total_amount: orderTotal(command),
    ordered_at: new Date(command.orderedAtMs),
    cancelled_at: cancelled ? now : null,
  };
}

export const salesOrderLineRows = (command: ErpOrderCommand): SalesOrderLineRow[] =>
  command.lines.map((line) => ({
    line_no: line.lineNo,
    channel_line_id: line.channelLineId,
    sku: line.sku,
    quantity: line.quantity,
    unit_price: line.unitPrice,
    warehouse_code: line.warehouse,
  }));

/** The history row's note for a change syncline makes. */
export function statusNote(command: ErpOrderCommand, change: 'placed' | 'amended' | 'cancelled'): string {
  const from = `${command.channel} version ${command.channelVersion}`;
  if (change === 'cancelled') {
    const why = command.cancelReason === null ? '' : `: ${command.cancelReason}`;
    return `cancelled by ${from}${why}`.slice(0, 255);
  }
  return `${change} by ${from}`.slice(0, 255);
}
