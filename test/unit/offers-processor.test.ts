import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadSynclineConfig } from '../../streams/config/syncline-config.ts';
import {
  canonicalTopics,
  priceKey,
  productKey,
  stockKey,
  type Price,
  type Product,
  type StockLevel,
} from '../../streams/contracts/canonical.ts';
import {
  contentHash,
  type ChannelConfig,
  type FamilyState,
  type Offer,
  type OffersConfig,
  type SkuState,
} from '../../streams/processors/offers/index.ts';
import {
  familyAfter,
  memberState,
  offersInputTopics,
  offersOutputTopics,
  offersProcessor,
} from '../../streams/processors/offers/offers-processor.ts';
import { lineageHeaders } from '../../streams/runtime/lineage-headers.ts';
import type { Emission, InputRecord, Processor } from '../../streams/runtime/processor.ts';
import type { StateView } from '../../streams/runtime/state/task-state.ts';
import { price, product, skuState, stock } from './offers-fixtures.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const sample: OffersConfig = loadSynclineConfig(join(repoRoot, 'infra', 'local', 'syncline.yaml'), {
  SYNCLINE_KAFKA_BROKERS: 'localhost:9092',
  SYNCLINE_SCHEMA_REGISTRY_URL: 'http://localhost:8081',
  SYNCLINE_OPS_DATABASE_URL: 'postgresql://ops@localhost/ops',
  SYNCLINE_MAGENTO_URL: 'http://localhost:8480',
  SYNCLINE_WEBHOOK_URL: 'http://localhost:8490/webhook',
  SYNCLINE_CONNECT_URL: 'http://localhost:8083',
  SYNCLINE_CDC_PG_URL: 'postgresql://debezium@localhost/erp',
  SYNCLINE_ERP_ORDERS_URL: 'postgresql://erp_app@erp-db:5432/erp',
});

const familyTopic = 'syncline.offers.family.v1';
const webshopTopic = 'channel.webshop.offer.v1';
const b2bTopic = 'channel.b2b-portal.offer.v1';
const marketplaceTopic = 'channel.marketplace.offer.v1';
const hashHeader = 'syncline.content-hash';
const us = '\u001f';

const lineage = lineageHeaders({
  source: 'postgres',
  table: 'erp.product',
  position: '38642664',
  txId: '812',
  commitTimeMs: 1_767_225_600_123,
  op: 'u',
});

/** A state store in memory; values are cloned on the way in, as a real store serialises them. */
class MemoryState implements StateView {
  private readonly tables = new Map<string, Map<string, unknown>>();

  get<T>(table: string, key: string): T | undefined {
    return this.tables.get(table)?.get(key) as T | undefined;
  }

  put(table: string, key: string, value: unknown): void {
    let rows = this.tables.get(table);
    if (rows === undefined) {
      rows = new Map();
      this.tables.set(table, rows);
    }
    rows.set(key, structuredClone(value));
  }

  delete(table: string, key: string): void {
    this.tables.get(table)?.delete(key);
  }

  /** Every table, keys sorted, empty tables left out: comparable with deepEqual. */
  snapshot(): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const name of [...this.tables.keys()].sort()) {
      const rows = this.tables.get(name) ?? new Map<string, unknown>();
      if (rows.size === 0) continue;
      out[name] = Object.fromEntries([...rows.keys()].sort().map((key) => [key, rows.get(key)]));
    }
    return out;
  }
}

let nextOffset = 0;
function input(topic: string, key: string | null, value: unknown, headers = lineage): InputRecord {
  nextOffset += 1;
  return {
    topic,
    partition: 0,
    offset: String(nextOffset),
    key,
    value,
    headers,
    timestampMs: 1_767_225_600_500,
  };
}

const productIn = (sku: string, value: Product | null): InputRecord =>
  input(canonicalTopics.product, productKey(sku), value);
const stockIn = (sku: string, warehouse: string, value: StockLevel | null): InputRecord =>
  input(canonicalTopics.stock, stockKey(sku, warehouse), value);
const priceIn = (sku: string, priceList: string, value: Price | null): InputRecord =>
  input(canonicalTopics.price, priceKey(sku, priceList), value);

