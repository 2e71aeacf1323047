import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StockLevel } from '../../streams/contracts/canonical.ts';
import { availableStock, warehouseFreeStock } from '../../streams/processors/offers/available-stock.ts';
import { skuOffers } from '../../streams/processors/offers/index.ts';
import { channel, offerOf, price, product, skuState, stock } from './offers-fixtures.ts';

const rows = (...levels: StockLevel[]): Record<string, StockLevel> =>
  Object.fromEntries(levels.map((level) => [level.warehouse, level]));

const twoWarehouses = { warehouses: ['WH-MAIN', 'WH-3PL'], safetyStock: 0 };

describe('available stock: one warehouse', () => {
  it('is on hand minus reserved', () => {
    assert.equal(warehouseFreeStock(stock('A', 'WH-MAIN', 10, 3)), 7);
  });

  it('is 0 without a row', () => {
    assert.equal(warehouseFreeStock(undefined), 0);
  });

  it('is clamped at 0 when reservations exceed stock or on hand is negative', () => {
    assert.equal(warehouseFreeStock(stock('A', 'WH-MAIN', 2, 5)), 0);
    assert.equal(warehouseFreeStock(stock('A', 'WH-MAIN', -4, 0)), 0);
    assert.equal(warehouseFreeStock(stock('A', 'WH-MAIN', 5, 5)), 0);
  });
});

describe('available stock: a channel', () => {
  it('sums the free stock of the channel warehouses only', () => {
    const levels = rows(stock('A', 'WH-MAIN', 10, 1), stock('A', 'WH-3PL', 4), stock('A', 'WH-SOUTH', 100));
    assert.equal(availableStock(twoWarehouses, levels), 13);
    assert.equal(availableStock({ warehouses: ['WH-SOUTH'], safetyStock: 0 }, levels), 100);
  });

  it('counts a warehouse without a row as 0', () => {
    assert.equal(availableStock(twoWarehouses, rows(stock('A', 'WH-3PL', 4))), 4);
    assert.equal(availableStock(twoWarehouses, {}), 0);
  });

  it("does not let one warehouse's deficit eat another's stock", () => {
    const levels = rows(stock('A', 'WH-MAIN', 10), stock('A', 'WH-3PL', 2, 5));
    assert.equal(availableStock(twoWarehouses, levels), 10);
    const negative = rows(stock('A', 'WH-MAIN', 10), stock('A', 'WH-3PL', -7));
    assert.equal(availableStock(twoWarehouses, negative), 10);
  });

  it('holds back the safety stock', () => {
    const levels = rows(stock('A', 'WH-MAIN', 10), stock('A', 'WH-3PL', 4));
    assert.equal(availableStock({ ...twoWarehouses, safetyStock: 5 }, levels), 9);
  });

  it('clamps at 0 when the safety stock exceeds or equals the free stock', () => {
    const levels = rows(stock('A', 'WH-MAIN', 3));
    assert.equal(availableStock({ ...twoWarehouses, safetyStock: 5 }, levels), 0);
    assert.equal(availableStock({ ...twoWarehouses, safetyStock: 3 }, levels), 0);
    assert.equal(availableStock({ ...twoWarehouses, safetyStock: 2 }, levels), 1);
  });

  it('counts a warehouse listed twice once', () => {
    const levels = rows(stock('A', 'WH-MAIN', 10));
    assert.equal(availableStock({ warehouses: ['WH-MAIN', 'WH-MAIN'], safetyStock: 0 }, levels), 10);
  });
});

describe('available stock: in the offer', () => {
  const state = skuState('SKU-1', {
    product: product('SKU-1'),
    stock: [stock('SKU-1', 'WH-MAIN', 10, 2), stock('SKU-1', 'WH-3PL', 6), stock('SKU-1', 'WH-SOUTH', 50)],
    prices: [price('SKU-1', 'B2C-EUR', '19.90')],
  });

  it("is the offer's quantity, from the channel warehouses, after the safety stock", () => {
    assert.equal(offerOf(skuOffers(channel(), state)).quantity, 14);
    assert.equal(offerOf(skuOffers(channel({ safetyStock: 4 }), state)).quantity, 10);
    assert.equal(offerOf(skuOffers(channel({ warehouses: ['WH-3PL'], safetyStock: 5 }), state)).quantity, 1);
    assert.equal(offerOf(skuOffers(channel({ warehouses: ['WH-SOUTH'] }), state)).quantity, 50);
  });

  it('offers a product without stock with quantity 0 rather than delisting it', () => {
    const empty = skuState('SKU-2', {
      product: product('SKU-2'),
      prices: [price('SKU-2', 'B2C-EUR', '5.00')],
    });
    assert.equal(offerOf(skuOffers(channel({ safetyStock: 3 }), empty)).quantity, 0);
  });
});
