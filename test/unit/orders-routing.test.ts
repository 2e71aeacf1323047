/**
 * Routing rules, one by one: which warehouse ships each line, by the channel's warehouses in
 * priority order, the ship-to country, the stock available there and whether a split is allowed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RoutingRules } from '../../streams/processors/orders/orders-config.ts';
import { routeOrder, warehousesShippingTo } from '../../streams/processors/orders/route-order.ts';

const rules = (overrides: Partial<RoutingRules> = {}): RoutingRules => ({
  warehouses: [
    { code: 'WH-MAIN', countries: ['CZ', 'DE'] },
    { code: 'WH-SOUTH', countries: ['CZ'] },
    { code: 'WH-3PL' },
  ],
  split: true,
  checkStock: true,
  ...overrides,
});

/** Stock as a table: `{ 'A@WH-MAIN': 3 }`. */
const stock =
  (table: Record<string, number>) =>
  (sku: string, warehouse: string): number =>
    table[`${sku}@${warehouse}`] ?? 0;

const route = (
  lines: { sku: string; quantity: number }[],
  country: string,
  table: Record<string, number>,
  overrides: Partial<RoutingRules> = {},
) => routeOrder(lines, country, rules(overrides), stock(table), 'webshop');

describe('routing an order to warehouses', () => {
  it('considers only the warehouses that ship to the country, in priority order; one without countries ships anywhere', () => {
    assert.deepEqual(warehousesShippingTo(rules(), 'CZ'), ['WH-MAIN', 'WH-SOUTH', 'WH-3PL']);
    assert.deepEqual(warehousesShippingTo(rules(), 'DE'), ['WH-MAIN', 'WH-3PL']);
    assert.deepEqual(warehousesShippingTo(rules(), 'US'), ['WH-3PL']);
  });

  it('sends the whole order to the first warehouse that holds every line', () => {
    const routed = route(
      [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ],
      'CZ',
      { 'A@WH-MAIN': 5, 'A@WH-SOUTH': 5, 'B@WH-SOUTH': 1 },
    );
    assert.deepEqual(routed, { ok: true, warehouses: ['WH-SOUTH', 'WH-SOUTH'] });
  });

  it('prefers the higher priority warehouse when several hold everything', () => {
    const routed = route([{ sku: 'A', quantity: 1 }], 'CZ', {
      'A@WH-MAIN': 1,
      'A@WH-SOUTH': 9,
      'A@WH-3PL': 9,
    });
    assert.deepEqual(routed, { ok: true, warehouses: ['WH-MAIN'] });
  });

  it('skips a warehouse that holds the stock but does not ship to the country', () => {
    const routed = route([{ sku: 'A', quantity: 1 }], 'DE', { 'A@WH-SOUTH': 9, 'A@WH-3PL': 1 });
    assert.deepEqual(routed, { ok: true, warehouses: ['WH-3PL'] });
  });

  it('splits line by line when no warehouse holds the whole order and a split is allowed', () => {
    const routed = route(
      [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ],
      'CZ',
      { 'A@WH-MAIN': 2, 'B@WH-3PL': 4 },
    );
    assert.deepEqual(routed, { ok: true, warehouses: ['WH-MAIN', 'WH-3PL'] });
  });

  it('counts what earlier lines of the order took: two lines of one SKU do not draw on the same units', () => {
    const routed = route(
      [
        { sku: 'A', quantity: 2 },
        { sku: 'A', quantity: 2 },
      ],
      'CZ',
      { 'A@WH-MAIN': 3, 'A@WH-SOUTH': 2 },
    );
    assert.deepEqual(routed, { ok: true, warehouses: ['WH-MAIN', 'WH-SOUTH'] });
  });

  it('refuses an order no single warehouse holds when a split is not allowed, with the quantities', () => {
    const routed = route(
      [
        { sku: 'A', quantity: 2 },
        { sku: 'B', quantity: 1 },
      ],
      'CZ',
      { 'A@WH-MAIN': 2, 'B@WH-3PL': 4 },
      { split: false },
    );
    assert.equal(routed.ok, false);
    assert.ok(!routed.ok);
    assert.equal(routed.problem.code, 'NOT_IN_STOCK');
    assert.equal(
      routed.problem.text,
      'no single warehouse holds the whole order and webshop does not split orders: SKU A 2 ordered (available WH-MAIN 2, WH-SOUTH 0, WH-3PL 0); SKU B 1 ordered (available WH-MAIN 0, WH-SOUTH 0, WH-3PL 4)',
    );
  });

  it('refuses a line no warehouse can take, naming the line and what is available', () => {
    const routed = route([{ sku: 'A', quantity: 5 }], 'DE', { 'A@WH-MAIN': 4, 'A@WH-SOUTH': 9 });
    assert.ok(!routed.ok);
    assert.equal(routed.problem.code, 'NOT_IN_STOCK');
    assert.equal(
      routed.problem.text,
      'not in stock where webshop ships from: line 1: SKU A 5 ordered, available WH-MAIN 4, WH-3PL 0',
    );
  });

  it('refuses an order to a country no warehouse ships to', () => {
    const routed = routeOrder(
      [{ sku: 'A', quantity: 1 }],
      'US',
      rules({ warehouses: [{ code: 'WH-MAIN', countries: ['CZ'] }] }),
      stock({}),
      'webshop',
    );
    assert.deepEqual(routed, {
      ok: false,
      problem: { code: 'NO_WAREHOUSE', text: 'no warehouse of webshop ships to US' },
    });
  });

  it('without a stock check, sends every line to the first warehouse that ships to the country', () => {
    const routed = route(
      [
        { sku: 'A', quantity: 100 },
        { sku: 'B', quantity: 1 },
      ],
      'DE',
      {},
      { checkStock: false },
    );
    assert.deepEqual(routed, { ok: true, warehouses: ['WH-MAIN', 'WH-MAIN'] });
  });
});
