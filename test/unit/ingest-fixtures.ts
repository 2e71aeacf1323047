/**
 * Shared by the ingest tests: the sample config of the local stack (PostgreSQL is the ERP, MariaDB
 * a 3PL's WMS owning only WH-3PL's stock) and change events shaped as Debezium 3.2 writes them with
 * the JsonConverter, schemas disabled, `decimal.handling.mode=string`.
 */
import assert from 'node:assert/strict';
import type { CanonicalRecord } from '../../streams/contracts/canonical.ts';
import type { IngestConfig, IngestOutcome } from '../../streams/processors/ingest/index.ts';

export function recordsOf(outcome: IngestOutcome): readonly CanonicalRecord[] {
  assert.equal(outcome.kind, 'records', JSON.stringify(outcome));
  return outcome.kind === 'records' ? outcome.records : [];
}

export function parked(outcome: IngestOutcome): Extract<IngestOutcome, { kind: 'park' }> {
  assert.equal(outcome.kind, 'park', JSON.stringify(outcome));
  return outcome;
}

export const sampleConfig: IngestConfig = {
  sources: [
    {
      id: 'postgres',
      topicPrefix: 'erp.postgres',
      owns: { entities: ['product', 'stock', 'price'], warehouses: ['WH-MAIN', 'WH-SOUTH'] },
      tables: {
        'erp.product': {
          entity: 'product',
          columns: {
            sku: 'sku',
            parentSku: 'parent_sku',
            name: 'name',
            description: 'description',
            ean: 'ean',
            brand: 'brand',
            category: 'category',
            attributes: 'attributes',
            active: 'active',
            updatedAt: 'updated_at',
          },
        },
        'erp.stock_level': {
          entity: 'stock',
          columns: {
            sku: 'sku',
            warehouse: 'warehouse_code',
            onHand: 'on_hand',
            reserved: 'reserved',
            updatedAt: 'updated_at',
          },
        },
        'erp.price': {
          entity: 'price',
          columns: { sku: 'sku', priceList: 'price_list_code', amount: 'amount', updatedAt: 'updated_at' },
          currencyByPriceList: { 'B2C-EUR': 'EUR', 'B2B-EUR': 'EUR', 'MKT-EUR': 'EUR', 'B2C-PLN': 'PLN' },
        },
      },
    },
    {
      id: 'mariadb',
      topicPrefix: 'erp.mariadb',
      owns: { entities: ['stock'], warehouses: ['WH-3PL'] },
      tables: {
        'erp.product': {
          entity: 'product',
          columns: { sku: 'sku', name: 'name', active: 'active' },
        },
        'erp.stock_level': {
          entity: 'stock',
          columns: {
            sku: 'sku',
            warehouse: 'warehouse_code',
            onHand: 'on_hand',
            reserved: 'reserved',
            updatedAt: 'updated_at',
          },
        },
      },
    },
  ],
};

type Row = Record<string, unknown>;
type Op = 'r' | 'c' | 'u' | 'd' | 't';

export interface PgOptions {
  readonly op: Op;
  readonly table: string;
  readonly before?: Row | null;
  readonly after?: Row | null;
  readonly lsn?: number;
  readonly lastCommitLsn?: number | null;
  readonly txId?: number;
  readonly tsMs?: number;
  readonly snapshot?: string;
}

/** A PostgreSQL connector change event value, as the JSON text on the topic. */
export function pgValue(options: PgOptions): string {
  const lsn = options.lsn ?? 38_642_664;
  const tsMs = options.tsMs ?? 1_767_225_600_123;
  const lastCommit = options.lastCommitLsn === undefined ? lsn - 200 : options.lastCommitLsn;
  return JSON.stringify({
    before: options.before ?? null,
    after: options.after ?? null,
    source: {
      version: '3.2.0.Final',
      connector: 'postgresql',
      name: 'erp.postgres',
      ts_ms: tsMs,
      snapshot: options.snapshot ?? (options.op === 'r' ? 'true' : 'false'),
      db: 'erp',
      sequence: JSON.stringify([lastCommit === null ? null : String(lastCommit), String(lsn)]),
      ts_us: tsMs * 1000,
      ts_ns: tsMs * 1_000_000,
      schema: 'erp',
      table: options.table,
      txId: options.txId ?? 812,
      lsn,
      xmin: null,
    },
    transaction: null,
    op: options.op,
    ts_ms: tsMs + 40,
    ts_us: (tsMs + 40) * 1000,
    ts_ns: (tsMs + 40) * 1_000_000,
  });
}

