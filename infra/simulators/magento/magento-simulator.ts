/**
 * A Magento 2 / Adobe Commerce REST simulator for syncline's sink tests, written from the public API
 * contract in `/work/shared/notes/CHANNEL-APIS.md` §1 (Magento docs and magento/magento2 sources), not from
 * any adapter: SKU upserts, raw-placeholder errors with Magento's status mapping, partial-success base
 * prices, MSI source items, async bulk operations moving 4 → 1/2/3, the repeated last search page, and
 * bearer integration tokens refused unless enabled; orders placed by a sample shopper, searched by
 * `updated_at`, shipped with tracks and commented on. In front of it: an optional CDN-style token bucket
 * and injectable faults, plus `/__simulator/*` routes for tests (faults, stats, orders and their
 * placement times in ms, the shopper's pace).
 *
 * ```ts
 * const magento = await startMagentoSimulator({ rateLimit: { requestsPerSecond: 10 } });
 * await fetch(`${magento.url}/rest/V1/products/SKU-1`, {
 *   method: 'PUT',
 *   headers: { authorization: 'Bearer sim-integration-token', 'content-type': 'application/json' },
 *   body: JSON.stringify({ product: { sku: 'SKU-1', name: 'Lamp', price: 10 }, saveOptions: true }),
 * });
 * await magento.close();
 * ```
 */
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { TokenRegistry } from './auth.ts';
import { BulkQueue } from './bulk-queue.ts';
import { CatalogStore } from './catalog-store.ts';
import { FaultBook, type Fault } from './faults.ts';
import { resolveLine, sellableSkus } from './catalog-skus.ts';
import { installMagentoHttp } from './magento-http.ts';
import { OrderStore, type OrderChange, type OrderPlacement } from './order-store.ts';
import type { OrderRecord } from './order-records.ts';
import { orderView } from './order-view.ts';
import { AttributeRegistry } from './product-attributes.ts';
import { RequestStats, type RequestLogEntry, type SimulatorStats } from './request-stats.ts';
import { RestGate } from './rest-gate.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { bulkRoutes, executeProductTopic, PRODUCT_SAVE_SERVICE } from './routes/bulk-routes.ts';
import { harnessRoutes, type HarnessControls } from './routes/harness-routes.ts';
import { inventoryRoutes } from './routes/inventory-routes.ts';
import { orderHarnessRoutes, type OrderHarness } from './routes/order-harness-routes.ts';
import { orderRoutes } from './routes/order-routes.ts';
import { priceRoutes } from './routes/price-routes.ts';
import { productRoutes } from './routes/product-routes.ts';
import { startSampleShopper, type SampleShopper, type SampleShopperOptions } from './sample-shopper.ts';
import type { SimulatorContext } from './simulator-context.ts';
import { randomBuyer } from '../shopping/random-basket.ts';
import { TokenBucket } from './token-bucket.ts';

export type { Fault } from './faults.ts';
export type { RequestLogEntry, SimulatorStats } from './request-stats.ts';

