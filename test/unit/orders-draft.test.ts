/**
 * Validation and mapping of a channel order, rule by rule: what the order and the channel's config
 * alone decide (currency, quantities, prices, buyer, addresses; SKU, customer, payment and shipping
 * codes), each problem with its code and its clause of the operator's sentence.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draftOrder, type DraftResult } from '../../streams/processors/orders/order-draft.ts';
import type { OrderChannelConfig } from '../../streams/processors/orders/orders-config.ts';
import { channelOrder, czAddress, orderLine } from '../helpers/channel-orders.ts';

const webshop = (overrides: Partial<OrderChannelConfig> = {}): OrderChannelConfig => ({
  channel: 'webshop',
  currency: 'EUR',
  routing: { warehouses: [{ code: 'WH-MAIN' }], split: true, checkStock: true },
  skus: {},
  customers: {},
  payment: { checkmo: 'INVOICE', braintree: 'CARD' },
  shipping: { flatrate_flatrate: 'DHL-STD' },
  ...overrides,
});

function problems(result: DraftResult): [string, string][] {
  assert.equal(result.ok, false, 'expected the order to be refused');
  return result.ok ? [] : result.problems.map((p) => [p.code, p.text]);
}

function draft(result: DraftResult) {
  assert.ok(result.ok, `expected a draft, got ${JSON.stringify(result)}`);
  return result.draft;
}

describe('checking a channel order', () => {
  it('accepts a complete order in the channel currency', () => {
    assert.equal(draftOrder(channelOrder(), webshop()).ok, true);
  });

  it('refuses an order in another currency than the channel sells in', () => {
    assert.deepEqual(problems(draftOrder(channelOrder({ currency: 'USD' }), webshop())), [
      ['WRONG_CURRENCY', 'it is in USD, but webshop sells in EUR'],
    ]);
  });

  it('refuses a quantity of 0, a negative or a fractional one, naming the line and its SKU', () => {
    const order = channelOrder({
      lines: [orderLine(1, 'SKU-000001', 0), orderLine(2, 'SKU-000002', -1), orderLine(3, 'SKU-000003', 1.5)],
    });
    assert.deepEqual(problems(draftOrder(order, webshop())), [
      ['BAD_QUANTITY', 'line 1 (SKU SKU-000001) has quantity 0; a quantity is a whole number of at least 1'],
      ['BAD_QUANTITY', 'line 2 (SKU SKU-000002) has quantity -1; a quantity is a whole number of at least 1'],
      [
        'BAD_QUANTITY',
        'line 3 (SKU SKU-000003) has quantity 1.5; a quantity is a whole number of at least 1',
      ],
    ]);
  });

  it('refuses a unit price that is not an amount with at most two decimals', () => {
    const order = channelOrder({
      lines: [orderLine(1, 'SKU-000001', 1, '19.999'), orderLine(2, 'SKU-000002', 1, '-1')],
    });
    assert.deepEqual(
      problems(draftOrder(order, webshop())).map(([code]) => code),
      ['BAD_PRICE', 'BAD_PRICE'],
    );
  });

  it('refuses an order without lines', () => {
    assert.deepEqual(problems(draftOrder(channelOrder({ lines: [] }), webshop())), [
      ['NO_LINES', 'it has no lines'],
    ]);
  });

  it('refuses a buyer without e-mail or name', () => {
    const order = channelOrder({ buyer: { email: ' ', firstName: '', lastName: '', customerId: null } });
    assert.deepEqual(problems(draftOrder(order, webshop())), [
      ['NO_BUYER', 'the buyer has no e-mail address'],
      ['NO_BUYER', 'the buyer has no name'],
    ]);
  });

  it('refuses a missing billing or shipping address, and one without street, city or country', () => {
    assert.deepEqual(problems(draftOrder(channelOrder({ billingAddress: null }), webshop())), [
      ['NO_ADDRESS', 'it has no billing address'],
    ]);
    assert.deepEqual(
      problems(draftOrder(channelOrder({ shippingAddress: { ...czAddress, street: [] } }), webshop())),
      [['NO_ADDRESS', 'its shipping address lacks a street, city or country']],
    );
  });

  it('reports every problem at once', () => {
    const order = channelOrder({
      currency: 'PLN',
      lines: [orderLine(1, 'SKU-000001', 0)],
      shippingAddress: null,
    });
    assert.deepEqual(
      problems(draftOrder(order, webshop())).map(([code]) => code),
      ['WRONG_CURRENCY', 'BAD_QUANTITY', 'NO_ADDRESS'],
    );
  });
});

describe('mapping a channel order to the ERP', () => {
  it("maps the channel's SKU through the config, and keeps a SKU the config does not list", () => {
    const order = channelOrder({ lines: [orderLine(1, 'WEB-1'), orderLine(2, 'SKU-000003')] });
    const lines = draft(draftOrder(order, webshop({ skus: { 'WEB-1': 'SKU-000001' } }))).lines;
    assert.deepEqual(
      lines.map((l) => [l.lineNo, l.channelLineId, l.sku]),
      [
        [1, '501', 'SKU-000001'],
        [2, '502', 'SKU-000003'],
      ],
    );
  });

  it('orders as the mapped ERP customer, or as a guest when the buyer is not mapped or is a guest', () => {
    const customers = { '17': 'C-0001' };
    const known = channelOrder({ buyer: { ...channelOrder().buyer, customerId: '17' } });
    const unknown = channelOrder({ buyer: { ...channelOrder().buyer, customerId: '18' } });
    assert.equal(draft(draftOrder(known, webshop({ customers }))).buyer.customerCode, 'C-0001');
    assert.equal(draft(draftOrder(unknown, webshop({ customers }))).buyer.customerCode, null);
    assert.equal(draft(draftOrder(channelOrder(), webshop({ customers }))).buyer.customerCode, null);
  });

  it("maps payment and shipping methods to the ERP's codes", () => {
    const mapped = draft(draftOrder(channelOrder({ paymentMethod: 'braintree' }), webshop()));
    assert.equal(mapped.paymentCode, 'CARD');
    assert.equal(mapped.shippingCode, 'DHL-STD');
  });

  it('refuses a payment or shipping method the config does not map, naming the key to add', () => {
    const order = channelOrder({ paymentMethod: 'paypal', shippingMethod: null });
    assert.deepEqual(problems(draftOrder(order, webshop())), [
      ['UNMAPPED_PAYMENT', 'payment method paypal has no ERP code in orders.channels (webshop).payment'],
      ['UNMAPPED_SHIPPING', 'it names no shipping method'],
    ]);
  });

  it('maps any method not listed, and none, by the `*` entry', () => {
    const order = channelOrder({ paymentMethod: null });
    assert.equal(draft(draftOrder(order, webshop({ payment: { '*': 'PREPAID' } }))).paymentCode, 'PREPAID');
  });

  it('names addressees in full and keeps the country code, version and order time', () => {
    const order = channelOrder();
    const mapped = draft(draftOrder(order, webshop()));
    assert.equal(mapped.shippingAddress.name, 'Jana Nováková');
    assert.equal(mapped.shippingAddress.country, 'CZ');
    assert.equal(mapped.channelUpdatedAtMs, order.version.updatedAtMs);
    assert.equal(mapped.channelVersion, `${order.version.updatedAt}#0`);
    assert.equal(mapped.orderedAtMs, order.placedAtMs);
    assert.equal(mapped.cancelReason, null);
  });
});
