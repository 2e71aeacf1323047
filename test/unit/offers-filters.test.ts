import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { categoryAllowed } from '../../streams/processors/offers/channel-filters.ts';
import { filteredOut, skuOffers, type ChannelFilters } from '../../streams/processors/offers/index.ts';
import { channel, offerOf, product, sellable, summary } from './offers-fixtures.ts';

const filters = (overrides: Partial<ChannelFilters> = {}): ChannelFilters => ({
  activeOnly: true,
  excludeSkus: [],
  ...overrides,
});

describe('channel filters: activeOnly', () => {
  it('lets an active product through', () => {
    assert.equal(filteredOut(filters(), product('SKU-1')), null);
  });

  it('turns away an inactive product', () => {
    assert.equal(filteredOut(filters(), product('SKU-1', { active: false })), 'inactive');
  });

  it('lets an inactive product through when activeOnly is false', () => {
    assert.equal(filteredOut(filters({ activeOnly: false }), product('SKU-1', { active: false })), null);
  });
});

describe('channel filters: excludeSkus', () => {
  it('turns away an excluded SKU, and only that one', () => {
    const excluding = filters({ excludeSkus: ['SKU-13', 'SKU-14'] });
    assert.equal(filteredOut(excluding, product('SKU-13')), 'excluded-sku');
    assert.equal(filteredOut(excluding, product('SKU-14')), 'excluded-sku');
    assert.equal(filteredOut(excluding, product('SKU-1')), null);
    assert.equal(filteredOut(excluding, product('SKU-130')), null);
  });
});

describe('channel filters: categories', () => {
  it('admits the category itself and its subcategories at any depth', () => {
    assert.equal(categoryAllowed(['Apparel'], 'Apparel'), true);
    assert.equal(categoryAllowed(['Apparel'], 'Apparel > T-Shirts'), true);
    assert.equal(categoryAllowed(['Apparel'], 'Apparel > T-Shirts > Kids'), true);
    assert.equal(categoryAllowed(['Apparel > T-Shirts'], 'Apparel > T-Shirts > Kids'), true);
  });

  it('does not admit a category that merely starts with the same text, a parent or a sibling', () => {
    assert.equal(categoryAllowed(['Home'], 'Homeware'), false);
    assert.equal(categoryAllowed(['Home'], 'Home >Kitchen'), false);
    assert.equal(categoryAllowed(['Apparel > T'], 'Apparel > T-Shirts'), false);
    assert.equal(categoryAllowed(['Apparel > T-Shirts'], 'Apparel'), false);
    assert.equal(categoryAllowed(['Apparel > T-Shirts'], 'Apparel > Jackets'), false);
    assert.equal(categoryAllowed(['Apparel'], 'Electronics > Apparel'), false);
  });

  it('does not admit a product without a category', () => {
    assert.equal(categoryAllowed(['Apparel'], null), false);
  });

  it('admits any entry of the list', () => {
    const allowed = filters({ categories: ['Electronics', 'Home > Kitchen'] });
    assert.equal(filteredOut(allowed, product('A', { category: 'Electronics > Audio' })), null);
    assert.equal(filteredOut(allowed, product('B', { category: 'Home > Kitchen' })), null);
    assert.equal(filteredOut(allowed, product('C', { category: 'Home > Garden' })), 'category');
    assert.equal(filteredOut(allowed, product('D', { category: null })), 'category');
  });

  it('admits every category when absent', () => {
    assert.equal(filteredOut(filters(), product('A', { category: null })), null);
    assert.equal(filteredOut(filters(), product('A', { category: 'Anything' })), null);
  });
});

describe('channel filters: brands', () => {
  const brands = filters({ brands: ['Nordwand', 'Kestrel'] });

  it('admits a listed brand, compared exactly', () => {
    assert.equal(filteredOut(brands, product('A', { brand: 'Kestrel' })), null);
    assert.equal(filteredOut(brands, product('A', { brand: 'kestrel' })), 'brand');
    assert.equal(filteredOut(brands, product('A', { brand: 'Kestrel ' })), 'brand');
    assert.equal(filteredOut(brands, product('A', { brand: 'Other' })), 'brand');
  });

  it('turns away a product without a brand', () => {
    assert.equal(filteredOut(brands, product('A', { brand: null })), 'brand');
  });

  it('admits every brand when absent', () => {
    assert.equal(filteredOut(filters(), product('A', { brand: null })), null);
  });
});

describe('channel filters: precedence', () => {
  it('reports the first filter that turns the product away: inactive, excluded, category, brand', () => {
    const all = filters({ excludeSkus: ['A'], categories: ['Home'], brands: ['Kestrel'] });
    const bad = product('A', { active: false, category: 'Apparel', brand: 'Other' });
    assert.equal(filteredOut(all, bad), 'inactive');
    assert.equal(filteredOut(all, { ...bad, active: true }), 'excluded-sku');
    assert.equal(filteredOut(all, { ...bad, active: true, sku: 'B' }), 'category');
    assert.equal(filteredOut(all, { ...bad, active: true, sku: 'B', category: 'Home' }), 'brand');
    assert.equal(
      filteredOut(all, { ...bad, active: true, sku: 'B', category: 'Home', brand: 'Kestrel' }),
      null,
    );
  });
});

describe('channel filters: in the offer', () => {
  it('turns a filtered product into a tombstone naming the filter', () => {
    const cases: [Parameters<typeof channel>[0], ReturnType<typeof sellable>, string][] = [
      [{}, sellable('SKU-1', { active: false }), 'tombstone SKU-1 (inactive)'],
      [{ filters: filters({ excludeSkus: ['SKU-1'] }) }, sellable('SKU-1'), 'tombstone SKU-1 (excluded-sku)'],
      [
        { filters: filters({ categories: ['Electronics'] }) },
        sellable('SKU-1'),
        'tombstone SKU-1 (category)',
      ],
      [{ filters: filters({ brands: ['Kestrel'] }) }, sellable('SKU-1'), 'tombstone SKU-1 (brand)'],
    ];
    for (const [config, state, expected] of cases) {
      assert.deepEqual(summary(skuOffers(channel(config), state)), [expected]);
    }
  });

  it('offers a product every filter admits', () => {
    const admitting = channel({
      filters: filters({ categories: ['Apparel'], brands: ['Nordwand'], excludeSkus: ['SKU-2'] }),
    });
    assert.equal(offerOf(skuOffers(admitting, sellable('SKU-1'))).sku, 'SKU-1');
  });

  it('offers an inactive product on a channel that does not ask for active ones', () => {
    const all = channel({ filters: filters({ activeOnly: false }) });
    assert.equal(offerOf(skuOffers(all, sellable('SKU-1', { active: false }))).sku, 'SKU-1');
  });

  it('delists a filtered product rather than parking it, even when it lacks a required field', () => {
    const strict = channel({ requiredFields: ['ean'] });
    assert.deepEqual(summary(skuOffers(strict, sellable('SKU-1', { active: false, ean: null }))), [
      'tombstone SKU-1 (inactive)',
    ]);
  });
});