/**
 * The processor with its own state, run as the engine runs it: each record written to the
 * repartition topic is read back as input (same state, as if the family's task were this one).
 * `log` keeps every input in order, to replay it.
 */
class Harness {
  readonly state = new MemoryState();
  readonly log: InputRecord[] = [];
  readonly processor: Processor;

  constructor(config: OffersConfig = sample) {
    this.processor = offersProcessor(config);
  }

  /** The direct emissions of one record, nothing fed back. */
  once(record: InputRecord, restoring = false): readonly Emission[] {
    this.log.push(record);
    return this.processor.process(record, { state: this.state, restoring });
  }

  /** The record and everything it causes through the repartition topic. */
  run(record: InputRecord): Emission[] {
    const all: Emission[] = [];
    const queue = [record];
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      for (const emission of this.once(next)) {
        all.push(emission);
        if (emission.kind === 'record' && emission.record.topic === familyTopic) {
          queue.push(input(familyTopic, emission.record.key, emission.record.value, next.headers));
        }
      }
    }
    return all;
  }
}

/** Records written to one topic, as [key, value]. */
const written = (emissions: readonly Emission[], topic: string): [string, unknown][] =>
  emissions.flatMap((e) =>
    e.kind === 'record' && e.record.topic === topic ? [[e.record.key, e.record.value]] : [],
  );

const parks = (emissions: readonly Emission[]) =>
  emissions.flatMap((e) => (e.kind === 'park' ? [e.reason] : []));

/** The single record written to `topic`. */
function onlyRecord(emissions: readonly Emission[], topic: string) {
  const records = emissions.flatMap((e) =>
    e.kind === 'record' && e.record.topic === topic ? [e.record] : [],
  );
  assert.equal(records.length, 1, JSON.stringify(emissions));
  const [only] = records;
  assert.ok(only !== undefined);
  return only;
}

/** Standalone SKU-1, sellable on every channel: own stock in each warehouse, a price in each list. */
function sellEverywhere(h: Harness, sku = 'SKU-1'): void {
  h.run(productIn(sku, product(sku, { attributes: { color: 'black' } })));
  h.run(stockIn(sku, 'WH-MAIN', stock(sku, 'WH-MAIN', 10, 1)));
  h.run(stockIn(sku, 'WH-SOUTH', stock(sku, 'WH-SOUTH', 4)));
  h.run(stockIn(sku, 'WH-3PL', stock(sku, 'WH-3PL', 20, 2)));
  h.run(priceIn(sku, 'B2C-EUR', price(sku, 'B2C-EUR', '19.90')));
  h.run(priceIn(sku, 'B2B-EUR', price(sku, 'B2B-EUR', '12.50')));
  h.run(priceIn(sku, 'MKT-EUR', price(sku, 'MKT-EUR', '21.00')));
}

describe('offersInputTopics and offersOutputTopics', () => {
  it('reads the canonical topics, and the repartition topic when a channel groups', () => {
    assert.deepEqual(offersInputTopics(sample), [
      'catalog.product.v1',
      'catalog.stock.v1',
      'catalog.price.v1',
      'syncline.offers.family.v1',
    ]);
    assert.deepEqual(offersOutputTopics(sample), {
      compacted: [webshopTopic, b2bTopic, marketplaceTopic, familyTopic],
      dlq: [
        'channel.webshop.dlq.v1',
        'channel.b2b-portal.dlq.v1',
        'channel.marketplace.dlq.v1',
        'syncline.offers.dlq.v1',
      ],
    });
  });

  it('leaves the repartition topic out when every channel is flat', () => {
    const flat: OffersConfig = { channels: sample.channels.filter((c) => c.variants === 'flat') };
    assert.deepEqual(offersInputTopics(flat), ['catalog.product.v1', 'catalog.stock.v1', 'catalog.price.v1']);
    assert.deepEqual(offersOutputTopics(flat), {
      compacted: [b2bTopic, marketplaceTopic],
      dlq: ['channel.b2b-portal.dlq.v1', 'channel.marketplace.dlq.v1', 'syncline.offers.dlq.v1'],
    });
    assert.deepEqual(offersProcessor(flat).inputTopics, offersInputTopics(flat));
  });

  it('changes the state signature with the channels', () => {
    const a = offersProcessor(sample).stateSignature;
    const changed: ChannelConfig[] = sample.channels.map((c) =>
      c.id === 'webshop' ? { ...c, safetyStock: 3 } : c,
    );
    assert.match(a, /^offers-v3\|[0-9a-f]{16}$/);
    assert.equal(offersProcessor(sample).stateSignature, a);
    assert.notEqual(offersProcessor({ channels: changed }).stateSignature, a);
  });
});