export interface MagentoSimulatorOptions {
  host?: string; // default 127.0.0.1
  port?: number; // default 0 = random free port
  /** Integration access tokens accepted as `Authorization: Bearer <token>` (enable_integration_as_bearer=1). Default ['sim-integration-token']. */
  integrationTokens?: string[];
  /** false = bearer integration tokens are refused with 401 as in Magento >= 2.4.4 defaults. Default true. */
  bearerIntegration?: boolean;
  /** Admin users for POST /V1/integration/admin/token. Default { admin: 'admin123' }. Tokens valid 4 h. */
  adminUsers?: Record<string, string>;
  /** Token bucket in front of every /rest route, as a CDN/WAF would put it: capacity `burst` (default = requestsPerSecond), refill requestsPerSecond. Over it: 429 with Retry-After and a non-Magento body. Undefined = no limit (core Magento has none). */
  rateLimit?: { requestsPerSecond: number; burst?: number; retryAfterSeconds?: number };
  /** Attribute codes every product must have non-empty (as custom_attributes, or top-level name/price), else 400 "The \"%1\" attribute value is empty. Set the attribute and try again." Default ['name']. */
  requiredAttributes?: string[];
  /** Time the async consumer takes before bulk operations move from 4 (open) to their final status. Default 50 ms. */
  bulkProcessingDelayMs?: number;
  /** MSI source codes that exist; saving a source item for any other fails "Could not save Source Item". Default ['default']. */
  sources?: string[];
  /** Dropdown attributes (code -> option labels) served by GET /V1/products/attributes/{code} for configurable options. Default color and size. */
  dropdownAttributes?: Record<string, string[]>;
  /** The store's currency: what orders are placed in. Default EUR. */
  currency?: string;
  /** Start the sample shopper at once (it can also be started later: `shopper()` or `POST /__simulator/shopper`). */
  shopper?: Omit<SampleShopperOptions, 'ordersPerSecond'> & { ordersPerSecond: number };
  logger?: boolean; // fastify logger, default false
}

/** A test's order (`POST /__simulator/orders` takes the same as JSON). */
export interface TestOrderLine {
  sku: string;
  qty: number;
  price?: number;
  name?: string;
}

export interface MagentoSimulator {
  readonly url: string; // e.g. http://127.0.0.1:34567 (REST base is `${url}/rest/...`)
  stats(): SimulatorStats; // same JSON as GET /__simulator/stats
  requests(since?: number): RequestLogEntry[]; // same JSON as GET /__simulator/requests?since=<n>
  inject(fault: Fault): void; // same as POST /__simulator/faults
  clearFaults(): void;
  reset(): void; // forget products, stock, prices, bulks, orders, shipments, stats, faults; the shopper pauses
  /** Place an order as the storefront would (same as POST /__simulator/orders); answers the API's view of it. */
  placeOrder(order: { lines: TestOrderLine[]; guest?: boolean; paymentMethod?: string }): PlacedOrder;
  /** Change a placed order (same as POST /__simulator/orders/:id); `updated_at` moves. */
  updateOrder(entityId: number, change: OrderChange): Record<string, unknown>;
  /** Placement and last-change times in ms (same as GET /__simulator/orders?since=<entity_id>). */
  orderPlacements(sinceEntityId?: number): OrderPlacement[];
  /** Start, re-pace or (0) pause the sample shopper; answers how many orders it has placed. */
  shopper(ordersPerSecond: number): number;
  close(): Promise<void>;
}

export interface PlacedOrder extends Record<string, unknown> {
  entity_id: number;
  increment_id: string;
  placed_at_ms: number;
}

