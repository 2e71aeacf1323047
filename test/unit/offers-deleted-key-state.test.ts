/**
 * The offers processor's state is bounded: once a SKU's canonical records are all tombstoned and
 * its tombstones written to the channels, nothing of it stays in the state. Suppression does not
 * need a "tombstone last written" entry: it decides exactly as for a key never written.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadSynclineConfig } from '../../streams/config/syncline-config.ts';
import { canonicalTopics, priceKey, productKey, stockKey } from '../../streams/contracts/canonical.ts';
import type { OffersConfig } from '../../streams/processors/offers/index.ts';
import type { OfferOutcome } from '../../streams/processors/offers/offer.ts';
import { familyRepartitionTopic, offersProcessor } from '../../streams/processors/offers/offers-processor.ts';
import { suppress } from '../../streams/processors/offers/suppress.ts';
import type { Emission, InputRecord } from '../../streams/runtime/processor.ts';
import type { StateView } from '../../streams/runtime/state/task-state.ts';
import { price, product, stock } from './offers-fixtures.ts';

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

class MemoryState implements StateView {
  readonly rows = new Map<string, unknown>();
  get<T>(table: string, k: string): T | undefined {
    return this.rows.get(`${table}|${k}`) as T | undefined;
  }
  put(table: string, k: string, value: unknown): void {
    this.rows.set(`${table}|${k}`, structuredClone(value));
  }
  delete(table: string, k: string): void {
    this.rows.delete(`${table}|${k}`);
  }
  mentioning(text: string): string[] {
    return [...this.rows].filter(([k, v]) => `${k} ${JSON.stringify(v)}`.includes(text)).map(([k]) => k);
  }
}

let offset = 0;
const input = (topic: string, key: string, value: unknown): InputRecord => ({
  topic,
  partition: 0,
  offset: String((offset += 1)),
  key,
  value,
  headers: {},
  timestampMs: 1_767_225_600_500,
});

/** Runs a record as the engine does, reading the repartition topic's records back in. */
function run(state: StateView, record: InputRecord): Emission[] {
  const processor = offersProcessor(sample);
  const out: Emission[] = [];
  const queue = [record];
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const emission of processor.process(next, { state, restoring: false })) {
      out.push(emission);
      if (emission.kind === 'record' && emission.record.topic === familyRepartitionTopic)
        queue.push(input(familyRepartitionTopic, emission.record.key, emission.record.value));
    }
  }
  return out;
}

const skuOf = (i: number) => `GONE-${String(i).padStart(4, '0')}`;

describe('offers: the state of deleted SKUs', () => {
  it('after N SKUs offered and then deleted, the state holds no entry for them', () => {
    const state = new MemoryState();
    const n = 50;
    let written = 0;
    for (let i = 0; i < n; i += 1) {
      const sku = skuOf(i);
      run(state, input(canonicalTopics.product, productKey(sku), product(sku)));
      for (const warehouse of ['WH-MAIN', 'WH-3PL'])
        run(state, input(canonicalTopics.stock, stockKey(sku, warehouse), stock(sku, warehouse, 20)));
      for (const list of ['B2C-EUR', 'B2B-EUR', 'MKT-EUR'])
        written += run(
          state,
          input(canonicalTopics.price, priceKey(sku, list), price(sku, list, '19.90')),
        ).length;
    }
    assert.ok(written > 0, 'the SKUs were offered to some channel');
    for (let i = 0; i < n; i += 1) {
      const sku = skuOf(i);
      run(state, input(canonicalTopics.product, productKey(sku), null));
      for (const warehouse of ['WH-MAIN', 'WH-3PL'])
        run(state, input(canonicalTopics.stock, stockKey(sku, warehouse), null));
      for (const list of ['B2C-EUR', 'B2B-EUR', 'MKT-EUR'])
        run(state, input(canonicalTopics.price, priceKey(sku, list), null));
    }
    for (let i = 0; i < n; i += 1)
      assert.deepEqual(state.mentioning(skuOf(i)), [], `${skuOf(i)} is still in the state`);
  });

  it('a SKU deleted and created again is offered again, and deleted again is tombstoned once', () => {
    const state = new MemoryState();
    const sku = 'BACK-0001';
    const offer = () => [
      ...run(state, input(canonicalTopics.product, productKey(sku), product(sku))),
      ...run(state, input(canonicalTopics.stock, stockKey(sku, 'WH-MAIN'), stock(sku, 'WH-MAIN', 20))),
      ...run(state, input(canonicalTopics.price, priceKey(sku, 'B2C-EUR'), price(sku, 'B2C-EUR', '9.90'))),
    ];
    const records = (emissions: Emission[], value: 'offer' | 'tombstone') =>
      emissions.filter(
        (e) =>
          e.kind === 'record' &&
          e.record.topic.startsWith('channel.') &&
          (value === 'offer' ? e.record.value !== null : e.record.value === null),
      ).length;
    const first = offer();
    assert.ok(records(first, 'offer') > 0);
    const deleted = run(state, input(canonicalTopics.product, productKey(sku), null));
    const tombstones = records(deleted, 'tombstone');
    assert.ok(tombstones > 0);
    // The product deleted again (a replay got through): no second tombstone.
    assert.equal(records(run(state, input(canonicalTopics.product, productKey(sku), null)), 'tombstone'), 0);
    assert.equal(records(offer(), 'offer'), records(first, 'offer'));
  });

  it('suppression decides the same after a tombstone as for a key never written', () => {
    const outcomes: OfferOutcome[] = [
      { kind: 'offer', key: 'A', value: {} as never, hash: 'h1' },
      { kind: 'tombstone', key: 'A', cause: 'deleted' },
      { kind: 'park', key: 'A', reason: { code: 'X', message: 'x' } },
    ] as OfferOutcome[];
    for (const outcome of outcomes)
      assert.deepEqual(suppress(null, outcome).emit, suppress(undefined, outcome).emit, outcome.kind);
  });
});