describe('memberState and familyAfter', () => {
  const parent = skuState('P-1', { product: product('P-1') });
  const variant = skuState('V-1', { product: product('V-1', { parentSku: 'P-1' }) });

  it('records a parent in its own family and a variant in its parent family only', () => {
    assert.equal(memberState('P-1', parent), parent);
    assert.equal(memberState('P-1', variant), variant);
    assert.equal(memberState('V-1', variant), null);
    assert.equal(memberState('P-2', variant), null);
    assert.equal(memberState('P-1', skuState('P-1', { product: null })), null);
    // Stock without a product is not empty state, but names no family but its own.
    const stockOnly = skuState('P-1', { stock: [stock('P-1', 'WH-MAIN', 3)] });
    assert.equal(memberState('P-1', stockOnly), stockOnly);
  });

  it('adds a member, removes a departed variant, and clears the parent', () => {
    const withBoth = familyAfter(familyAfter(undefined, 'P-1', 'P-1', parent), 'P-1', 'V-1', variant);
    assert.deepEqual(withBoth, { sku: 'P-1', parent, variants: { 'V-1': variant } });
    assert.deepEqual(familyAfter(withBoth, 'P-1', 'V-1', null), { sku: 'P-1', parent, variants: {} });
    assert.deepEqual(familyAfter(withBoth, 'P-1', 'P-1', null), {
      sku: 'P-1',
      parent: null,
      variants: { 'V-1': variant },
    });
    assert.deepEqual(familyAfter(undefined, 'P-9', 'V-9', null), { sku: 'P-9', parent: null, variants: {} });
  });
});

