import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { productKey, type Product } from '../../streams/contracts/canonical.ts';
import {
  applyCanonical,
  applyToFamily,
  contentHash,
  familiesTouched,
  familyOffers,
  familySkuOf,
  isEmptyFamily,
  offersFor,
  skuOffers,
  standaloneFamily,
  suppressOutcomes,
  type CanonicalChange,
  type FamilyState,
  type Offer,
  type SkuState,
} from '../../streams/processors/offers/index.ts';
import { channel, offerOf, price, product, sellable, skuState, stock, summary } from './offers-fixtures.ts';

const grouped = channel({ variants: 'grouped' });

/** The parent SKU-1: a price, no stock of its own. */
const parent = (overrides: Partial<Product> = {}): SkuState =>
  skuState('SKU-1', {
    product: product('SKU-1', { name: 'Trail shirt', ...overrides }),
    prices: [price('SKU-1', 'B2C-EUR', '29.90')],
  });

const variant = (size: string, onHand: number, overrides: Partial<Product> = {}): SkuState => {
  const sku = `SKU-1-${size}`;
  return skuState(sku, {
    product: product(sku, {
      parentSku: 'SKU-1',
      name: `Trail shirt ${size}`,
      ean: `400000000000${size === 'S' ? '1' : '2'}`,
      attributes: { size },
      ...overrides,
    }),
    stock: [stock(sku, 'WH-MAIN', onHand)],
    prices: [price(sku, 'B2C-EUR', size === 'S' ? '29.90' : '31.90')],
  });
};

/** A family built the way the regroup stage builds it: one SKU state at a time. */
const familyOf = (familySku: string, ...states: SkuState[]): FamilyState =>
  states.reduce<FamilyState | undefined>(
    (family, state) => applyToFamily(family, familySku, state),
    undefined,
  ) ?? {
    sku: familySku,
    parent: null,
    variants: {},
  };

const shirtFamily = (): FamilyState => familyOf('SKU-1', variant('S', 3), parent(), variant('M', 5));

describe('variants: which family', () => {
  it('is the parent SKU for a variant, the own SKU otherwise', () => {
    assert.equal(familySkuOf(product('SKU-1-M', { parentSku: 'SKU-1' })), 'SKU-1');
    assert.equal(familySkuOf(product('SKU-1')), 'SKU-1');
  });

  it('a change touches only its own family for a standalone SKU or a parent', () => {
    assert.deepEqual(familiesTouched(undefined, sellable('SKU-9')), ['SKU-9']);
    assert.deepEqual(familiesTouched(parent(), parent({ name: 'Renamed' })), ['SKU-1']);
    assert.deepEqual(
      familiesTouched(undefined, skuState('SKU-9', { stock: [stock('SKU-9', 'WH-MAIN', 1)] })),
      ['SKU-9'],
    );
  });

  it("a variant's change touches its parent's family and its own SKU's", () => {
    assert.deepEqual(familiesTouched(undefined, variant('M', 5)), ['SKU-1', 'SKU-1-M']);
    assert.deepEqual(familiesTouched(variant('M', 5), variant('M', 2)), ['SKU-1', 'SKU-1-M']);
  });

  it('a variant moved to another parent touches both families', () => {
    const moved = variant('M', 5, { parentSku: 'SKU-2' });
    assert.deepEqual(familiesTouched(variant('M', 5), moved), ['SKU-1', 'SKU-1-M', 'SKU-2']);
  });

  it('a deleted variant, or one become standalone, still touches the family it left', () => {
    const deleted = applyCanonical(variant('M', 5), {
      entity: 'product',
      key: productKey('SKU-1-M'),
      value: null,
    });
    assert.deepEqual(familiesTouched(variant('M', 5), deleted), ['SKU-1', 'SKU-1-M']);
    assert.deepEqual(familiesTouched(variant('M', 5), variant('M', 5, { parentSku: null })), [
      'SKU-1',
      'SKU-1-M',
    ]);
  });
});

