/**
 * Normalised channel orders for tests, as an intake writes them to channel.<id>.order.v1: a valid
 * webshop order of the tiny sample ERP's SKUs by default, changed by the overrides a test names.
 */
import type { ChannelAddress, ChannelOrder, ChannelOrderLine } from '../../streams/contracts/orders/index.ts';

export const czAddress: ChannelAddress = {
  firstName: 'Jana',
  lastName: 'Nováková',
  company: null,
  street: ['Karlova 12'],
  city: 'Praha',
  postcode: '110 00',
  countryCode: 'CZ',
  phone: '+420 601 234 567',
};

export const orderLine = (n: number, sku: string, quantity = 1, unitPrice = '19.90'): ChannelOrderLine => ({
  lineId: String(500 + n),
  sku,
  name: `Product ${sku}`,
  quantity,
  unitPrice,
});

export function channelOrder(overrides: Partial<ChannelOrder> = {}): ChannelOrder {
  const updatedAtMs = Date.UTC(2026, 11, 3, 10, 0, 0);
  return {
    channelId: 'webshop',
    channelOrderId: '100000123',
    channelOrderNumber: '000000123',
    version: { updatedAt: new Date(updatedAtMs).toISOString(), updatedAtMs, sequence: 0 },
    placedAtMs: updatedAtMs - 30_000,
    currency: 'EUR',
    buyer: { email: 'jana@example.com', firstName: 'Jana', lastName: 'Nováková', customerId: null },
    billingAddress: czAddress,
    shippingAddress: czAddress,
    lines: [orderLine(1, 'SKU-000001', 2), orderLine(2, 'SKU-000003', 1, '5.05')],
    paymentMethod: 'checkmo',
    shippingMethod: 'flatrate_flatrate',
    channelStatus: 'pending',
    cancelled: false,
    raw: '{}',
    ...overrides,
  };
}

/** The same order `ms` later at the channel. */
export function laterOrder(
  order: ChannelOrder,
  ms: number,
  overrides: Partial<ChannelOrder> = {},
): ChannelOrder {
  const updatedAtMs = order.version.updatedAtMs + ms;
  return {
    ...order,
    version: { updatedAt: new Date(updatedAtMs).toISOString(), updatedAtMs, sequence: 0 },
    ...overrides,
  };
}
