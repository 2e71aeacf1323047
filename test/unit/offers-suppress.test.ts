import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  skuOffers,
  suppress,
  suppressOutcomes,
  type LastEmitted,
  type OfferOutcome,
  type OfferParkReason,
} from '../../streams/processors/offers/index.ts';
import { channel, product, sellable, skuState, summary } from './offers-fixtures.ts';

const offer = (key: string, hash: string): OfferOutcome => ({
  kind: 'offer',
  key,
  hash,
  // The value is never read by suppression, only the hash.
  value: {} as Extract<OfferOutcome, { kind: 'offer' }>['value'],
});
const tombstone = (key: string): OfferOutcome => ({ kind: 'tombstone', key, cause: 'deleted' });
const reason: OfferParkReason = {
  code: 'MISSING_REQUIRED_FIELD',
  message: 'product A has no EAN, which channel webshop requires',
  sku: 'A',
  channel: 'webshop',
  fields: ['ean'],
};
const park = (key: string): OfferOutcome => ({ kind: 'park', key, reason });

describe('suppress: one outcome', () => {
  it('writes an offer the key never had, or with another hash, and remembers its hash', () => {
    assert.deepEqual(suppress(undefined, offer('A', 'h1')), { emit: true, next: 'h1' });
    assert.deepEqual(suppress(null, offer('A', 'h1')), { emit: true, next: 'h1' });
    assert.deepEqual(suppress('h0', offer('A', 'h1')), { emit: true, next: 'h1' });
  });

  it('drops an offer with the hash last written', () => {
    assert.deepEqual(suppress('h1', offer('A', 'h1')), { emit: false, next: 'h1' });
  });

  it('writes a tombstone only over a live offer', () => {
    assert.deepEqual(suppress('h1', tombstone('A')), { emit: true, next: null });
    assert.deepEqual(suppress(null, tombstone('A')), { emit: false, next: null });
    assert.deepEqual(suppress(undefined, tombstone('A')), { emit: false, next: undefined });
  });

  it('always passes a park on, without changing what was last written', () => {
    assert.deepEqual(suppress(undefined, park('A')), { emit: true, next: undefined });
    assert.deepEqual(suppress(null, park('A')), { emit: true, next: null });
    assert.deepEqual(suppress('h1', park('A')), { emit: true, next: 'h1' });
  });
});

describe('suppress: one call', () => {
  it('drops a tombstone for a key never written, and remembers nothing', () => {
    const { emit, remember } = suppressOutcomes([tombstone('A')], () => undefined);
    assert.deepEqual(emit, []);
    assert.deepEqual([...remember], []);
  });

  it('passes a park on and drops its tombstone when the key was never written', () => {
    const { emit, remember } = suppressOutcomes([park('A'), tombstone('A')], () => undefined);
    assert.deepEqual(emit, [park('A')]);
    assert.deepEqual([...remember], []);
  });

  it('passes a park and its tombstone on when the key is live', () => {
    const { emit, remember } = suppressOutcomes([park('A'), tombstone('A')], () => 'h1');
    assert.deepEqual(emit, [park('A'), tombstone('A')]);
    assert.deepEqual([...remember], [['A', null]]);
  });

  it('judges a key seen twice against what the first left', () => {
    const { emit, remember } = suppressOutcomes(
      [offer('A', 'h1'), offer('A', 'h1'), tombstone('A'), tombstone('A')],
      () => undefined,
    );
    assert.deepEqual(emit, [offer('A', 'h1'), tombstone('A')]);
    assert.deepEqual([...remember], [['A', null]]);
  });

  it('keeps the keys apart', () => {
    const last: Record<string, LastEmitted> = { A: 'h1', B: 'h2' };
    const { emit, remember } = suppressOutcomes(
      [offer('A', 'h1'), offer('B', 'h3'), tombstone('C'), offer('D', 'h4')],
      (key) => last[key],
    );
    assert.deepEqual(emit, [offer('B', 'h3'), offer('D', 'h4')]);
    assert.deepEqual(
      [...remember],
      [
        ['B', 'h3'],
        ['D', 'h4'],
      ],
    );
  });
});

describe('suppress: over time, as the engine keeps it', () => {
  /** Runs one call per batch of outcomes against a store, as the engine does; returns what was written. */
  function run(batches: readonly (readonly OfferOutcome[])[]): string[][] {
    const store = new Map<string, string | null>();
    return batches.map((outcomes) => {
      const { emit, remember } = suppressOutcomes(outcomes, (key) => store.get(key));
      for (const [key, last] of remember) store.set(key, last);
      return summary(emit);
    });
  }

  it('writes an offer once, a change once, its delisting once', () => {
    const written = run([
      [offer('A', 'h1')],
      [offer('A', 'h1')],
      [offer('A', 'h2')],
      [tombstone('A')],
      [tombstone('A')],
      [offer('A', 'h2')],
    ]);
    assert.deepEqual(written, [['offer A'], [], ['offer A'], ['tombstone A (deleted)'], [], ['offer A']]);
  });

  it('passes every park on but writes the tombstone of a live key once', () => {
    const parkAndTombstone = [park('A'), { kind: 'tombstone', key: 'A', cause: 'parked' } as const];
    const written = run([[offer('A', 'h1')], parkAndTombstone, parkAndTombstone]);
    assert.deepEqual(written, [['offer A'], ['park A', 'tombstone A (parked)'], ['park A']]);
  });

  it('follows a real SKU: the same rows are not rewritten, a lost price delists it once', () => {
    const webshop = channel();
    const states = [
      sellable('SKU-1'),
      sellable('SKU-1'),
      skuState('SKU-1', { product: product('SKU-1') }),
      skuState('SKU-1', { product: null }),
    ];
    const written = run(states.map((state) => skuOffers(webshop, state)));
    assert.deepEqual(written, [['offer SKU-1'], [], ['tombstone SKU-1 (no-price)'], []]);
  });
});
