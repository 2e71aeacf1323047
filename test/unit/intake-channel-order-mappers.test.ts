/**
 * The mappers from a channel's order JSON to the normalised channel order: every field read from where
 * the channel writes it, versions comparable, and a malformed body refused with the path of the field.
 * Magento's fixture follows the shape `GET /V1/orders` renders; Shopify's is built by the marketplace
 * simulator's own order builder, written from Shopify's Order resource, not from these mappers.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import avsc from 'avsc';
import { compareVersions } from '../../streams/contracts/orders/channel-order.ts';
import { MalformedOrderError } from '../../streams/intake/intake-errors.ts';
import { magentoOrder, magentoTime, magentoTimeMs } from '../../streams/intake/magento-order.ts';
import { shopifyOrder } from '../../streams/intake/shopify-order.ts';
import { shopifyOrder as buildShopifyOrder } from '../../infra/simulators/webhook-receiver/shopify-order.ts';

function magentoJson(): Record<string, unknown> {
  const address = (type: string) => ({
    address_type: type,
    firstname: 'Anna',
    lastname: 'Berg',
    street: ['Hauptstr. 1', 'Hinterhaus'],
    city: 'Wien',
    postcode: '1010',
    country_id: 'AT',
    telephone: '+43 1 234',
    email: 'anna@example.com',
  });
  return {
    entity_id: 17,
    increment_id: '000000017',
    state: 'processing',
    status: 'processing',
    created_at: '2026-12-03 10:00:00',
    updated_at: '2026-12-03 10:05:07',
    customer_email: 'anna@example.com',
    customer_firstname: 'Anna',
    customer_lastname: 'Berg',
    customer_is_guest: 0,
    customer_id: 42,
    order_currency_code: 'EUR',
    items: [
      { item_id: 31, sku: 'LAMP-1', name: 'Lamp 1', qty_ordered: 2, price: 10.5 },
      { item_id: 32, sku: 'LAMP-2', name: 'Lamp 2', qty_ordered: 1, price: 20 },
    ],
    billing_address: address('billing'),
    payment: { method: 'braintree' },
    extension_attributes: {
      shipping_assignments: [{ shipping: { address: address('shipping'), method: 'flatrate_flatrate' } }],
    },
  };
}

function refusedAt(run: () => unknown, field: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof MalformedOrderError, String(error));
    assert.equal(error.field, field);
    assert.equal(error.code, 'ORDER_MALFORMED');
    assert.equal(error.retriable, false);
    assert.ok(error.message.startsWith(field), error.message);
    return true;
  });
}

describe('magentoOrder', () => {
  it('maps ids, version, times, buyer, both addresses, lines, payment and shipping method', () => {
    const order = magentoOrder('webshop', magentoJson(), 2);
    assert.equal(order.channelId, 'webshop');
    assert.equal(order.channelOrderId, '17');
    assert.equal(order.channelOrderNumber, '000000017');
    assert.deepEqual(order.version, {
      updatedAt: '2026-12-03T10:05:07.000Z',
      updatedAtMs: Date.UTC(2026, 11, 3, 10, 5, 7),
      sequence: 2,
    });
    assert.equal(order.placedAtMs, Date.UTC(2026, 11, 3, 10, 0, 0));
    assert.equal(order.currency, 'EUR');
    assert.deepEqual(order.buyer, {
      email: 'anna@example.com',
      firstName: 'Anna',
      lastName: 'Berg',
      customerId: '42',
    });
    assert.deepEqual(order.shippingAddress, {
      firstName: 'Anna',
      lastName: 'Berg',
      company: null,
      street: ['Hauptstr. 1', 'Hinterhaus'],
      city: 'Wien',
      postcode: '1010',
      countryCode: 'AT',
      phone: '+43 1 234',
    });
    assert.deepEqual(order.billingAddress, order.shippingAddress);
    assert.deepEqual(order.lines, [
      { lineId: '31', sku: 'LAMP-1', name: 'Lamp 1', quantity: 2, unitPrice: '10.5' },
      { lineId: '32', sku: 'LAMP-2', name: 'Lamp 2', quantity: 1, unitPrice: '20' },
    ]);
    assert.equal(order.paymentMethod, 'braintree');
    assert.equal(order.shippingMethod, 'flatrate_flatrate');
    assert.equal(order.channelStatus, 'processing/processing');
    assert.equal(order.cancelled, false);
    assert.deepEqual(JSON.parse(order.raw), magentoJson(), 'the raw payload kept whole');
  });

  it('keeps the JSON text it was given as raw, and reads a guest (no customer_id) and a cancellation', () => {
    const json = { ...magentoJson(), state: 'canceled', status: 'canceled', customer_is_guest: 1 };
    delete (json as { customer_id?: number }).customer_id;
    const text = JSON.stringify(json, null, 1);
    const order = magentoOrder('webshop', text);
    assert.equal(order.raw, text);
    assert.equal(order.buyer.customerId, null);
    assert.equal(order.cancelled, true);
    assert.equal(order.version.sequence, 0);
  });

  it('sells the parent line of a configurable product, not its child', () => {
    const json = magentoJson();
    json.items = [
      { item_id: 40, sku: 'SHIRT-M', name: 'Shirt', qty_ordered: 1, price: 30 },
      { item_id: 41, parent_item_id: 40, sku: 'SHIRT-M', name: 'Shirt M', qty_ordered: 1, price: 0 },
    ];
    assert.deepEqual(
      magentoOrder('webshop', json).lines.map((line) => line.lineId),
      ['40'],
    );
  });

  it('refuses a malformed order naming the field', () => {
    const broken = (change: (json: Record<string, unknown>) => void) => {
      const json = magentoJson();
      change(json);
      return () => magentoOrder('webshop', json);
    };
    refusedAt(() => magentoOrder('webshop', '{"entity_id": '), 'order');
    refusedAt(() => magentoOrder('webshop', '[1]'), 'order');
    refusedAt(
      broken((json) => (json.updated_at = '2026-12-03T10:05:07Z')),
      'updated_at',
    );
    refusedAt(
      broken((json) => delete json.entity_id),
      'entity_id',
    );
    refusedAt(
      broken((json) => (json.items = [])),
      'items',
    );
    refusedAt(
      broken((json) => ((json.items as Record<string, unknown>[])[1]!.qty_ordered = 'two')),
      'items[1].qty_ordered',
    );
    refusedAt(
      broken((json) => ((json.items as Record<string, unknown>[])[0]!.sku = '')),
      'items[0].sku',
    );
    refusedAt(
      broken((json) => ((json.items as Record<string, unknown>[])[0]!.price = '10,50')),
      'items[0].price',
    );
    refusedAt(
      broken((json) => ((json.billing_address as Record<string, unknown>).country_id = 7)),
      'billing_address.country_id',
    );
    refusedAt(
      broken((json) => delete json.extension_attributes),
      'extension_attributes',
    );
  });

  it("reads and writes Magento's whole-second UTC time", () => {
    assert.equal(magentoTimeMs('2026-12-03 10:05:07'), Date.UTC(2026, 11, 3, 10, 5, 7));
    assert.ok(Number.isNaN(magentoTimeMs('2026-12-03T10:05:07Z')));
    assert.equal(magentoTime(Date.UTC(2026, 11, 3, 10, 5, 7, 999)), '2026-12-03 10:05:07');
  });
});

describe('shopifyOrder', () => {
  const buyer = {
    customerId: 5,
    email: 'jan@example.com',
    firstname: 'Jan',
    lastname: 'Nowak',
    address: {
      firstname: 'Jan',
      lastname: 'Nowak',
      street: ['ul. Długa 3'],
      city: 'Kraków',
      postcode: '30-001',
      countryId: 'PL',
      telephone: '+48 12 345',
    },
  };
  const placedAt = Date.UTC(2026, 11, 3, 11, 0, 0, 450);
  const built = buildShopifyOrder(
    1,
    {
      lines: [
        { sku: 'LAMP-1', qty: 2, price: 10.5, name: 'Lamp 1' },
        { sku: 'LAMP-2', qty: 1, price: 20, name: 'Lamp 2' },
      ],
      buyer,
    },
    'PLN',
    placedAt,
  );

  it("maps Shopify's order: ids as text, whole-second version, buyer, addresses, decimal prices, shipping code", () => {
    const raw = JSON.stringify(built);
    const order = shopifyOrder('marketplace', raw, 450);
    assert.equal(order.channelOrderId, String(built.id));
    assert.equal(order.channelOrderNumber, '#1001');
    assert.deepEqual(order.version, {
      updatedAt: '2026-12-03T11:00:00.000Z',
      updatedAtMs: Date.UTC(2026, 11, 3, 11, 0, 0),
      sequence: 450,
    });
    assert.equal(order.placedAtMs, Date.UTC(2026, 11, 3, 11, 0, 0));
    assert.equal(order.currency, 'PLN');
    assert.deepEqual(order.buyer, {
      email: 'jan@example.com',
      firstName: 'Jan',
      lastName: 'Nowak',
      customerId: String(built.customer?.id),
    });
    assert.deepEqual(order.shippingAddress, {
      firstName: 'Jan',
      lastName: 'Nowak',
      company: null,
      street: ['ul. Długa 3'],
      city: 'Kraków',
      postcode: '30-001',
      countryCode: 'PL',
      phone: '+48 12 345',
    });
    assert.deepEqual(
      order.lines.map((line) => [line.lineId, line.sku, line.quantity, line.unitPrice]),
      [
        [String(built.line_items[0]?.id), 'LAMP-1', 2, '10.50'],
        [String(built.line_items[1]?.id), 'LAMP-2', 1, '20.00'],
      ],
    );
    assert.equal(order.shippingMethod, 'Standard');
    assert.equal(order.paymentMethod, null, 'the simulator sends no payment_gateway_names');
    assert.equal(order.cancelled, false);
    assert.equal(order.raw, raw);
  });

  it('reads a guest, a gateway name and a cancellation', () => {
    const order = shopifyOrder(
      'marketplace',
      JSON.stringify({
        ...built,
        customer: null,
        payment_gateway_names: ['shopify_payments'],
        cancelled_at: '2026-12-03T11:02:00+00:00',
      }),
    );
    assert.equal(order.buyer.customerId, null);
    assert.equal(order.buyer.firstName, 'Jan', 'named from the billing address');
    assert.equal(order.paymentMethod, 'shopify_payments');
    assert.equal(order.cancelled, true);
  });

  it('orders versions by updated_at, then sequence', () => {
    const at = (updatedAt: string, sequence: number) =>
      shopifyOrder('marketplace', JSON.stringify({ ...built, updated_at: updatedAt }), sequence).version;
    const first = at('2026-12-03T11:00:00+00:00', 900);
    const sameSecondLater = at('2026-12-03T12:00:00+01:00', 950);
    const nextSecond = at('2026-12-03T11:00:01+00:00', 0);
    assert.ok(compareVersions(first, sameSecondLater) < 0, 'the offset is read: the same second');
    assert.ok(compareVersions(sameSecondLater, nextSecond) < 0);
    assert.equal(compareVersions(first, at('2026-12-03T11:00:00Z', 900)), 0);
  });

  it('refuses a malformed body naming the field', () => {
    const broken = (change: (json: Record<string, unknown>) => void) => {
      const json = JSON.parse(JSON.stringify(built)) as Record<string, unknown>;
      change(json);
      return () => shopifyOrder('marketplace', JSON.stringify(json));
    };
    refusedAt(() => shopifyOrder('marketplace', 'not json'), 'body');
    refusedAt(() => shopifyOrder('marketplace', '"text"'), 'body');
    refusedAt(
      broken((json) => (json.id = 'abc')),
      'id',
    );
    refusedAt(
      broken((json) => (json.updated_at = '2026-12-03 11:00:00')),
      'updated_at',
    );
    refusedAt(
      broken((json) => delete json.currency),
      'currency',
    );
    refusedAt(
      broken((json) => ((json.line_items as Record<string, unknown>[])[1]!.price = 'free')),
      'line_items[1].price',
    );
    refusedAt(
      broken((json) => ((json.line_items as Record<string, unknown>[])[0]!.quantity = -1)),
      'line_items[0].quantity',
    );
    refusedAt(
      broken((json) => ((json.line_items as Record<string, unknown>[])[0]!.sku = null)),
      'line_items[0].sku',
    );
    refusedAt(
      broken((json) => (json.shipping_address = 'Kraków')),
      'shipping_address',
    );
    refusedAt(
      broken((json) => delete (json.shipping_address as Record<string, unknown>).country_code),
      'shipping_address.country_code',
    );
  });
});

describe('the Avro schema of channel.<id>.order.v1', () => {
  const schema = JSON.parse(
    readFileSync(new URL('../../schemas/channel.order.v1.avsc', import.meta.url), 'utf8'),
  ) as avsc.Schema & { fields: { name: string }[] };
  const type = avsc.Type.forSchema(schema);
  const magento = magentoOrder('webshop', magentoJson(), 2);

  it('has exactly the fields of the TypeScript channel order', () => {
    assert.equal(type.name, 'dev.syncline.orders.ChannelOrder');
    assert.deepEqual(schema.fields.map((f) => f.name).sort(), Object.keys(magento).sort());
  });

  it('round-trips what both mappers make, with and without addresses and a customer id', () => {
    const { id: _id, ...guestJson } = {
      id: 0,
      ...magentoJson(),
      customer_id: undefined,
      customer_is_guest: 1,
    };
    const orders = [
      magento,
      magentoOrder('webshop', JSON.stringify(guestJson)),
      { ...magento, billingAddress: null, shippingAddress: null, paymentMethod: null, shippingMethod: null },
      shopifyOrder('marketplace', JSON.stringify(buildShopifyOrderForSchema()), 450),
    ];
    const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
    for (const order of orders) assert.deepEqual(plain(type.fromBuffer(type.toBuffer(order))), plain(order));
  });
});

function buildShopifyOrderForSchema() {
  const address = {
    firstname: 'Jan',
    lastname: 'Nowak',
    street: ['ul. Długa 3'],
    city: 'Kraków',
    postcode: '30-001',
    countryId: 'PL',
    telephone: '+48 12 345',
  };
  const buyer = { customerId: 5, email: 'jan@example.com', firstname: 'Jan', lastname: 'Nowak', address };
  return buildShopifyOrder(
    1,
    { lines: [{ sku: 'LAMP-1', qty: 2, price: 10.5, name: 'Lamp 1' }], buyer },
    'PLN',
    0,
  );
}