describe('offersProcessor: flat channels', () => {
  it('writes the offer with the input lineage and its content hash', () => {
    const h = new Harness();
    h.run(productIn('SKU-1', product('SKU-1', { attributes: { color: 'black' } })));
    h.run(stockIn('SKU-1', 'WH-MAIN', stock('SKU-1', 'WH-MAIN', 10, 1)));
    const emissions = h.once(priceIn('SKU-1', 'B2B-EUR', price('SKU-1', 'B2B-EUR', '12.50')));
    const expected: Offer = {
      channel: 'b2b-portal',
      sku: 'SKU-1',
      parentSku: null,
      name: 'Product SKU-1',
      description: 'A product.',
      ean: '2000000000015',
      brand: 'Nordwand',
      category: 'Apparel > T-Shirts',
      attributes: { color: 'black' },
      price: { amount: '12.50', currency: 'EUR' },
      quantity: 9,
      variants: [],
      fields: { gtin: '2000000000015', manufacturer: 'Nordwand' },
    };
    assert.deepEqual(emissions[0], {
      kind: 'record',
      record: {
        topic: b2bTopic,
        key: 'SKU-1',
        value: expected,
        headers: {
          'syncline.source': 'postgres',
          'syncline.table': 'erp.product',
          'syncline.position': '38642664',
          'syncline.tx-id': '812',
          'syncline.commit-ms': '1767225600123',
          'syncline.op': 'u',
          [hashHeader]: contentHash(expected),
        },
      },
    });
    // The grouped channel hears of it through the repartition topic, and nothing else is written.
    assert.deepEqual(
      emissions.slice(1).map((e) => (e.kind === 'record' ? [e.record.topic, e.record.key] : e.kind)),
      [[familyTopic, `SKU-1${us}SKU-1`]],
    );
  });

  it('carries only the lineage headers of the input over', () => {
    const h = new Harness();
    h.run(productIn('SKU-1', product('SKU-1')));
    const record = {
      ...priceIn('SKU-1', 'B2B-EUR', price('SKU-1', 'B2B-EUR', '12.50')),
      headers: { 'syncline.source': 'postgres', 'x-trace': 'abc' },
    };
    const offer = onlyRecord(h.run(record), b2bTopic);
    assert.deepEqual(Object.keys(offer.headers ?? {}).sort(), [hashHeader, 'syncline.source']);
  });

  it('writes nothing to a channel when its view is unchanged', () => {
    const h = new Harness();
    sellEverywhere(h);
    const again = h.run(priceIn('SKU-1', 'B2B-EUR', price('SKU-1', 'B2B-EUR', '12.50')));
    // Only the repartition record: the channels' views are what they were.
    assert.deepEqual(
      again.map((e) => (e.kind === 'record' ? [e.record.topic, e.record.key] : e.kind)),
      [[familyTopic, `SKU-1${us}SKU-1`]],
    );
    // A change no offer shows (the row's timestamp) is suppressed too.
    const touched = h.run(
      stockIn('SKU-1', 'WH-MAIN', { ...stock('SKU-1', 'WH-MAIN', 10, 1), updatedAtMs: 5 }),
    );
    assert.deepEqual(written(touched, b2bTopic), []);
    assert.deepEqual(written(touched, webshopTopic), []);
    assert.deepEqual(written(touched, marketplaceTopic), []);
  });

  it('writes nothing to a channel that does not sell from the warehouse whose stock changed', () => {
    const h = new Harness();
    sellEverywhere(h);
    // WH-SOUTH: only b2b-portal sells from it.
    const south = h.run(stockIn('SKU-1', 'WH-SOUTH', stock('SKU-1', 'WH-SOUTH', 7)));
    assert.equal((onlyRecord(south, b2bTopic).value as Offer).quantity, 9 + 7);
    assert.deepEqual(written(south, webshopTopic), []);
    assert.deepEqual(written(south, marketplaceTopic), []);
    // WH-3PL: webshop (grouped) and marketplace sell from it, b2b-portal does not.
    const thirdParty = h.run(stockIn('SKU-1', 'WH-3PL', stock('SKU-1', 'WH-3PL', 30, 2)));
    assert.deepEqual(written(thirdParty, b2bTopic), []);
    assert.equal((onlyRecord(thirdParty, marketplaceTopic).value as Offer).quantity, 28 - 5);
    assert.equal((onlyRecord(thirdParty, webshopTopic).value as Offer).quantity, 9 + 28 - 2);
    assert.deepEqual(parks(south), []);
    assert.deepEqual(parks(thirdParty), []);
  });

  it('turns a product tombstone into channel tombstones, once', () => {
    const h = new Harness();
    sellEverywhere(h);
    const deleted = h.run(productIn('SKU-1', null));
    assert.deepEqual(
      deleted.filter((e) => e.kind === 'record' && e.record.topic !== familyTopic),
      [
        { kind: 'record', record: { topic: b2bTopic, key: 'SKU-1', value: null } },
        { kind: 'record', record: { topic: marketplaceTopic, key: 'SKU-1', value: null } },
        { kind: 'record', record: { topic: webshopTopic, key: 'SKU-1', value: null } },
      ],
    );
    const again = h.run(productIn('SKU-1', null));
    assert.deepEqual(
      again.filter((e) => e.kind !== 'record' || e.record.topic !== familyTopic),
      [],
    );
  });
});

