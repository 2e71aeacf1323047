/**
 * The marketplace's shoppers: places orders over the SKUs the marketplace sells (what the receiver holds)
 * and pushes each one to syncline as Shopify does, an `orders/create` webhook, then `orders/updated` for
 * each later change, signed and retried by `ShopifyWebhookSender`. Each order's placement time is kept in
 * milliseconds (Shopify's own timestamps have whole seconds), so latency is measured from the sale.
 */
import type {
  DeliveryAttempt,
  ShopifyWebhookSender,
  WebhookOutcome,
  WebhookTopic,
} from './shopify-webhook-sender.ts';
import { shopifyAddress, shopifyOrder, shopifyTime, type ShopifyOrder } from './shopify-order.ts';
import { startPacedLoop, type PacedLoop } from '../shopping/paced-loop.ts';
import {
  randomBasket,
  randomBuyer,
  type Address,
  type Basket,
  type BasketLine,
  type BasketOdds,
  type SellableSku,
} from '../shopping/random-basket.ts';

export interface OrderPlacerOptions extends BasketOdds {
  /** The shop's currency. Default EUR. */
  readonly currency?: string;
  /** What the shop sells now; the paced shopper buys only from it. Default: nothing. */
  readonly sellable?: () => readonly SellableSku[];
  /** Orders a second placed by the paced shopper. Default 0 (orders only when asked). */
  readonly ordersPerSecond?: number;
  readonly random?: () => number;
}

/** A test's order: lines (price from what the shop sells when left out), a guest or not. */
export interface OrderSpec {
  readonly lines?: readonly { sku: string; qty: number; price?: number; name?: string }[];
  readonly guest?: boolean;
  /** Deliver this order's webhook twice (true) or once (false); default: the sender's duplicate share. */
  readonly duplicate?: boolean;
}

export interface OrderChange {
  readonly note?: string;
  readonly tags?: string;
  readonly cancel?: boolean;
  readonly shippingAddress?: Address;
  readonly duplicate?: boolean;
}

export interface PushedOrder {
  readonly order: ShopifyOrder;
  readonly placedAtMs: number;
  readonly webhookId: string;
  /** Resolves when the webhook is delivered or given up. */
  readonly done: Promise<WebhookOutcome>;
}

/** What a test or a bench reads back: the order's times in ms and how its webhooks went. */
export interface MarketplacePlacement {
  readonly id: number;
  readonly name: string;
  readonly placed_at_ms: number;
  readonly updated_at: string;
  readonly updated_at_ms: number;
  /** Webhooks sent for this order (create, then one per update or resend). */
  readonly webhooks: number;
}

interface Held {
  order: ShopifyOrder;
  placedAtMs: number;
  updatedAtMs: number;
  webhooks: number;
}

export class OrderPlacer {
  readonly #orders = new Map<number, Held>();
  readonly #sender: ShopifyWebhookSender;
  readonly #options: OrderPlacerOptions;
  readonly #random: () => number;
  #sequence = 0;
  #idle = 0;
  #loop: PacedLoop | null = null;
  #sellableCache: { at: number; skus: readonly SellableSku[] } | null = null;

  constructor(sender: ShopifyWebhookSender, options: OrderPlacerOptions = {}) {
    this.#sender = sender;
    this.#options = options;
    this.#random = options.random ?? Math.random;
    if ((options.ordersPerSecond ?? 0) > 0) this.setRate(options.ordersPerSecond ?? 0);
  }

  /** Orders placed so far. */
  get placed(): number {
    return this.#orders.size;
  }

  /** Ticks of the paced shopper that found nothing to sell. */
  get idle(): number {
    return this.#idle;
  }