export interface MariaOptions {
  readonly op: Op;
  readonly table: string;
  readonly before?: Row | null;
  readonly after?: Row | null;
  readonly gtid?: string | null;
  readonly file?: string;
  readonly pos?: number;
  readonly row?: number;
  readonly tsMs?: number;
  readonly snapshot?: string;
}

/** A MariaDB connector change event value, as the JSON text on the topic. */
export function mariaValue(options: MariaOptions): string {
  const tsMs = options.tsMs ?? 1_767_225_600_000;
  return JSON.stringify({
    before: options.before ?? null,
    after: options.after ?? null,
    source: {
      version: '3.2.0.Final',
      connector: 'mariadb',
      name: 'erp.mariadb',
      ts_ms: tsMs,
      snapshot: options.snapshot ?? (options.op === 'r' ? 'true' : 'false'),
      db: 'erp',
      sequence: null,
      ts_us: tsMs * 1000,
      ts_ns: tsMs * 1_000_000,
      table: options.table,
      server_id: 1,
      gtid: options.gtid === undefined ? '0-1-4711' : options.gtid,
      file: options.file ?? 'mariadb-bin.000003',
      pos: options.pos ?? 10_521,
      row: options.row ?? 0,
      thread: 12,
      query: null,
    },
    transaction: null,
    op: options.op,
    ts_ms: tsMs + 35,
    ts_us: (tsMs + 35) * 1000,
    ts_ns: (tsMs + 35) * 1_000_000,
  });
}

export const key = (columns: Row): string => JSON.stringify(columns);

/** erp.product as PostgreSQL sends it: jsonb as text, timestamptz as ISO-8601 text, boolean. */
export const pgProduct = (overrides: Row = {}): Row => ({
  sku: 'TSH-001-M-BLK',
  parent_sku: 'TSH-001',
  name: 'Organic cotton T-shirt, black, M',
  description: 'Heavy jersey, 180 g/m².',
  ean: '4006381333931',
  brand: 'Nordwand',
  category: 'Apparel/T-shirts',
  attributes: '{"size": "M", "colour": "black", "weight_g": 180}',
  active: true,
  created_at: '2025-11-02T08:15:00.000000Z',
  updated_at: '2026-01-01T00:00:00.123456Z',
  ...overrides,
});

/** erp.stock_level as PostgreSQL sends it. */
export const pgStock = (overrides: Row = {}): Row => ({
  sku: 'TSH-001-M-BLK',
  warehouse_code: 'WH-MAIN',
  on_hand: 42,
  reserved: 3,
  updated_at: '2026-01-01T00:00:00Z',
  ...overrides,
});

/** erp.price as PostgreSQL sends it: numeric(12,2) as text. */
export const pgPrice = (overrides: Row = {}): Row => ({
  sku: 'TSH-001-M-BLK',
  price_list_code: 'B2C-EUR',
  amount: '19.90',
  updated_at: '2026-01-01T00:00:00Z',
  ...overrides,
});

/** erp.stock_level as MariaDB sends it: datetime(6) as epoch microseconds. */
export const mariaStock = (overrides: Row = {}): Row => ({
  sku: 'TSH-001-M-BLK',
  warehouse_code: 'WH-3PL',
  on_hand: 17,
  reserved: 0,
  updated_at: 1_767_225_600_123_456,
  ...overrides,
});

/** erp.product as MariaDB sends it: JSON as text, tinyint(1) as 0/1, datetime(6) as microseconds. */
export const mariaProduct = (overrides: Row = {}): Row => ({
  ...pgProduct(),
  active: 1,
  created_at: 1_762_071_300_000_000,
  updated_at: 1_767_225_600_123_456,
  ...overrides,
});
