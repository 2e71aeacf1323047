/**
 * The sample shopper: places orders on the simulated store at a steady pace over the SKUs it sells,
 * random quantities, sometimes several lines, sometimes a guest, mostly paid online at checkout
 * (Braintree, state processing), sometimes by check / money order (unpaid, state new). It places
 * through the store itself, as a checkout would, so its orders count against no REST rate limit.
 */
import type { CatalogSku } from './catalog-skus.ts';
import type { OrderDraft, OrderStore } from './order-store.ts';
import { startPacedLoop } from '../shopping/paced-loop.ts';
import { randomBasket, type BasketOdds } from '../shopping/random-basket.ts';

export interface SampleShopperOptions extends BasketOdds {
  ordersPerSecond: number;
  /** Default Math.random; pass `seededRandom(n)` to replay the same orders. */
  random?: () => number;
  /** Share of orders paid at checkout. Default 0.7. */
  paidShare?: number;
}

export interface SampleShopper {
  /** Orders placed so far. */
  readonly placed: number;
  /** Ticks that found nothing to sell (an empty or sold-out catalog). */
  readonly idle: number;
  setRate(ordersPerSecond: number): void;
  stop(): void;
}

/** One random order over `skus`, or null when nothing is for sale. */
export function randomOrderDraft(
  skus: readonly CatalogSku[],
  random: () => number,
  options: Omit<SampleShopperOptions, 'ordersPerSecond' | 'random'> = {},
): OrderDraft | null {
  const basket = randomBasket(skus, random, options);
  if (basket === null) return null;
  const ids = new Map(skus.map((sku) => [sku.sku, sku.productId]));
  const paid = random() < (options.paidShare ?? 0.7);
  return {
    lines: basket.lines.map((line) => ({ ...line, productId: ids.get(line.sku) ?? null })),
    buyer: basket.buyer,
    paymentMethod: paid ? 'braintree' : 'checkmo',
    invoiced: paid,
  };
}

export function startSampleShopper(
  store: Pick<OrderStore, 'place'>,
  sellable: () => readonly CatalogSku[],
  options: SampleShopperOptions,
): SampleShopper {
  const random = options.random ?? Math.random;
  let placed = 0;
  let idle = 0;
  // The catalog is read once per tick burst at most, not once per order: at 200 orders/s a
  // full catalog scan per order would be the simulator's main cost.
  let cached: { at: number; skus: readonly CatalogSku[] } | null = null;
  const skus = (): readonly CatalogSku[] => {
    const now = performance.now();
    if (cached === null || now - cached.at > 250) cached = { at: now, skus: sellable() };
    return cached.skus;
  };
  const loop = startPacedLoop(options.ordersPerSecond, () => {
    const draft = randomOrderDraft(skus(), random, options);
    if (draft === null) {
      idle += 1;
      return;
    }
    store.place(draft);
    placed += 1;
  });
  return {
    get placed() {
      return placed;
    },
    get idle() {
      return idle;
    },
    setRate: (rate) => loop.setRate(rate),
    stop: () => loop.stop(),
  };
}