export async function startMagentoSimulator(
  options: MagentoSimulatorOptions = {},
): Promise<MagentoSimulator> {
  const faults = new FaultBook();
  const stats = new RequestStats();
  const tokens = new TokenRegistry({
    integrationTokens: options.integrationTokens ?? ['sim-integration-token'],
    bearerIntegration: options.bearerIntegration ?? true,
    adminUsers: options.adminUsers ?? { admin: 'admin123' },
  });
  const attributes = new AttributeRegistry(options.dropdownAttributes);
  const catalog = new CatalogStore({
    attributes,
    requiredAttributes: options.requiredAttributes ?? ['name'],
    sources: options.sources ?? ['default'],
    rejectedAttribute: (sku) => faults.rejectedAttribute(sku),
  });
  const bulks = new BulkQueue({
    delayMs: options.bulkProcessingDelayMs ?? 50,
    execute: (_topic, payload) => executeProductTopic(catalog, payload),
    serviceName: () => PRODUCT_SAVE_SERVICE,
    takeRetriableFailure: () => faults.takeRetriableFailure(),
  });
  const limit = options.rateLimit;
  const bucket = limit
    ? new TokenBucket(limit.burst ?? limit.requestsPerSecond, limit.requestsPerSecond)
    : null;
  const gate = new RestGate({
    stats,
    faults,
    bucket,
    ...(limit?.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: limit.retryAfterSeconds }),
  });

  const orders = new OrderStore({ currency: options.currency ?? 'EUR' });
  let shopper: SampleShopper | null = null;
  const setShopperRate = (rate: number): void => {
    if (shopper) shopper.setRate(rate);
    else if (rate > 0)
      shopper = startSampleShopper(orders, () => sellableSkus(catalog), {
        ...options.shopper,
        ordersPerSecond: rate,
      });
  };
  const placed = (order: OrderRecord) => ({ view: orderView(order), placedAtMs: order.placedAtMs });
  const orderHarness: OrderHarness = {
    placements: (since) => orders.placements(since),
    place: (draft) => placed(orders.place(draft)),
    change: (entityId, change) => orderView(orders.update(entityId, change)),
    resolveLine: (line) => resolveLine(catalog, line),
    setShopperRate,
    shopperPlaced: () => shopper?.placed ?? 0,
  };

  const controls: HarnessControls = {
    stats: () => stats.snapshot(catalog.productCount),
    requestsSince: (since) => stats.entriesSince(since),
    inject: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    reset: () => {
      catalog.reset();
      bulks.reset();
      shopper?.setRate(0);
      orders.reset();
      stats.reset();
      faults.clear();
      bucket?.reset();
      gate.releaseHeld();
    },
  };

  const app = Fastify({
    // Logs go to stderr: stdout is where the CLI prints its ready line.
    logger: options.logger ? { level: 'info', stream: process.stderr } : false,
    // Bulk bodies can be large; Magento itself is bounded by PHP's post_max_size, not by 1 MB.
    bodyLimit: 64 * 1024 * 1024,
    // close() must not wait for keep-alive sockets or requests a timeout fault is holding.
    forceCloseConnections: true,
  });
  installMagentoHttp(app);
  gate.install(app);
  const ctx: SimulatorContext = {
    catalog,
    attributes,
    bulks,
    orders,
    routeDeps: { tokens, countItems: (request, count) => gate.countItems(request, count) },
  };
  await app.register(authRoutes, ctx);
  await app.register(productRoutes, ctx);
  await app.register(inventoryRoutes, ctx);
  await app.register(priceRoutes, ctx);
  await app.register(bulkRoutes, ctx);
  await app.register(orderRoutes, ctx);
  await app.register(harnessRoutes, controls);
  await app.register(orderHarnessRoutes, orderHarness);
  if (options.shopper && options.shopper.ordersPerSecond > 0) setShopperRate(options.shopper.ordersPerSecond);

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | null = null;

  return {
    url: `http://${host}:${address.port}`,
    stats: controls.stats,
    requests: (since = 0) => controls.requestsSince(since),
    inject: controls.inject,
    clearFaults: controls.clearFaults,
    reset: controls.reset,
    placeOrder: (order) => {
      const lines = order.lines.map((line) => {
        const draft = resolveLine(catalog, line);
        if (typeof draft === 'string') throw new Error(draft);
        return draft;
      });
      const buyer = randomBuyer(Math.random, { guestShare: order.guest ? 1 : 0 });
      const { view, placedAtMs } = placed(
        orders.place({
          lines,
          buyer,
          ...(order.paymentMethod === undefined ? {} : { paymentMethod: order.paymentMethod }),
        }),
      );
      return { ...view, placed_at_ms: placedAtMs } as PlacedOrder;
    },
    updateOrder: (entityId, change) => orderHarness.change(entityId, change),
    orderPlacements: (since = 0) => orders.placements(since),
    shopper: (rate) => {
      setShopperRate(rate);
      return shopper?.placed ?? 0;
    },
    close: () => {
      closing ??= (async () => {
        shopper?.stop();
        bulks.reset();
        gate.releaseHeld();
        await app.close();
      })();
      return closing;
    },
  };
}