describe('offersProcessor: grouped channels', () => {
  it('writes a SKU state to the repartition topic keyed <family>\\u001f<SKU>', () => {
    const h = new Harness();
    const variantProduct = product('V-1', { parentSku: 'P-1', attributes: { color: 'red', size: 'M' } });
    const emissions = h.once(productIn('V-1', variantProduct));
    const state: SkuState = { sku: 'V-1', product: variantProduct, stock: {}, prices: {} };
    // The variant's own key as a family is a tombstone: it lives inside P-1's.
    assert.deepEqual(emissions, [
      { kind: 'record', record: { topic: familyTopic, key: `P-1${us}V-1`, value: state } },
      { kind: 'record', record: { topic: familyTopic, key: `V-1${us}V-1`, value: null } },
    ]);
  });

  it('reads the repartition records back into the family offer keyed by the parent', () => {
    const h = new Harness();
    const variantProduct = product('V-1', { parentSku: 'P-1', attributes: { color: 'red', size: 'M' } });
    const parentProduct = product('P-1', { name: 'T-shirt', attributes: { color: 'mixed' } });
    h.run(productIn('V-1', variantProduct));
    h.run(stockIn('V-1', 'WH-MAIN', stock('V-1', 'WH-MAIN', 10)));
    h.run(stockIn('V-1', 'WH-3PL', stock('V-1', 'WH-3PL', 4)));
    h.run(priceIn('V-1', 'B2C-EUR', price('V-1', 'B2C-EUR', '24.90')));
    h.run(priceIn('P-1', 'B2C-EUR', price('P-1', 'B2C-EUR', '19.90')));

    // The parent's product arrives: its per-SKU stage writes P-1's own member record ...
    const stage1 = h.once(productIn('P-1', parentProduct));
    const parentState = h.state.get<SkuState>('sku', 'P-1');
    assert.deepEqual(parentState, {
      sku: 'P-1',
      product: parentProduct,
      stock: {},
      prices: { 'B2C-EUR': price('P-1', 'B2C-EUR', '19.90') },
    });
    assert.deepEqual(written(stage1, familyTopic), [[`P-1${us}P-1`, parentState]]);

    // ... which, read back, gives the family's offer with the variant inside.
    const stage2 = h.once(input(familyTopic, `P-1${us}P-1`, parentState));
    const expected: Offer = {
      channel: 'webshop',
      sku: 'P-1',
      parentSku: null,
      name: 'T-shirt',
      description: 'A product.',
      ean: '2000000000015',
      brand: 'Nordwand',
      category: 'Apparel > T-Shirts',
      attributes: { color: 'mixed' },
      price: { amount: '19.90', currency: 'EUR' },
      quantity: 12,
      variants: [
        {
          sku: 'V-1',
          name: 'Product V-1',
          ean: '2000000000015',
          attributes: { color: 'red', size: 'M' },
          price: { amount: '24.90', currency: 'EUR' },
          quantity: 10 + 4 - 2,
          fields: { color: 'red', size: 'M' },
        },
      ],
      fields: { color: 'mixed', size: null },
    };
    assert.deepEqual(stage2, [
      {
        kind: 'record',
        record: {
          topic: webshopTopic,
          key: 'P-1',
          value: expected,
          headers: { ...lineage, [hashHeader]: contentHash(expected) },
        },
      },
    ]);
    assert.deepEqual(h.state.get<FamilyState>('family', 'P-1')?.variants['V-1']?.prices, {
      'B2C-EUR': price('V-1', 'B2C-EUR', '24.90'),
    });
  });

  it('sends a departure for the old family when a variant moves to another parent', () => {
    const h = new Harness();
    h.run(productIn('P-1', product('P-1')));
    h.run(priceIn('P-1', 'B2C-EUR', price('P-1', 'B2C-EUR', '19.90')));
    h.run(productIn('V-1', product('V-1', { parentSku: 'P-1' })));
    h.run(priceIn('V-1', 'B2C-EUR', price('V-1', 'B2C-EUR', '24.90')));
    assert.deepEqual(Object.keys(h.state.get<FamilyState>('family', 'P-1')?.variants ?? {}), ['V-1']);

    const moved = product('V-1', { parentSku: 'P-2' });
    const stage1 = h.once(productIn('V-1', moved));
    assert.deepEqual(written(stage1, familyTopic), [
      [`P-1${us}V-1`, null],
      [
        `P-2${us}V-1`,
        { sku: 'V-1', product: moved, stock: {}, prices: { 'B2C-EUR': price('V-1', 'B2C-EUR', '24.90') } },
      ],
      [`V-1${us}V-1`, null],
    ]);

    // Read back: P-1's offer loses the variant; P-2 has no parent yet, so nothing is offered for it.
    const departure = h.once(input(familyTopic, `P-1${us}V-1`, null));
    assert.deepEqual((onlyRecord(departure, webshopTopic).value as Offer).variants, []);
    assert.equal(onlyRecord(departure, webshopTopic).key, 'P-1');
    assert.deepEqual(h.state.get<FamilyState>('family', 'P-1')?.variants, {});
    const arrival = h.once(input(familyTopic, `P-2${us}V-1`, h.state.get<SkuState>('sku', 'V-1') ?? null));
    assert.deepEqual(arrival, []);
    assert.deepEqual(Object.keys(h.state.get<FamilyState>('family', 'P-2')?.variants ?? {}), ['V-1']);
  });

  it('parks a repartition record without a <family>\\u001f<SKU> key', () => {
    const h = new Harness();
    for (const key of [null, 'P-1', `${us}V-1`]) {
      const emissions = h.once(input(familyTopic, key, null));
      assert.equal(emissions.length, 1);
      const [park] = parks(emissions);
      assert.equal(park?.code, 'BAD_FAMILY_KEY');
      assert.equal(
        park?.message,
        `a syncline.offers.family.v1 record has the key ${String(key)}, expected <family SKU>\\u001f<SKU>`,
      );
    }
  });
});

