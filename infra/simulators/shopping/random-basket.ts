/**
 * What a sample shopper buys and who they are: a basket of one to three lines over the SKUs a channel
 * sells (random quantities), a registered customer or a guest, and an address. Shared by the simulators'
 * shoppers (Magento's, the marketplace's); each renders it in its own platform's order shape.
 *
 * Pure given `random`, so a seeded generator gives the same baskets in a test.
 */

export interface SellableSku {
  readonly sku: string;
  readonly name: string;
  /** Unit price in the channel's currency. */
  readonly price: number;
  /** Units the channel says it has; null when it does not say. A shopper never takes more than this. */
  readonly quantity: number | null;
}

export interface BasketLine {
  readonly sku: string;
  readonly name: string;
  readonly price: number;
  readonly qty: number;
}

export interface Address {
  readonly firstname: string;
  readonly lastname: string;
  readonly street: readonly string[];
  readonly city: string;
  readonly postcode: string;
  /** ISO 3166-1 alpha-2. */
  readonly countryId: string;
  readonly telephone: string;
}

export interface Buyer {
  /** The channel's customer number; null for a guest checkout. */
  readonly customerId: number | null;
  readonly email: string;
  readonly firstname: string;
  readonly lastname: string;
  readonly address: Address;
}

export interface Basket {
  readonly lines: readonly BasketLine[];
  readonly buyer: Buyer;
}

export interface BasketOdds {
  /** Share of guest checkouts. Default 0.3. */
  readonly guestShare?: number;
  /** Share of baskets with more than one line. Default 0.3. */
  readonly multiLineShare?: number;
  /** Most units of one line. Default 3. */
  readonly maxQty?: number;
}

const FIRST_NAMES = ['Anna', 'Jan', 'Marie', 'Lukas', 'Sofia', 'Piotr', 'Emma', 'Luca', 'Noor', 'Felix'];
const LAST_NAMES = ['Schmidt', 'Kowalska', 'Dubois', 'Janssen', 'Rossi', 'Novak', 'Berg', 'Weber'];
const PLACES: readonly (readonly [city: string, postcode: string, countryId: string, street: string])[] = [
  ['Berlin', '10115', 'DE', 'Invalidenstraße 12'],
  ['Hamburg', '20095', 'DE', 'Mönckebergstraße 7'],
  ['Wien', '1010', 'AT', 'Graben 21'],
  ['Paris', '75002', 'FR', '14 rue Montorgueil'],
  ['Amsterdam', '1012 AB', 'NL', 'Damrak 70'],
  ['Kraków', '31-008', 'PL', 'ul. Floriańska 3'],
];
/** Registered customers of the sample store; a guest has no number. */
const CUSTOMER_POOL = 500;

/** A uniform integer in [min, max]. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** A buyer: a registered customer (a stable name and email per number) or a guest. */
export function randomBuyer(random: () => number, odds: BasketOdds = {}): Buyer {
  const guest = random() < (odds.guestShare ?? 0.3);
  const customerId = guest ? null : randomInt(random, 1, CUSTOMER_POOL);
  const seed = customerId ?? randomInt(random, 0, 10_000);
  const firstname = FIRST_NAMES[seed % FIRST_NAMES.length] ?? 'Anna';
  const lastname = LAST_NAMES[Math.floor(seed / FIRST_NAMES.length) % LAST_NAMES.length] ?? 'Berg';
  const [city, postcode, countryId, street] = PLACES[seed % PLACES.length] ?? PLACES[0]!;
  const email = guest
    ? `guest.${seed}.${randomInt(random, 0, 99_999)}@example.com`
    : `customer${customerId}@example.com`;
  return {
    customerId,
    email,
    firstname,
    lastname,
    address: {
      firstname,
      lastname,
      street: [street],
      city,
      postcode,
      countryId,
      telephone: `+49 30 ${String(1_000_000 + seed).slice(1)}`,
    },
  };
}

/**
 * A basket over `skus`, or null when nothing can be sold (no SKU, or none with a unit left). Lines are
 * distinct SKUs; a quantity never exceeds what the channel says it has.
 */
export function randomBasket(
  skus: readonly SellableSku[],
  random: () => number,
  odds: BasketOdds = {},
): Basket | null {
  const inStock = skus.filter((sku) => sku.quantity === null || sku.quantity >= 1);
  if (inStock.length === 0) return null;
  const wanted = random() < (odds.multiLineShare ?? 0.3) ? randomInt(random, 2, 3) : 1;
  const chosen = new Map<string, SellableSku>();
  for (let tries = 0; chosen.size < Math.min(wanted, inStock.length) && tries < 20; tries += 1) {
    const sku = pick(random, inStock);
    chosen.set(sku.sku, sku);
  }
  const lines = [...chosen.values()].map((sku) => {
    const most = Math.min(odds.maxQty ?? 3, sku.quantity ?? Number.POSITIVE_INFINITY);
    return { sku: sku.sku, name: sku.name, price: sku.price, qty: randomInt(random, 1, Math.max(1, most)) };
  });
  return { lines, buyer: randomBuyer(random, odds) };
}

/** mulberry32: a small seeded generator, so a test or a bench can replay the same shoppers. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
