/**
 * A webhook receiver for the demo and the tests: it plays the system at the other end of the
 * webhook channel (streams/sinks/adapters/webhook), following the receiver's contract written
 * there, not the adapter's internals:
 *
 *   - POST /webhook: refuses a missing, wrong or expired signature (401 `{"error"}`), answers a
 *     repeated `Idempotency-Key` with its first answer without applying it again, upserts each
 *     key with an offer and removes each key whose offer is null; answers `{"accepted": n}`, or
 *     per-item `{"results": [...]}` when some keys are rejected (`rejectKeys`).
 *   - GET /offers: what it holds, for a person watching the demo.
 *
 * Faults can be injected (`inject`) to exercise the sender's retries: a 503, a 429 with
 * Retry-After, a slow answer. A slow channel (`slowDown`) holds requests a while and then
 * processes them as usual, so a sender can be caught in the middle of a call that succeeds.
 *
 * The receiver plays a marketplace, so it also sells: with `orders` set, an order placer buys from
 * the offers it holds and pushes each order to syncline as a Shopify-style webhook
 * (order-placer.ts, shopify-webhook-sender.ts), with `/__simulator/*` routes to drive and read it.
 */
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import type { Offer } from '../../../streams/contracts/channel-offer.ts';
import {
  verifyWebhookSignature,
  type WebhookItemResult,
  type WebhookPayload,
} from '../../../streams/sinks/adapters/webhook/index.ts';
import { IdempotencyMemory } from './idempotency-memory.ts';
import { OrderPlacer, type OrderPlacerOptions } from './order-placer.ts';
import { orderPlacerRoutes } from './order-placer-routes.ts';
import { ShopifyWebhookSender, type WebhookSenderOptions } from './shopify-webhook-sender.ts';
import { readPayload } from './read-payload.ts';

export interface WebhookReceiverOptions {
  readonly secret: string;
  /** Default 127.0.0.1: the simulator is never meant to be reachable from another machine. */
  readonly host?: string;
  /** 0 (the default) = any free port. */
  readonly port?: number;
  /** Keys this receiver refuses, with the error it gives for each. */
  readonly rejectKeys?: Readonly<Record<string, string>>;
  readonly signatureHeader?: string;
  readonly toleranceSeconds?: number;
  /**
   * Sell, and push the orders to `orders.url` signed with `orders.secret` (Shopify's scheme). The
   * shop sells the offers the receiver holds that have stock, at their price.
   */
  readonly orders?: WebhookSenderOptions & Omit<OrderPlacerOptions, 'sellable'>;
}

export interface HeldOffer {
  readonly offer: Offer;
  readonly contentHash: string;
  readonly receivedAt: Date;
}

export interface ReceiverFault {
  /** The status answered instead of processing the request: 503, 429, 500, 400... */
  readonly status: number;
  /** Sent as `Retry-After` (seconds). */
  readonly retryAfterSeconds?: number;
  /** How many requests get this answer; unset = every request until clearFaults(). */
  readonly count?: number;
  /** Waits this long before answering, to exercise a sender's timeout. */
  readonly delayMs?: number;
}

export interface WebhookReceiver {
  /** The endpoint to configure as the adapter's `url`. */
  readonly url: string;
  /** What the receiver holds now, by key (delisted keys removed). A copy. */
  offers(): Map<string, HeldOffer>;
  /** POSTs received, whatever was answered. */
  requests(): number;
  /** Requests answered from memory because their Idempotency-Key was seen. */
  duplicates(): number;
  /** Queues a fault; faults apply in the order injected, before the signature is even read. */
  inject(fault: ReceiverFault): void;
  clearFaults(): void;
  /** The next `count` requests wait `delayMs` before they are processed as usual (and answered 2xx). */
  slowDown(slow: { readonly delayMs: number; readonly count: number }): void;
  /** The marketplace's order placer; null unless `orders` was given. */
  readonly orders: OrderPlacer | null;
  close(): Promise<void>;
}

type Answer = { readonly status: number; readonly body: unknown };

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

