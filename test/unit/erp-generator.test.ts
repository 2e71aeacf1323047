/**
 * The sample ERP generator: deterministic, exact sizes, a coherent catalogue (variants under
 * existing parents, stock in every warehouse and a price in every list for every product), unique
 * keys, and the same rows whatever the chunk size, since the loaders stream it in chunks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import {
  catalogChunks,
  eanOf,
  erpSizes,
  expectedRowCounts,
  priceLists,
  warehouses,
  type SampleSpec,
} from '../../infra/local/erp/generate.ts';
import { customerChunks } from '../../infra/local/erp/generate-customers.ts';
import { ErpError } from '../../infra/local/erp/erp-error.ts';
import { formatMark, parseMark, seedErp } from '../../infra/local/erp/seed.ts';
import type { CustomerRow, PriceRow, ProductRow, StockLevelRow } from '../../infra/local/erp/rows.ts';
import { toTsv } from '../../infra/local/erp/tsv.ts';

interface Sample {
  products: ProductRow[];
  stockLevels: StockLevelRow[];
  prices: PriceRow[];
  customers: CustomerRow[];
}

function collect(spec: SampleSpec, chunkSize?: number): Sample {
  const sample: Sample = { products: [], stockLevels: [], prices: [], customers: [] };
  for (const chunk of catalogChunks(spec, chunkSize)) {
    sample.products.push(...chunk.products);
    sample.stockLevels.push(...chunk.stockLevels);
    sample.prices.push(...chunk.prices);
  }
  for (const chunk of customerChunks(spec, chunkSize)) sample.customers.push(...chunk);
  return sample;
}

const tiny: SampleSpec = { products: erpSizes.tiny, seed: 1 };

/** An assertion whose message is only built when it fails: these loops run a million times. */
function check(condition: boolean, message: () => string): asserts condition {
  if (!condition) assert.fail(message());
}

function assertUnique(keys: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const key of keys) {
    check(!seen.has(key), () => `duplicate ${what}: ${key}`);
    seen.add(key);
  }
}

function assertCoherent(sample: Sample): void {
  const bySku = new Map(sample.products.map((p) => [p.sku, p]));
  assertUnique(
    sample.products.map((p) => p.sku),
    'SKU',
  );
  assertUnique(
    sample.products.flatMap((p) => (p.ean === null ? [] : [p.ean])),
    'EAN',
  );
  assertUnique(
    sample.stockLevels.map((s) => `${s.sku}|${s.warehouse_code}`),
    'stock key',
  );
  assertUnique(
    sample.prices.map((p) => `${p.sku}|${p.price_list_code}`),
    'price key',
  );
  assertUnique(
    sample.customers.map((c) => c.code),
    'customer code',
  );
  assertUnique(
    sample.customers.map((c) => c.email),
    'customer email',
  );

  const seen = new Set<string>();
  const variantsOf = new Map<string, number>();
  for (const product of sample.products) {
    if (product.parent_sku !== null) {
      const parent = bySku.get(product.parent_sku);
      check(parent !== undefined, () => `${product.sku} points at missing parent ${product.parent_sku}`);
      check(seen.has(parent.sku), () => `${product.sku} comes before its parent`);
      check(parent.parent_sku === null, () => `${product.sku}'s parent is itself a variant`);
      check(product.sku.startsWith(`${parent.sku}-`), () => `${product.sku} is not named after its parent`);
      check(
        typeof product.attributes.color === 'string' && typeof product.attributes.size === 'string',
        () => `${product.sku} has no colour and size`,
      );
      variantsOf.set(parent.sku, (variantsOf.get(parent.sku) ?? 0) + 1);
    }
    check(product.updated_at >= product.created_at, () => `${product.sku} was updated before it was created`);
    check(
      Object.values(product.attributes).every((value) => typeof value === 'string'),
      () => `${product.sku} has attribute values that are not text`,
    );
    seen.add(product.sku);
  }
  for (const [parent, count] of variantsOf) {
    check(count >= 2 && count <= 4, () => `${parent} has ${count} variants`);
    check(bySku.get(parent)?.ean === null, () => `parent ${parent} has an EAN`);
  }

  // With the unique keys above, these counts mean: one stock row per product and warehouse, one
  // price per product and list, once every row's product and warehouse/list are known to exist.
  assert.equal(sample.stockLevels.length, sample.products.length * warehouses.length);
  assert.equal(sample.prices.length, sample.products.length * priceLists.length);
  const warehouseCodes = new Set(warehouses.map((w) => w.code));
  const listCodes = new Set(priceLists.map((l) => l.code));
  for (const stock of sample.stockLevels) {
    check(
      bySku.has(stock.sku) && warehouseCodes.has(stock.warehouse_code),
      () => `stray stock row ${stock.sku}`,
    );
    check(
      stock.on_hand >= 0 && stock.reserved >= 0 && stock.reserved <= stock.on_hand,
      () =>
        `stock of ${stock.sku} in ${stock.warehouse_code}: ${stock.on_hand} on hand, ${stock.reserved} reserved`,
    );
    check(!variantsOf.has(stock.sku) || stock.on_hand === 0, () => `parent ${stock.sku} has stock`);
  }
  for (const price of sample.prices) {
    check(bySku.has(price.sku) && listCodes.has(price.price_list_code), () => `stray price row ${price.sku}`);
    check(/^[1-9]\d*\.\d{2}$/.test(price.amount), () => `price ${price.amount} of ${price.sku}`);
  }
}

