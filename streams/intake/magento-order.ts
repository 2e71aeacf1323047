/**
 * Magento 2's order JSON (`Sales\Api\Data\OrderInterface` as `GET /V1/orders` renders it) to the
 * normalised channel order. Pure: the poller gives the JSON text and the version it decided on.
 *
 * Magento writes times as `YYYY-MM-DD HH:MM:SS` in UTC with whole seconds; a guest has no
 * `customer_id`; the shipping address and method sit in
 * `extension_attributes.shipping_assignments[0].shipping`.
 */
import type { ChannelAddress, ChannelOrder, ChannelOrderLine } from '../contracts/orders/channel-order.ts';
import { MalformedOrderError } from './intake-errors.ts';
import { OrderFields, parseOrderJson, type JsonRecord } from './order-fields.ts';

const MAGENTO_TIME = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

/** Milliseconds of a Magento UTC time, NaN for anything else. */
export function magentoTimeMs(text: string): number {
  const match = MAGENTO_TIME.exec(text);
  return match ? Date.parse(`${match[1]}T${match[2]}Z`) : Number.NaN;
}

/** Magento's form of a UTC time in ms (whole seconds, truncated). */
export function magentoTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

const TIME_FORM = "a Magento time 'YYYY-MM-DD HH:MM:SS'";

function address(fields: OrderFields): ChannelAddress {
  return {
    firstName: fields.string('firstname'),
    lastName: fields.string('lastname'),
    company: fields.optionalString('company'),
    street: fields.strings('street'),
    city: fields.string('city'),
    postcode: fields.optionalString('postcode') ?? '',
    countryCode: fields.string('country_id'),
    phone: fields.optionalString('telephone'),
  };
}

function line(item: OrderFields): ChannelOrderLine {
  return {
    lineId: item.id('item_id'),
    sku: item.string('sku'),
    name: item.optionalString('name') ?? '',
    quantity: item.quantity('qty_ordered'),
    unitPrice: item.decimal('price'),
  };
}

/**
 * Maps one order of Magento's JSON. `sequence` tells apart versions the poller saw within one
 * `updated_at` second. Throws MalformedOrderError naming the field.
 */
export function magentoOrder(channelId: string, json: JsonRecord | string, sequence = 0): ChannelOrder {
  const raw = typeof json === 'string' ? json : JSON.stringify(json);
  const order = new OrderFields(typeof json === 'string' ? parseOrderJson(json, 'order') : json);
  const updatedAtMs = order.time('updated_at', magentoTimeMs, TIME_FORM);
  const shipping = order
    .object('extension_attributes')
    .objects('shipping_assignments')
    .map((assignment) => assignment.optionalObject('shipping'))[0];
  const items = order.objects('items', true);
  // Configurable products appear twice in `items`: the parent with the price and a child with
  // `parent_item_id`; the parent line is the one sold (the simulator sells simple products only).
  const sold = items.filter((item) => !item.has('parent_item_id'));
  if (sold.length === 0) throw new MalformedOrderError('items', 'has no line without parent_item_id');
  const guest = !order.has('customer_id');
  const state = order.string('state');
  return {
    channelId,
    channelOrderId: order.id('entity_id'),
    channelOrderNumber: order.string('increment_id'),
    version: { updatedAt: new Date(updatedAtMs).toISOString(), updatedAtMs, sequence },
    placedAtMs: order.time('created_at', magentoTimeMs, TIME_FORM),
    currency: order.string('order_currency_code'),
    buyer: {
      email: order.string('customer_email'),
      firstName: order.optionalString('customer_firstname') ?? '',
      lastName: order.optionalString('customer_lastname') ?? '',
      customerId: guest ? null : order.id('customer_id'),
    },
    billingAddress: order.has('billing_address') ? address(order.object('billing_address')) : null,
    shippingAddress: shipping?.has('address') ? address(shipping.object('address')) : null,
    lines: sold.map(line),
    paymentMethod: order.optionalObject('payment')?.optionalString('method') ?? null,
    shippingMethod: shipping?.optionalString('method') ?? null,
    channelStatus: `${state}/${order.string('status')}`,
    cancelled: state === 'canceled',
    raw,
  };
}
