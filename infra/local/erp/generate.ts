/**
 * The deterministic sample ERP: warehouses, price lists, and a catalogue of products (standalone
 * ones and parents with 2-4 colour/size variants) with stock in every warehouse and a price in
 * every list; customers come from generate-customers.ts. Same seed -> same rows, whatever the
 * chunk size.
 *
 * It streams: the catalogue comes in chunks of whole product families, so a loader holds one chunk
 * at a time and 1M products never sit in memory together. Each family (and each customer) draws
 * from its own random stream (prng.ts), so a sample of one size is a prefix of a larger one.
 *
 * A few properties are rules rather than chance, so even the tiny sample shows them and the tests
 * can rely on them: every 4th family (from the 2nd) is a parent with variants, every 13th (from the
 * 5th) is inactive, every 10th standalone (from the 7th) has no EAN and parents never have one.
 */
import { adjectives, brands, colours, standaloneLines, variantLines } from './catalog-words.ts';
import { customerCount } from './generate-customers.ts';
import { rngFor, streams, type Rng } from './prng.ts';
import { dayMs, hourMs, sampleEpochMs } from './rows.ts';
import type { ErpTable, PriceListRow, PriceRow, ProductRow, StockLevelRow, WarehouseRow } from './rows.ts';

/** Products (rows of `product`, parents and variants included) per named size. */
export const erpSizes = { tiny: 40, '100k': 100_000, '1m': 1_000_000 } as const;
export type ErpSize = keyof typeof erpSizes;

export interface SampleSpec {
  /** How many rows `product` gets. */
  readonly products: number;
  readonly seed: number;
}

/** All warehouses go into both databases (same model); in the sample config WH-3PL is MariaDB's. */
export const warehouses: readonly WarehouseRow[] = [
  { code: 'WH-MAIN', name: 'Main warehouse Kassel', country: 'DE' },
  { code: 'WH-SOUTH', name: 'South warehouse Linz', country: 'AT' },
  { code: 'WH-3PL', name: 'Fulfilment partner Poznań', country: 'PL' },
];

/** How deep each warehouse is stocked: share of SKUs it has none of, and the most it holds. */
const stocking = [
  { empty: 0.1, max: 400 },
  { empty: 0.3, max: 120 },
  { empty: 0.5, max: 60 },
] as const;

/** Retail prices end in .99; anything else is a plain rounding of the retail price in cents. */
const ninetyNine = (cents: number): number => Math.ceil(cents / 100) * 100 - 1;

const pricing: readonly { row: PriceListRow; cents: (retailCents: number) => number }[] = [
  {
    row: { code: 'B2C-EUR', name: 'Retail (gross)', currency: 'EUR', customer_group: 'retail' },
    cents: (retail) => retail,
  },
  {
    row: { code: 'B2B-EUR', name: 'Wholesale (net)', currency: 'EUR', customer_group: 'wholesale' },
    cents: (retail) => Math.round(retail * 0.65),
  },
  {
    row: { code: 'MKT-EUR', name: 'Marketplaces (gross)', currency: 'EUR', customer_group: 'marketplace' },
    cents: (retail) => ninetyNine(retail * 1.1),
  },
  {
    row: { code: 'B2C-PLN', name: 'Retail Poland (gross)', currency: 'PLN', customer_group: 'retail-pl' },
    cents: (retail) => ninetyNine(retail * 4.3),
  },
];

export const priceLists: readonly PriceListRow[] = pricing.map((p) => p.row);

/** Rows per table that a complete sample of this spec holds (the order tables start empty). */
export function expectedRowCounts(spec: SampleSpec): Record<ErpTable, number> {
  return {
    warehouse: warehouses.length,
    product: spec.products,
    price_list: priceLists.length,
    customer: customerCount(spec.products),
    stock_level: spec.products * warehouses.length,
    price: spec.products * priceLists.length,
    sales_order: 0,
    sales_order_line: 0,
    sales_order_status: 0,
    shipment: 0,
    shipment_line: 0,
  };
}

export interface CatalogChunk {
  readonly products: ProductRow[];
  readonly stockLevels: StockLevelRow[];
  readonly prices: PriceRow[];
}

export const skuOf = (family: number): string => `SKU-${String(family).padStart(6, '0')}`;

