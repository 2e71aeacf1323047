/**
 * Shopify's order JSON, as the `orders/create` and `orders/updated` webhooks carry it (the Admin API's
 * Order resource), to the normalised channel order. Pure.
 *
 * Shopify writes times as ISO 8601 with the shop's offset and whole seconds, money as decimal strings,
 * ids as large integers (kept as text), `customer: null` for a guest, the payment gateway in
 * `payment_gateway_names` and the shipping method as `shipping_lines[].code`; a cancellation is an
 * `orders/updated` whose `cancelled_at` is set.
 */
import type { ChannelAddress, ChannelOrder, ChannelOrderLine } from '../contracts/orders/channel-order.ts';
import { OrderFields, parseOrderJson } from './order-fields.ts';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const TIME_FORM = 'an ISO 8601 time with an offset';

export function shopifyTimeMs(text: string): number {
  return ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
}

function address(fields: OrderFields): ChannelAddress {
  const street = [fields.optionalString('address1'), fields.optionalString('address2')].filter(
    (part): part is string => part !== null,
  );
  return {
    firstName: fields.optionalString('first_name') ?? '',
    lastName: fields.string('last_name'),
    company: fields.optionalString('company'),
    street,
    city: fields.string('city'),
    postcode: fields.optionalString('zip') ?? '',
    countryCode: fields.string('country_code'),
    phone: fields.optionalString('phone'),
  };
}

function line(item: OrderFields): ChannelOrderLine {
  return {
    lineId: item.id('id'),
    sku: item.string('sku'),
    name: item.optionalString('name') ?? item.optionalString('title') ?? '',
    quantity: item.quantity('quantity'),
    unitPrice: item.decimal('price'),
  };
}

/**
 * Maps a webhook body (the raw text, kept as `raw`). `sequence` orders two versions that share one
 * `updated_at` second (the endpoint gives the ms time the change was triggered). Throws
 * MalformedOrderError naming the field.
 */
export function shopifyOrder(channelId: string, rawBody: string, sequence = 0): ChannelOrder {
  const order = new OrderFields(parseOrderJson(rawBody));
  const updatedAtMs = order.time('updated_at', shopifyTimeMs, TIME_FORM);
  const customer = order.optionalObject('customer');
  const billing = order.optionalObject('billing_address');
  const shipping = order.optionalObject('shipping_address');
  const gateways = order.has('payment_gateway_names') ? order.strings('payment_gateway_names') : [];
  const shippingLines = order.has('shipping_lines') ? order.objects('shipping_lines') : [];
  const named = customer ?? billing ?? shipping;
  return {
    channelId,
    channelOrderId: order.id('id'),
    channelOrderNumber: order.optionalString('name') ?? order.id('id'),
    version: { updatedAt: new Date(updatedAtMs).toISOString(), updatedAtMs, sequence },
    placedAtMs: order.time('created_at', shopifyTimeMs, TIME_FORM),
    currency: order.string('currency'),
    buyer: {
      email: order.string('email'),
      firstName: named?.optionalString('first_name') ?? '',
      lastName: named?.optionalString('last_name') ?? '',
      customerId: customer ? customer.id('id') : null,
    },
    billingAddress: billing ? address(billing) : null,
    shippingAddress: shipping ? address(shipping) : null,
    lines: order.objects('line_items', true).map(line),
    paymentMethod: gateways[0] ?? null,
    shippingMethod: shippingLines[0]?.optionalString('code') ?? null,
    channelStatus: `${order.optionalString('financial_status') ?? ''}/${order.optionalString('fulfillment_status') ?? 'unfulfilled'}`,
    cancelled: order.has('cancelled_at'),
    raw: rawBody,
  };
}