describe('variants: keeping a family', () => {
  it('holds the parent and every variant naming it, whatever order they arrive in', () => {
    const family = shirtFamily();
    assert.equal(family.sku, 'SKU-1');
    assert.deepEqual(family.parent, parent());
    assert.deepEqual(family.variants, { 'SKU-1-S': variant('S', 3), 'SKU-1-M': variant('M', 5) });
    assert.deepEqual(familyOf('SKU-1', parent(), variant('M', 5), variant('S', 3)), family);
  });

  it('replaces a variant with its newer state', () => {
    const family = applyToFamily(shirtFamily(), 'SKU-1', variant('M', 1));
    assert.deepEqual(family.variants['SKU-1-M'], variant('M', 1));
    assert.deepEqual(Object.keys(family.variants).sort(), ['SKU-1-M', 'SKU-1-S']);
  });

  it('drops a variant whose product is deleted or names another parent', () => {
    const deleted = applyCanonical(variant('M', 5), {
      entity: 'product',
      key: productKey('SKU-1-M'),
      value: null,
    });
    assert.deepEqual(Object.keys(applyToFamily(shirtFamily(), 'SKU-1', deleted).variants), ['SKU-1-S']);
    const moved = variant('M', 5, { parentSku: 'SKU-2' });
    assert.deepEqual(Object.keys(applyToFamily(shirtFamily(), 'SKU-1', moved).variants), ['SKU-1-S']);
    assert.deepEqual(Object.keys(applyToFamily(undefined, 'SKU-2', moved).variants), ['SKU-1-M']);
  });

  it('ignores a SKU that never belonged to it', () => {
    assert.deepEqual(applyToFamily(shirtFamily(), 'SKU-1', sellable('SKU-9')), shirtFamily());
  });

  it("has no parent in a variant's own family: the variant is not offered under its own key", () => {
    const own = applyToFamily(undefined, 'SKU-1-M', variant('M', 5));
    assert.deepEqual(own, { sku: 'SKU-1-M', parent: null, variants: {} });
    assert.equal(isEmptyFamily(own), true);
    assert.deepEqual(summary(familyOffers(grouped, own)), ['tombstone SKU-1-M (deleted)']);
  });

  it('loses its parent when its SKU becomes a variant of another family', () => {
    const before = familyOf('SKU-9', sellable('SKU-9'));
    const after = applyToFamily(before, 'SKU-9', sellable('SKU-9', { parentSku: 'SKU-1' }));
    assert.equal(after.parent, null);
  });

  it('is empty with neither parent nor variants', () => {
    assert.equal(isEmptyFamily({ sku: 'SKU-1', parent: null, variants: {} }), true);
    assert.equal(isEmptyFamily(familyOf('SKU-1', variant('M', 5))), false);
    assert.equal(isEmptyFamily(familyOf('SKU-1', parent())), false);
  });

  it('is a family of one for a standalone SKU', () => {
    const alone = sellable('SKU-9');
    assert.deepEqual(standaloneFamily(alone), { sku: 'SKU-9', parent: alone, variants: {} });
  });
});

describe('variants: the grouped offer', () => {
  const mapped = channel({ variants: 'grouped', fieldMapping: { size: 'attributes.size' } });

  it("is one offer keyed by the parent, its variants inside sorted by SKU, its quantity the family's", () => {
    const expected: Offer = {
      channel: 'webshop',
      sku: 'SKU-1',
      parentSku: null,
      name: 'Trail shirt',
      description: 'A product.',
      ean: '2000000000015',
      brand: 'Nordwand',
      category: 'Apparel > T-Shirts',
      attributes: {},
      price: { amount: '29.90', currency: 'EUR' },
      quantity: 8,
      variants: [
        {
          sku: 'SKU-1-M',
          name: 'Trail shirt M',
          ean: '4000000000002',
          attributes: { size: 'M' },
          price: { amount: '31.90', currency: 'EUR' },
          quantity: 5,
          fields: { size: 'M' },
        },
        {
          sku: 'SKU-1-S',
          name: 'Trail shirt S',
          ean: '4000000000001',
          attributes: { size: 'S' },
          price: { amount: '29.90', currency: 'EUR' },
          quantity: 3,
          fields: { size: 'S' },
        },
      ],
      fields: { size: null },
    };
    assert.deepEqual(familyOffers(mapped, shirtFamily()), [
      { kind: 'offer', key: 'SKU-1', value: expected, hash: contentHash(expected) },
    ]);
  });

  it("counts the parent's own stock, and holds the safety stock back per SKU", () => {
    const stocked = applyToFamily(
      shirtFamily(),
      'SKU-1',
      skuState('SKU-1', {
        product: product('SKU-1'),
        stock: [stock('SKU-1', 'WH-MAIN', 2)],
        prices: [price('SKU-1', 'B2C-EUR', '29.90')],
      }),
    );
    assert.equal(offerOf(familyOffers(grouped, stocked)).quantity, 10);
    assert.equal(
      offerOf(familyOffers(channel({ variants: 'grouped', safetyStock: 2 }), stocked)).quantity,
      4,
    );
  });

  it('is the same as a flat offer for a standalone product', () => {
    const alone = sellable('SKU-9');
    assert.deepEqual(offersFor(grouped, alone, standaloneFamily(alone)), skuOffers(grouped, alone));
  });

  it('offers the parent alone while it has no variants', () => {
    const offer = offerOf(familyOffers(grouped, familyOf('SKU-1', parent())));
    assert.deepEqual([offer.sku, offer.quantity, offer.variants], ['SKU-1', 0, []]);
  });
});