describe('offersProcessor: parks', () => {
  it('parks a product once per problem, and again after it was fixed and broke again', () => {
    const h = new Harness();
    const noEan = product('M-1', { ean: null });
    const first = h.run(productIn('M-1', noEan));
    const expectedPark = {
      code: 'MISSING_REQUIRED_FIELD',
      message: 'product M-1 has no EAN, which channel marketplace requires',
      sku: 'M-1',
      channel: 'marketplace',
      fields: ['ean'],
    };
    assert.deepEqual(parks(first), [expectedPark]);
    assert.equal(h.processor.dlqTopic(expectedPark), 'channel.marketplace.dlq.v1');
    // Nothing was ever offered under the key, so its tombstone is not written.
    assert.deepEqual(written(first, marketplaceTopic), []);

    // Its stock and price change: still the same problem, not parked again.
    assert.deepEqual(parks(h.run(stockIn('M-1', 'WH-3PL', stock('M-1', 'WH-3PL', 20)))), []);
    assert.deepEqual(parks(h.run(priceIn('M-1', 'MKT-EUR', price('M-1', 'MKT-EUR', '21.00')))), []);
    assert.deepEqual(parks(h.run(stockIn('M-1', 'WH-3PL', stock('M-1', 'WH-3PL', 18)))), []);

    // The ERP fills the EAN: the offer goes out.
    const fixed = h.run(productIn('M-1', { ...noEan, ean: '4006381333931' }));
    assert.deepEqual(parks(fixed), []);
    const offer = onlyRecord(fixed, marketplaceTopic).value as Offer;
    assert.equal(offer.ean, '4006381333931');
    assert.equal(offer.quantity, 18 - 5);

    // The EAN is blanked again: parked again, and the live offer is withdrawn.
    const broken = h.run(productIn('M-1', { ...noEan, ean: ' ' }));
    assert.deepEqual(parks(broken), [expectedPark]);
    assert.deepEqual(written(broken, marketplaceTopic), [['M-1', null]]);
    assert.deepEqual(parks(h.run(stockIn('M-1', 'WH-3PL', stock('M-1', 'WH-3PL', 17)))), []);

    // Another problem is news: parked with its own sentence.
    const worse = h.run(productIn('M-1', { ...noEan, brand: null }));
    assert.deepEqual(parks(worse), [
      {
        ...expectedPark,
        message: 'product M-1 has no EAN and no brand, which channel marketplace requires',
        fields: ['ean', 'brand'],
      },
    ]);
  });

  it('parks a variant of a grouped channel once per problem, remembered by its family', () => {
    const grouped: ChannelConfig = {
      ...(sample.channels.find((c) => c.id === 'webshop') as ChannelConfig),
      requiredFields: ['ean'],
    };
    const h = new Harness({ channels: [grouped] });
    h.run(productIn('P-1', product('P-1')));
    h.run(priceIn('P-1', 'B2C-EUR', price('P-1', 'B2C-EUR', '19.90')));
    h.run(priceIn('P-1-A', 'B2C-EUR', price('P-1-A', 'B2C-EUR', '24.90')));
    const noEan = product('P-1-A', { parentSku: 'P-1', ean: null });
    const expectedPark = {
      code: 'MISSING_REQUIRED_FIELD',
      message: 'product P-1-A has no EAN, which channel webshop requires',
      sku: 'P-1-A',
      channel: 'webshop',
      fields: ['ean'],
    };
    assert.deepEqual(parks(h.run(productIn('P-1-A', noEan))), [expectedPark]);
    assert.equal(h.state.get('parked', `webshop${us}P-1${us}P-1-A`), expectedPark.message);
    // Changes of the variant (which also tombstone its own SKU as a family) and of the parent.
    assert.deepEqual(parks(h.run(stockIn('P-1-A', 'WH-MAIN', stock('P-1-A', 'WH-MAIN', 3)))), []);
    assert.deepEqual(parks(h.run(stockIn('P-1-A', 'WH-MAIN', stock('P-1-A', 'WH-MAIN', 4)))), []);
    assert.deepEqual(parks(h.run(priceIn('P-1', 'B2C-EUR', price('P-1', 'B2C-EUR', '18.90')))), []);

    const fixed = h.run(productIn('P-1-A', { ...noEan, ean: '4006381333931' }));
    assert.deepEqual(parks(fixed), []);
    assert.deepEqual(
      (onlyRecord(fixed, webshopTopic).value as Offer).variants.map((v) => v.sku),
      ['P-1-A'],
    );
    assert.equal(h.state.get('parked', `webshop${us}P-1${us}P-1-A`), undefined);
    assert.deepEqual(parks(h.run(productIn('P-1-A', noEan))), [expectedPark]);

    // Leaving the family ends the park there.
    h.run(productIn('P-1-A', { ...noEan, parentSku: 'P-2' }));
    assert.equal(h.state.get('parked', `webshop${us}P-1${us}P-1-A`), undefined);
  });

  it('parks a canonical record without a key to the processor DLQ', () => {
    const h = new Harness();
    const emissions = h.once(input(canonicalTopics.product, null, product('SKU-1')));
    assert.deepEqual(emissions, [
      {
        kind: 'park',
        reason: {
          code: 'NO_KEY',
          message: 'a catalog.product.v1 record has no key; canonical records are keyed by SKU',
        },
      },
    ]);
    const [reason] = parks(emissions);
    assert.ok(reason !== undefined);
    assert.equal(h.processor.dlqTopic(reason), 'syncline.offers.dlq.v1');
    assert.deepEqual(h.state.snapshot(), {});
  });

  it('throws on a topic it does not read', () => {
    const h = new Harness();
    assert.throws(() => h.once(input('erp.postgres.erp.product', 'SKU-1', null)), {
      name: 'Error',
      message: 'the offers processor does not read erp.postgres.erp.product',
    });
  });
});