  /** Start, re-pace or (0) pause the paced shopper. */
  setRate(ordersPerSecond: number): void {
    if (this.#loop) this.#loop.setRate(ordersPerSecond);
    else if (ordersPerSecond > 0) this.#loop = startPacedLoop(ordersPerSecond, () => this.#placeRandom());
  }

  /** Place an order and push its `orders/create`; throws when a line has no price to be had. */
  place(spec: OrderSpec = {}): PushedOrder {
    const lines = spec.lines ? this.#resolve(spec.lines) : null;
    const basket = lines
      ? { lines, buyer: randomBuyer(this.#random, { guestShare: spec.guest ? 1 : 0 }) }
      : randomBasket(this.#options.sellable?.() ?? [], this.#random, this.#options);
    if (basket === null) throw new Error('the shop sells nothing yet: give the order its lines');
    return this.#placeBasket(basket, spec.duplicate);
  }

  #placeBasket(basket: Basket, duplicate: boolean | undefined): PushedOrder {
    const placedAtMs = Date.now();
    this.#sequence += 1;
    const order = shopifyOrder(this.#sequence, basket, this.#options.currency ?? 'EUR', placedAtMs);
    this.#orders.set(order.id, { order, placedAtMs, updatedAtMs: placedAtMs, webhooks: 0 });
    return { order, placedAtMs, ...this.#push(order.id, 'orders/create', duplicate) };
  }

  /** Change an order as the marketplace would and push `orders/updated` (`updated_at` moves). */
  update(orderId: number, change: OrderChange): PushedOrder {
    const held = this.#require(orderId);
    const nowMs = Date.now();
    const order: ShopifyOrder = { ...held.order, updated_at: shopifyTime(nowMs) };
    if (change.note !== undefined) order.note = change.note;
    if (change.tags !== undefined) order.tags = change.tags;
    if (change.shippingAddress !== undefined) order.shipping_address = shopifyAddress(change.shippingAddress);
    if (change.cancel) {
      order.cancelled_at = order.updated_at;
      order.cancel_reason = 'customer';
      order.financial_status = 'refunded';
    }
    held.order = order;
    held.updatedAtMs = nowMs;
    return { order, placedAtMs: held.placedAtMs, ...this.#push(orderId, 'orders/updated', change.duplicate) };
  }

  /**
   * Notify the same version again as a new webhook (new webhook id, same `updated_at`), as a platform
   * re-notifies after a change that touched nothing in the payload, or a replay from its admin.
   */
  resend(orderId: number, topic: WebhookTopic = 'orders/updated'): PushedOrder {
    const held = this.#require(orderId);
    return { order: held.order, placedAtMs: held.placedAtMs, ...this.#push(orderId, topic, false) };
  }

  order(orderId: number): ShopifyOrder | undefined {
    return this.#orders.get(orderId)?.order;
  }

  placements(): MarketplacePlacement[] {
    return [...this.#orders.values()].map((held) => ({
      id: held.order.id,
      name: held.order.name,
      placed_at_ms: held.placedAtMs,
      updated_at: held.order.updated_at,
      updated_at_ms: held.updatedAtMs,
      webhooks: held.webhooks,
    }));
  }

  /** Every webhook attempt so far, oldest first. */
  attempts(): DeliveryAttempt[] {
    return this.#sender.attempts();
  }

  /** Resolves once every webhook is delivered or given up. */
  settled(): Promise<void> {
    return this.#sender.settled();
  }

  /** Pause the shopper and abandon pending webhook retries. */
  stop(): void {
    this.#loop?.stop();
    this.#loop = null;
    this.#sender.stop();
  }

  #push(orderId: number, topic: WebhookTopic, duplicate: boolean | undefined) {
    const held = this.#require(orderId);
    held.webhooks += 1;
    return this.#sender.send({
      topic,
      orderId,
      body: JSON.stringify(held.order),
      ...(duplicate === undefined ? {} : { duplicate }),
    });
  }

  #placeRandom(): void {
    // What the shop sells is read at most every 250 ms, not once per order: at 200 orders/s a scan
    // of every offer per order would be the simulator's main cost.
    const now = performance.now();
    if (this.#sellableCache === null || now - this.#sellableCache.at > 250)
      this.#sellableCache = { at: now, skus: this.#options.sellable?.() ?? [] };
    const basket = randomBasket(this.#sellableCache.skus, this.#random, this.#options);
    if (basket === null) {
      this.#idle += 1;
      return;
    }
    this.#placeBasket(basket, undefined);
  }

  #resolve(lines: NonNullable<OrderSpec['lines']>): BasketLine[] {
    const sellable = new Map((this.#options.sellable?.() ?? []).map((sku) => [sku.sku, sku]));
    return lines.map((line) => {
      const known = sellable.get(line.sku);
      const price = line.price ?? known?.price;
      if (price === undefined)
        throw new Error(`${line.sku}: the shop does not sell it, so the line needs a price`);
      return { sku: line.sku, qty: line.qty, price, name: line.name ?? known?.name ?? line.sku };
    });
  }

  #require(orderId: number): Held {
    const held = this.#orders.get(orderId);
    if (held === undefined) throw new Error(`order ${orderId} was never placed here`);
    return held;
  }
}