test('the same seed gives the same rows, another seed other rows', () => {
  assert.deepEqual(collect(tiny), collect(tiny));
  assert.notDeepEqual(collect({ ...tiny, seed: 2 }).products, collect(tiny).products);
});

test('rows do not depend on the chunk size, and a small sample is a prefix of a larger one', () => {
  assert.deepEqual(collect(tiny, 3), collect(tiny));
  const larger = collect({ products: 1000, seed: 1 });
  // The last family of the small sample may be cut short to hit the size exactly.
  const small = collect(tiny).products.slice(0, 30);
  assert.deepEqual(larger.products.slice(0, 30), small);
});

test('a few values are pinned, so a change to the generator is noticed (then bump sampleFormat in seed.ts)', () => {
  const sample = collect(tiny);
  assert.equal(sample.products[0]?.name, 'Kestrel Heritage Desk Organiser');
  assert.equal(sample.prices[0]?.amount, '131.99');
  assert.equal(sample.products[2]?.sku, 'SKU-000002-WHT-L');
  assert.equal(sample.customers[1]?.email, 'orders+2@kowalska-store.example.com');
});

test('the tiny sample is coherent and shows parents, variants, missing EANs, inactive products', () => {
  const sample = collect(tiny);
  assertCoherent(sample);
  const counts = expectedRowCounts(tiny);
  assert.equal(sample.products.length, counts.product);
  assert.equal(sample.products.length, 40);
  assert.equal(sample.customers.length, counts.customer);
  const parents = new Set(sample.products.flatMap((p) => (p.parent_sku ? [p.parent_sku] : [])));
  assert.ok(parents.size >= 3, `only ${parents.size} parents`);
  const sellableWithoutEan = sample.products.filter((p) => p.ean === null && !parents.has(p.sku));
  assert.ok(sellableWithoutEan.length >= 1, 'every sellable product has an EAN');
  assert.ok(sample.products.filter((p) => !p.active).length >= 2, 'fewer than 2 inactive products');
  assert.deepEqual(
    new Set(sample.customers.map((c) => c.customer_group)),
    new Set(priceLists.map((l) => l.customer_group).filter((g) => g !== 'marketplace')),
  );
  assert.ok(sample.customers.filter((c) => c.customer_group === 'wholesale').every((c) => c.vat_id !== null));
});

test('the 100k sample has exactly its size and is coherent', () => {
  const spec = { products: erpSizes['100k'], seed: 7 };
  const sample = collect(spec);
  assert.equal(sample.products.length, 100_000);
  assert.equal(sample.customers.length, expectedRowCounts(spec).customer);
  assertCoherent(sample);
});

test('any product count is hit exactly, cutting the last family short', () => {
  for (const products of [1, 2, 3, 5, 41, 42, 43, 1001]) {
    const sample = collect({ products, seed: 3 });
    assert.equal(sample.products.length, products);
    assertCoherent(sample);
  }
  assert.equal(erpSizes['1m'], 1_000_000);
});

test('EANs carry a valid EAN-13 check digit', () => {
  assert.equal(eanOf(1, 0), '2000000001005');
  for (const ean of collect(tiny).products.flatMap((p) => (p.ean ? [p.ean] : []))) {
    const digits = [...ean].map(Number);
    const sum = digits.slice(0, 12).reduce((s, d, i) => s + d * (i % 2 === 0 ? 1 : 3), 0);
    assert.equal((10 - (sum % 10)) % 10, digits[12], ean);
  }
});

test('bulk text escapes what would break a row and spells NULL, booleans and times per database', () => {
  const row = {
    a: 'tab\there\nnew\\line',
    b: null,
    c: true,
    updated_at: Date.UTC(2024, 0, 2, 3, 4, 5, 6),
    d: { k: 'v' },
  };
  const columns = ['a', 'b', 'c', 'updated_at', 'd'];
  assert.equal(
    toTsv([row], columns, 'postgres'),
    'tab\\there\\nnew\\\\line\t\\N\tt\t2024-01-02T03:04:05.006Z\t{"k":"v"}\n',
  );
  assert.equal(
    toTsv([row], columns, 'mariadb'),
    'tab\\there\\nnew\\\\line\t\\N\t1\t2024-01-02 03:04:05.006\t{"k":"v"}\n',
  );
});

test('the sample mark reads back what was written and ignores foreign comments', () => {
  const mark = { format: 1, size: '100k', seed: 9 } as const;
  assert.deepEqual(parseMark(formatMark(mark)), mark);
  assert.equal(parseMark('product master data'), null);
  assert.equal(parseMark(null), null);
  assert.equal(parseMark('syncline sample ERP {"format":1,"size":"huge","seed":1}'), null);
});

test('a database that does not answer is named with the command that starts it', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  const database = { host: '127.0.0.1', port, database: 'erp', user: 'erp_app', password: 'erp_app' };
  for (const target of ['postgres', 'mariadb'] as const) {
    await assert.rejects(
      seedErp({ target, size: 'tiny', databases: { [target]: database } }),
      (error: unknown) => {
        assert.ok(error instanceof ErpError);
        assert.equal(error.code, 'DB_UNREACHABLE');
        const title = target === 'postgres' ? 'ERP PostgreSQL' : 'ERP MariaDB';
        assert.equal(
          error.message,
          `${title} is not reachable at 127.0.0.1:${port}: start the stack with npm run stack:up`,
        );
        return true;
      },
    );
  }
});