describe('variants: the parent decides for the family', () => {
  it('a deleted parent makes the family a tombstone', () => {
    const gone = applyCanonical(parent(), { entity: 'product', key: productKey('SKU-1'), value: null });
    const family = applyToFamily(shirtFamily(), 'SKU-1', gone);
    assert.deepEqual(familyOffers(grouped, family), [{ kind: 'tombstone', key: 'SKU-1', cause: 'deleted' }]);
  });

  it('a family whose parent has not arrived is a tombstone', () => {
    const orphans = familyOf('SKU-1', variant('S', 3), variant('M', 5));
    assert.deepEqual(summary(familyOffers(grouped, orphans)), ['tombstone SKU-1 (deleted)']);
  });

  it("a parent without a price makes the family a tombstone, whatever the variants' prices", () => {
    const unpriced = skuState('SKU-1', { product: product('SKU-1') });
    const family = applyToFamily(shirtFamily(), 'SKU-1', unpriced);
    assert.deepEqual(summary(familyOffers(grouped, family)), ['tombstone SKU-1 (no-price)']);
  });

  it("the parent's category and brand decide, not the variants'", () => {
    const electronics = channel({
      variants: 'grouped',
      filters: { activeOnly: true, excludeSkus: [], categories: ['Electronics'], brands: ['Nordwand'] },
    });
    assert.deepEqual(summary(familyOffers(electronics, shirtFamily())), ['tombstone SKU-1 (category)']);
    const family = familyOf(
      'SKU-1',
      parent({ category: 'Electronics > Audio' }),
      variant('M', 5, { category: 'Apparel', brand: 'Other' }),
    );
    assert.deepEqual(
      offerOf(familyOffers(electronics, family)).variants.map((v) => v.sku),
      ['SKU-1-M'],
    );
    const otherBrand = applyToFamily(family, 'SKU-1', parent({ category: 'Electronics', brand: 'Other' }));
    assert.deepEqual(summary(familyOffers(electronics, otherBrand)), ['tombstone SKU-1 (brand)']);
  });

  it('an excluded or inactive parent excludes the whole family', () => {
    const excluding = channel({ variants: 'grouped', filters: { activeOnly: true, excludeSkus: ['SKU-1'] } });
    assert.deepEqual(summary(familyOffers(excluding, shirtFamily())), ['tombstone SKU-1 (excluded-sku)']);
    const inactive = applyToFamily(shirtFamily(), 'SKU-1', parent({ active: false }));
    assert.deepEqual(summary(familyOffers(grouped, inactive)), ['tombstone SKU-1 (inactive)']);
  });

  it('a parked parent parks the family key and tombstones it, variants unasked', () => {
    const strict = channel({ variants: 'grouped', requiredFields: ['ean'] });
    const family = familyOf('SKU-1', parent({ ean: null }), variant('M', 5, { ean: null }));
    const outcomes = familyOffers(strict, family);
    assert.deepEqual(summary(outcomes), ['park SKU-1', 'tombstone SKU-1 (parked)']);
    const [park] = outcomes;
    assert.ok(park?.kind === 'park');
    assert.equal(park.reason.message, 'product SKU-1 has no EAN, which channel webshop requires');
  });
});

describe('variants: a variant that cannot be sold is left out', () => {
  const skusOf = (family: FamilyState, config = grouped): string[] =>
    offerOf(familyOffers(config, family)).variants.map((v) => v.sku);

  it('an inactive variant', () => {
    const family = applyToFamily(shirtFamily(), 'SKU-1', variant('M', 5, { active: false }));
    assert.deepEqual(skusOf(family), ['SKU-1-S']);
    assert.equal(offerOf(familyOffers(grouped, family)).quantity, 3);
  });

  it('an excluded variant', () => {
    const excluding = channel({
      variants: 'grouped',
      filters: { activeOnly: true, excludeSkus: ['SKU-1-S'] },
    });
    assert.deepEqual(skusOf(shirtFamily(), excluding), ['SKU-1-M']);
  });

  it('a variant without a price in the channel list', () => {
    const unpriced = skuState('SKU-1-M', {
      product: product('SKU-1-M', { parentSku: 'SKU-1' }),
      prices: [price('SKU-1-M', 'B2B-EUR', '20.00')],
    });
    assert.deepEqual(skusOf(applyToFamily(shirtFamily(), 'SKU-1', unpriced)), ['SKU-1-S']);
  });

  it('a variant in another currency, parked under its own SKU', () => {
    const euro = channel({ variants: 'grouped', currency: 'EUR' });
    const pln = skuState('SKU-1-M', {
      product: product('SKU-1-M', { parentSku: 'SKU-1' }),
      prices: [price('SKU-1-M', 'B2C-EUR', '120.00', 'PLN')],
    });
    const outcomes = familyOffers(euro, applyToFamily(shirtFamily(), 'SKU-1', pln));
    assert.deepEqual(summary(outcomes), ['offer SKU-1', 'park SKU-1-M']);
    assert.deepEqual(
      offerOf(outcomes).variants.map((v) => v.sku),
      ['SKU-1-S'],
    );
  });

  it('a variant lacking a required field, parked under its own SKU so the operator knows which', () => {
    const strict = channel({ variants: 'grouped', requiredFields: ['ean'] });
    const family = applyToFamily(shirtFamily(), 'SKU-1', variant('M', 5, { ean: ' ' }));
    const outcomes = familyOffers(strict, family);
    assert.deepEqual(summary(outcomes), ['offer SKU-1', 'park SKU-1-M']);
    assert.deepEqual(
      offerOf(outcomes).variants.map((v) => v.sku),
      ['SKU-1-S'],
    );
    const park = outcomes[1];
    assert.ok(park?.kind === 'park');
    assert.deepEqual(park.reason, {
      code: 'MISSING_REQUIRED_FIELD',
      message: 'product SKU-1-M has no EAN, which channel webshop requires',
      sku: 'SKU-1-M',
      channel: 'webshop',
      fields: ['ean'],
    });
  });
});