function applyPayload(
  payload: WebhookPayload,
  held: Map<string, HeldOffer>,
  rejectKeys: Readonly<Record<string, string>>,
): Answer {
  const results: WebhookItemResult[] = [];
  for (const { key, contentHash, offer } of payload.deliveries) {
    const error = rejectKeys[key];
    if (error !== undefined) {
      results.push({ key, status: 'rejected', error });
      continue;
    }
    if (offer === null) held.delete(key);
    else held.set(key, { offer, contentHash, receivedAt: new Date() });
    results.push({ key, status: 'ok' });
  }
  const anyRejected = results.some((result) => result.status === 'rejected');
  return { status: 200, body: anyRejected ? { results } : { accepted: results.length } };
}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const signatureHeader = (options.signatureHeader ?? 'X-Syncline-Signature').toLowerCase();
  const rejectKeys = options.rejectKeys ?? {};
  const held = new Map<string, HeldOffer>();
  const memory = new IdempotencyMemory();
  const faults: { fault: ReceiverFault; left: number }[] = [];
  const slowdowns: { delayMs: number; left: number }[] = [];
  let requests = 0;
  let duplicates = 0;

  function takeFault(): ReceiverFault | undefined {
    const next = faults[0];
    if (next === undefined) return undefined;
    next.left -= 1;
    if (next.left <= 0) faults.shift();
    return next.fault;
  }

  // 500 offers with descriptions and variants are a few MB; fastify's default limit is 1 MB.
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 * 1024 });
  // The signature is over the bytes sent, so the body is kept raw and parsed after verifying.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) =>
    done(null, body),
  );

  const orders = options.orders
    ? new OrderPlacer(new ShopifyWebhookSender(options.orders), {
        ...options.orders,
        sellable: () =>
          [...held.values()].map(({ offer }) => ({
            sku: offer.sku,
            name: offer.name,
            price: Number(offer.price.amount),
            quantity: offer.quantity,
          })),
      })
    : null;
  if (orders) orderPlacerRoutes(app, orders);

  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/offers', () => Object.fromEntries(held));
  app.post<{ Body: Buffer }>('/webhook', async (request, reply) => {
    requests += 1;
    const slow = slowdowns[0];
    if (slow !== undefined) {
      slow.left -= 1;
      if (slow.left <= 0) slowdowns.shift();
      await sleep(slow.delayMs);
    }
    const fault = takeFault();
    if (fault !== undefined) {
      if (fault.delayMs !== undefined) await sleep(fault.delayMs);
      if (fault.retryAfterSeconds !== undefined)
        void reply.header('retry-after', String(fault.retryAfterSeconds));
      return reply.code(fault.status).send({ error: `injected fault: HTTP ${fault.status}` });
    }
    const raw = request.body;
    const signature = single(request.headers[signatureHeader]);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const refused = verifyWebhookSignature(
      options.secret,
      signature,
      raw,
      nowSeconds,
      options.toleranceSeconds,
    );
    if (refused !== undefined) return reply.code(401).send({ error: `bad signature: ${refused}` });

    const idempotencyKey = single(request.headers['idempotency-key']);
    const bodyHash = createHash('sha256').update(raw).digest('hex');
    const earlier = idempotencyKey === undefined ? undefined : memory.recall(idempotencyKey);
    if (earlier !== undefined) {
      if (earlier.bodyHash !== bodyHash) {
        return reply
          .code(422)
          .send({ error: `Idempotency-Key ${idempotencyKey} was already used with another body` });
      }
      duplicates += 1;
      return reply.code(earlier.status).header('idempotent-replayed', 'true').send(earlier.body);
    }

    const payload = readPayload(raw);
    if (typeof payload === 'string') return reply.code(400).send({ error: payload });
    const keys = payload.deliveries.map((delivery) => delivery.key);
    memory.forgetTouching(keys);
    const answer = applyPayload(payload, held, rejectKeys);
    if (idempotencyKey !== undefined) memory.remember(idempotencyKey, { ...answer, bodyHash, keys });
    return reply.code(answer.status).send(answer.body);
  });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/webhook`,
    offers: () => new Map(held),
    requests: () => requests,
    duplicates: () => duplicates,
    inject: (fault) => void faults.push({ fault, left: fault.count ?? Number.POSITIVE_INFINITY }),
    clearFaults: () => void faults.splice(0),
    slowDown: ({ delayMs, count }) => void slowdowns.push({ delayMs, left: count }),
    orders,
    close: () => {
      orders?.stop();
      return app.close();
    },
  };
}
