/**
 * The sample shoppers' choices (infra/simulators/shopping): what they buy, how much, and who they are.
 * Seeded, so each figure below is what 1,000 baskets of one replayable run give.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  randomBasket,
  seededRandom,
  type SellableSku,
} from '../../infra/simulators/shopping/random-basket.ts';
import { randomOrderDraft } from '../../infra/simulators/magento/sample-shopper.ts';

const SKUS: SellableSku[] = [
  { sku: 'A', name: 'Lamp', price: 10, quantity: 100 },
  { sku: 'B', name: 'Chair', price: 20, quantity: 1 },
  { sku: 'C', name: 'Desk', price: 30, quantity: null },
  { sku: 'GONE', name: 'Sold out', price: 5, quantity: 0 },
];

describe('random baskets', () => {
  it('buy only what is in stock, never more units than held, one to three distinct lines', () => {
    const random = seededRandom(1);
    for (let n = 0; n < 1000; n += 1) {
      const basket = randomBasket(SKUS, random);
      assert.ok(basket);
      assert.ok(basket.lines.length >= 1 && basket.lines.length <= 3);
      assert.equal(new Set(basket.lines.map((line) => line.sku)).size, basket.lines.length, 'distinct SKUs');
      for (const line of basket.lines) {
        assert.notEqual(line.sku, 'GONE');
        assert.ok(line.qty >= 1 && line.qty <= 3);
        if (line.sku === 'B') assert.equal(line.qty, 1, 'one unit held');
        assert.equal(line.price, SKUS.find((sku) => sku.sku === line.sku)?.price);
      }
    }
  });

  it('mix guests and customers, single and several lines, near the configured shares', () => {
    const random = seededRandom(2);
    const baskets = Array.from({ length: 1000 }, () => randomBasket(SKUS, random, { guestShare: 0.3 }));
    const guests = baskets.filter((basket) => basket?.buyer.customerId === null).length;
    const multi = baskets.filter((basket) => (basket?.lines.length ?? 0) > 1).length;
    assert.ok(guests > 240 && guests < 360, `guests: ${guests} of 1000`);
    assert.ok(multi > 240 && multi < 360, `several lines: ${multi} of 1000`);
    const customer = baskets.find((basket) => basket?.buyer.customerId !== null)?.buyer;
    assert.equal(
      customer?.email,
      `customer${customer?.customerId}@example.com`,
      'a customer keeps one email',
    );
  });

  it('give nothing when nothing can be sold, and the same baskets for the same seed', () => {
    assert.equal(randomBasket([], seededRandom(3)), null);
    assert.equal(randomBasket([{ sku: 'GONE', name: 'x', price: 1, quantity: 0 }], seededRandom(3)), null);
    const one = Array.from(
      { length: 5 },
      (
        (random) => () =>
          randomBasket(SKUS, random)
      )(seededRandom(9)),
    );
    const two = Array.from(
      { length: 5 },
      (
        (random) => () =>
          randomBasket(SKUS, random)
      )(seededRandom(9)),
    );
    assert.deepEqual(one, two);
  });

  it('become Magento order drafts, paid online or by check / money order', () => {
    const random = seededRandom(4);
    const skus = SKUS.map((sku, index) => ({ ...sku, productId: index + 1 }));
    const drafts = Array.from({ length: 200 }, () => randomOrderDraft(skus, random, { paidShare: 0.7 }));
    const paid = drafts.filter((draft) => draft?.paymentMethod === 'braintree' && draft.invoiced).length;
    const unpaid = drafts.filter(
      (draft) => draft?.paymentMethod === 'checkmo' && draft.invoiced === false,
    ).length;
    assert.equal(paid + unpaid, 200);
    assert.ok(paid > 110 && paid < 170, `paid: ${paid} of 200`);
    assert.ok(
      drafts.every((draft) =>
        draft?.lines.every((line) => line.productId === skus.find((sku) => sku.sku === line.sku)?.productId),
      ),
    );
  });
});
