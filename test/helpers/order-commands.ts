/**
 * ERP order commands for tests: a valid one by default (two lines of the tiny sample ERP's SKUs,
 * a guest buyer), changed by the overrides a test names.
 */
import type { ErpOrderCommand, ErpOrderLine, OrderAddress } from '../../streams/contracts/orders/index.ts';

export const sampleAddress: OrderAddress = {
  name: 'Jana Nováková',
  company: null,
  street: ['Karlova 12', '2nd floor'],
  postcode: '110 00',
  city: 'Praha',
  region: null,
  country: 'CZ',
  phone: '+420 601 234 567',
};

export const lineOne: ErpOrderLine = {
  lineNo: 1,
  channelLineId: '501',
  sku: 'SKU-000001',
  quantity: 2,
  unitPrice: '19.90',
  warehouse: 'WH-MAIN',
};
export const lineTwo: ErpOrderLine = {
  lineNo: 2,
  channelLineId: '502',
  sku: 'SKU-000003',
  quantity: 1,
  unitPrice: '5.05',
  warehouse: 'WH-SOUTH',
};
export const sampleLines: readonly ErpOrderLine[] = [lineOne, lineTwo];

export function orderCommand(overrides: Partial<ErpOrderCommand> = {}): ErpOrderCommand {
  return {
    kind: 'place',
    channel: 'webshop',
    channelOrderId: '100000123',
    channelVersion: '2026-12-01 10:00:00',
    channelUpdatedAtMs: Date.UTC(2026, 11, 1, 10, 0, 0),
    orderedAtMs: Date.UTC(2026, 11, 1, 9, 59, 30, 250),
    buyer: { customerCode: null, name: 'Jana Nováková', email: 'jana@example.com', phone: null },
    billingAddress: sampleAddress,
    shippingAddress: { ...sampleAddress, street: ['Dlouhá 3'] },
    currency: 'EUR',
    paymentCode: 'CARD',
    shippingCode: 'DHL-STD',
    shippingAmount: '4.90',
    lines: sampleLines,
    cancelReason: null,
    ...overrides,
  };
}

/** The same order one step later at the channel: `ms` after the base command's update time. */
export function laterVersion(
  base: ErpOrderCommand,
  ms: number,
  overrides: Partial<ErpOrderCommand>,
): ErpOrderCommand {
  const at = base.channelUpdatedAtMs + ms;
  return { ...base, channelUpdatedAtMs: at, channelVersion: new Date(at).toISOString(), ...overrides };
}