describe('variants: offersFor on a grouped channel', () => {
  it("tombstones a variant's own key, then gives its family's outcomes", () => {
    const outcomes = offersFor(grouped, variant('M', 5), shirtFamily());
    assert.deepEqual(outcomes, [
      { kind: 'tombstone', key: 'SKU-1-M', cause: 'grouped-under-parent' },
      ...familyOffers(grouped, shirtFamily()),
    ]);
  });

  it("gives only the family's outcomes for the parent", () => {
    assert.deepEqual(offersFor(grouped, parent(), shirtFamily()), familyOffers(grouped, shirtFamily()));
  });
});

describe('variants: the regroup stage over time', () => {
  /**
   * The per-SKU stage and the regroup stage as index.ts wires them, with one store for the last
   * written value per key; returns what each change wrote to the grouped channel's topic.
   */
  function regroup(changes: readonly CanonicalChange[]): string[][] {
    const skus = new Map<string, SkuState>();
    const families = new Map<string, FamilyState>();
    const last = new Map<string, string | null>();
    return changes.map((change) => {
      const before = skus.get(change.key.split('\u001f')[0] ?? '');
      const after = applyCanonical(before, change);
      skus.set(after.sku, after);
      const written: string[] = [];
      for (const familySku of familiesTouched(before, after)) {
        const family = applyToFamily(families.get(familySku), familySku, after);
        families.set(familySku, family);
        const { emit, remember } = suppressOutcomes(offersFor(grouped, after, family), (key) =>
          last.get(key),
        );
        for (const [key, value] of remember) last.set(key, value);
        written.push(...summary(emit));
      }
      return written;
    });
  }

  const productChange = (value: Product | null, sku = value?.sku ?? ''): CanonicalChange => ({
    entity: 'product',
    key: productKey(sku),
    value,
  });
  const priceChange = (sku: string, amount: string): CanonicalChange => ({
    entity: 'price',
    key: `${sku}\u001fB2C-EUR`,
    value: price(sku, 'B2C-EUR', amount),
  });

  it('offers a variant only inside its family, follows it to a new parent, and drops it when deleted', () => {
    const written = regroup([
      productChange(product('SKU-1')),
      priceChange('SKU-1', '29.90'),
      productChange(product('SKU-2')),
      priceChange('SKU-2', '39.90'),
      productChange(product('SKU-1-M', { parentSku: 'SKU-1' })),
      priceChange('SKU-1-M', '31.90'),
      productChange(product('SKU-1-M', { parentSku: 'SKU-2' })),
      productChange(null, 'SKU-1-M'),
      productChange(null, 'SKU-2'),
    ]);
    assert.deepEqual(written, [
      [],
      ['offer SKU-1'],
      [],
      ['offer SKU-2'],
      // Without a price the variant is left out: the family's offer is unchanged.
      [],
      ['offer SKU-1'],
      // Moved: both families change, the variant's own key never carries an offer.
      ['offer SKU-1', 'offer SKU-2'],
      ['offer SKU-2'],
      ['tombstone SKU-2 (deleted)'],
    ]);
  });

  it('delists a standalone product under its own key once it becomes a variant', () => {
    const written = regroup([
      productChange(product('SKU-1')),
      priceChange('SKU-1', '29.90'),
      productChange(product('SKU-9')),
      priceChange('SKU-9', '9.90'),
      productChange(product('SKU-9', { parentSku: 'SKU-1' })),
    ]);
    assert.deepEqual(written, [
      [],
      ['offer SKU-1'],
      [],
      ['offer SKU-9'],
      ['tombstone SKU-9 (grouped-under-parent)', 'offer SKU-1'],
    ]);
  });
});