describe('offersProcessor: restore', () => {
  it('builds the same state when replaying with emissions dropped', () => {
    const live = new Harness();
    sellEverywhere(live, 'SKU-1');
    live.run(productIn('P-1', product('P-1')));
    live.run(priceIn('P-1', 'B2C-EUR', price('P-1', 'B2C-EUR', '19.90')));
    live.run(productIn('V-1', product('V-1', { parentSku: 'P-1', attributes: { size: 'S' } })));
    live.run(priceIn('V-1', 'B2C-EUR', price('V-1', 'B2C-EUR', '24.90')));
    live.run(stockIn('V-1', 'WH-MAIN', stock('V-1', 'WH-MAIN', 5)));
    live.run(productIn('M-1', product('M-1', { ean: null })));
    live.run(priceIn('M-1', 'MKT-EUR', price('M-1', 'MKT-EUR', '21.00')));
    live.run(productIn('V-1', product('V-1', { parentSku: 'P-2' })));
    live.run(productIn('SKU-1', null));
    live.run(stockIn('SKU-1', 'WH-SOUTH', null));

    const restored = new Harness();
    for (const record of live.log) restored.once(record, true);

    const tables = live.state.snapshot();
    assert.deepEqual(restored.state.snapshot(), tables);
    // The comparison is not vacuous: every table holds something.
    assert.deepEqual(Object.keys(tables), ['family', 'last', 'parked', 'sku']);
    assert.equal(
      (tables.parked ?? {})[`marketplace${us}M-1`],
      'product M-1 has no EAN, which channel marketplace requires',
    );
    // SKU-1 was deleted: its tombstone last written is not kept.
    assert.equal(Object.hasOwn(tables.last ?? {}, `b2b-portal${us}SKU-1`), false);
  });
});