/** A valid EAN-13 in GS1's restricted-circulation range (prefix 20): unique per family + variant. */
export function eanOf(family: number, variant: number): string {
  const body = `20${String(family).padStart(8, '0')}${String(variant).padStart(2, '0')}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return body + String((10 - (sum % 10)) % 10);
}

const money = (cents: number): string => `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;

/** A product row with its stock in every warehouse and its price in every list. */
function addProduct(
  chunk: CatalogChunk,
  rng: Rng,
  row: ProductRow,
  retailCents: number,
  sellable: boolean,
): void {
  chunk.products.push(row);
  for (let i = 0; i < warehouses.length; i++) {
    const depth = stocking[i] ?? { empty: 1, max: 0 };
    const onHand = !sellable || rng.chance(depth.empty) ? 0 : rng.int(1, depth.max);
    const reserved = onHand > 0 && rng.chance(0.2) ? rng.int(1, Math.min(5, onHand)) : 0;
    chunk.stockLevels.push({
      sku: row.sku,
      warehouse_code: warehouses[i]?.code ?? '',
      on_hand: onHand,
      reserved,
      updated_at: row.updated_at + rng.int(0, 7 * dayMs),
    });
  }
  for (const list of pricing) {
    const amount = money(list.cents(retailCents));
    chunk.prices.push({ sku: row.sku, price_list_code: list.row.code, amount, updated_at: row.updated_at });
  }
}

function timesOf(rng: Rng, familyCreatedAt: number): Pick<ProductRow, 'created_at' | 'updated_at'> {
  const created = familyCreatedAt + rng.int(0, hourMs);
  return { created_at: created, updated_at: created + rng.int(0, 30 * dayMs) };
}

/** Every colour/size combination of each variant line, computed once. */
const combinationsOf = variantLines.map((line) =>
  colours.flatMap((colour) => line.sizes.map((size) => ({ colour, size }))),
);

/** Adds one family (a standalone product, or a parent and its variants); returns its product count. */
function addFamily(chunk: CatalogChunk, seed: number, family: number, room: number): number {
  const rng = rngFor(seed, streams.family, family);
  const sku = skuOf(family);
  const active = family % 13 !== 5;
  const brand = rng.pick(brands);
  const adjective = rng.pick(adjectives);
  const createdAt = sampleEpochMs + family * 97_000 + rng.int(0, hourMs);
  const retailCents = rng.int(3, 300) * 100 + 99;
  const isParent = family % 4 === 2 && room >= 3;

  if (!isParent) {
    const line = rng.pick(standaloneLines);
    const noun = rng.pick(line.nouns);
    const [key, values] = line.attribute;
    const value = rng.pick(values);
    const name = `${brand} ${adjective} ${noun}`;
    addProduct(
      chunk,
      rng,
      {
        sku,
        parent_sku: null,
        name,
        description:
          family % 11 === 3
            ? null
            : `${name}: ${adjective.toLowerCase()} ${noun.toLowerCase()} by ${brand} (${key.replace('_', ' ')} ${value}).`,
        ean: family % 10 === 7 ? null : eanOf(family, 0),
        brand,
        category: line.category,
        attributes: { [key]: value },
        active,
        ...timesOf(rng, createdAt),
      },
      retailCents,
      true,
    );
    return 1;
  }

  // A parent is not sold itself: no EAN, no stock (rows of zero, so every SKU joins), the
  // "from" price. Its variants are the colour/size combinations, 2 to 4 of them.
  const lineIndex = rng.int(0, variantLines.length - 1);
  const line = variantLines[lineIndex] ?? variantLines[0];
  const noun = rng.pick(line.nouns);
  const material = rng.pick(line.materials);
  const name = `${brand} ${adjective} ${noun}`;
  const description = `The ${name} in ${material}, in several colours and sizes.`;
  const parent: ProductRow = {
    sku,
    parent_sku: null,
    name,
    description,
    ean: null,
    brand,
    category: line.category,
    attributes: { material },
    active,
    ...timesOf(rng, createdAt),
  };
  addProduct(chunk, rng, parent, retailCents, false);
  const variants = rng.sample(combinationsOf[lineIndex] ?? [], Math.min(rng.int(2, 4), room - 1));
  variants.forEach(({ colour, size }, i) => {
    const large = size === 'XL' || size === 'XXL' || size === '44' || size === '45';
    addProduct(
      chunk,
      rng,
      {
        sku: `${sku}-${colour.code}-${size}`,
        parent_sku: sku,
        name: `${name} ${colour.name[0]?.toUpperCase()}${colour.name.slice(1)} ${size}`,
        description,
        ean: eanOf(family, i + 1),
        brand,
        category: line.category,
        attributes: { color: colour.name, size, material },
        active,
        ...timesOf(rng, createdAt),
      },
      retailCents + (large ? 200 : 0),
      true,
    );
  });
  return 1 + variants.length;
}

/** The catalogue in chunks of whole families, each about `chunkSize` products. */
export function* catalogChunks(spec: SampleSpec, chunkSize = 2000): Generator<CatalogChunk> {
  let made = 0;
  let family = 0;
  while (made < spec.products) {
    const chunk: CatalogChunk = { products: [], stockLevels: [], prices: [] };
    while (made < spec.products && chunk.products.length < chunkSize) {
      family += 1;
      made += addFamily(chunk, spec.seed, family, spec.products - made);
    }
    yield chunk;
  }
}
