/**
 * Debezium change events for the benchmark's isolated mode (BENCHMARKS.md: replay CDC topics,
 * broker + processors only): the same JSON the PostgreSQL and MariaDB connectors write with the
 * sample connector configs (JsonConverter, schemas off, decimals as text), generated
 * deterministically for N products, and a change mix of 70% stock, 25% price, 5% product with a
 * Zipf(1.0) key skew.
 */
import { mariaValue, pgValue } from '../test/unit/ingest-fixtures.ts';

export const cdcTopics = {
  product: 'erp.postgres.erp.product',
  stock: 'erp.postgres.erp.stock_level',
  price: 'erp.postgres.erp.price',
  wmsStock: 'erp.mariadb.erp.stock_level',
} as const;

export interface CdcEvent {
  readonly topic: string;
  readonly key: string;
  readonly value: string;
}

const priceLists = ['B2C-EUR', 'B2B-EUR', 'MKT-EUR'] as const;
const pgWarehouses = ['WH-MAIN', 'WH-SOUTH'] as const;

export const benchSku = (n: number): string => `BENCH-${String(n).padStart(7, '0')}`;

/** A small deterministic PRNG (mulberry32): the same seed gives the same workload. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Zipf(1.0) over n keys by inverse transform on the harmonic numbers (approximate, fast). */
export function zipf(n: number, random: () => number): () => number {
  const harmonic = Math.log(n) + 0.5772156649;
  return () => Math.min(n - 1, Math.floor(Math.exp(random() * harmonic - 0.5772156649)));
}

/** Log positions only grow, as in a real database; the ingest drops a replay at or below the last. */
class Positions {
  private lsn = 10_000_000;
  private pos = 4;
  nextLsn(): number {
    this.lsn += 64;
    return this.lsn;
  }
  nextPos(): number {
    this.pos += 1;
    return this.pos;
  }
}

export class CdcWorkload {
  private readonly positions = new Positions();
  private readonly random: () => number;
  private readonly pickProduct: () => number;
  private readonly iso = () => new Date().toISOString();

  constructor(
    readonly products: number,
    seed = 1,
  ) {
    this.random = prng(seed);
    this.pickProduct = zipf(products, this.random);
  }

  private product(n: number, op: 'r' | 'u', tsMs: number, name = `Bench product ${n}`): CdcEvent {
    const sku = benchSku(n);
    const after = {
      sku,
      parent_sku: null,
      name,
      description: 'A product of the benchmark catalogue.',
      ean: n % 20 === 0 ? null : String(4_000_000_000_000 + n),
      brand: ['Lumo', 'Nordwand', 'Solberg', 'Ostwerk'][n % 4],
      category: ['Home', 'Home > Kitchen', 'Electronics', 'Office'][n % 4],
      attributes: '{"color": "black"}',
      active: true,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: this.iso(),
    };
    const lsn = this.positions.nextLsn();
    return {
      topic: cdcTopics.product,
      key: JSON.stringify({ sku }),
      value: pgValue({ op, table: 'product', after, lsn, tsMs, txId: lsn }),
    };
  }

  private stock(n: number, warehouse: string, op: 'r' | 'u', tsMs: number): CdcEvent {
    const sku = benchSku(n);
    const onHand = Math.floor(this.random() * 60);
    const reserved = Math.floor(this.random() * 4);
    if (warehouse === 'WH-3PL') {
      const after = { sku, warehouse_code: warehouse, on_hand: onHand, reserved, updated_at: tsMs * 1000 };
      return {
        topic: cdcTopics.wmsStock,
        key: JSON.stringify({ sku, warehouse_code: warehouse }),
        value: mariaValue({
          op,
          table: 'stock_level',
          after,
          pos: this.positions.nextPos(),
          tsMs,
          gtid: null,
        }),
      };
    }
    const after = { sku, warehouse_code: warehouse, on_hand: onHand, reserved, updated_at: this.iso() };
    const lsn = this.positions.nextLsn();
    return {
      topic: cdcTopics.stock,
      key: JSON.stringify({ sku, warehouse_code: warehouse }),
      value: pgValue({ op, table: 'stock_level', after, lsn, tsMs, txId: lsn }),
    };
  }

  private price(n: number, priceList: string, op: 'r' | 'u', tsMs: number): CdcEvent {
    const sku = benchSku(n);
    const amount = (5 + this.random() * 200).toFixed(2);
    const after = { sku, price_list_code: priceList, amount, updated_at: this.iso() };
    const lsn = this.positions.nextLsn();
    return {
      topic: cdcTopics.price,
      key: JSON.stringify({ sku, price_list_code: priceList }),
      value: pgValue({ op, table: 'price', after, lsn, tsMs, txId: lsn }),
    };
  }

  /** The initial snapshot: every row of every product (7 events per product). */
  *snapshot(): Generator<CdcEvent> {
    const tsMs = Date.now();
    for (let n = 0; n < this.products; n += 1) {
      yield this.product(n, 'r', tsMs);
      for (const warehouse of [...pgWarehouses, 'WH-3PL']) yield this.stock(n, warehouse, 'r', tsMs);
      for (const list of priceLists) yield this.price(n, list, 'r', tsMs);
    }
  }

  /** One live change: 70% stock, 25% price, 5% product, Zipf-skewed; committed at `tsMs`. */
  change(tsMs = Date.now()): CdcEvent {
    const n = this.pickProduct();
    const roll = this.random();
    if (roll < 0.7) {
      const warehouse = ['WH-MAIN', 'WH-SOUTH', 'WH-3PL'][Math.floor(this.random() * 3)] ?? 'WH-MAIN';
      return this.stock(n, warehouse, 'u', tsMs);
    }
    if (roll < 0.95) return this.price(n, priceLists[Math.floor(this.random() * 3)] ?? 'B2C-EUR', 'u', tsMs);
    return this.product(n, 'u', tsMs, `Bench product ${n} v${Math.floor(this.random() * 1000)}`);
  }
}
