/**
 * The push side of order intake for channels that notify as Shopify does: a fastify plugin with one
 * POST route that takes `orders/*` webhooks, verifies Shopify's signature over the raw bytes, maps the
 * order, and answers 2xx only once `accept` (the Kafka write, supplied by the intake role) has resolved.
 *
 * Answers, and why each:
 * - 401 with a JSON error naming the problem: the `X-Shopify-Hmac-SHA256` header is missing or does
 *   not match the raw body under this channel's secret. Nothing is mapped or passed on.
 * - 400 naming the field: a signed body that is not Shopify's order shape, or a missing header this
 *   endpoint needs. Retrying the same bytes cannot help.
 * - 503 when `accept` rejects: the order is not durably stored, so the channel must retry (Shopify
 *   retries a non-2xx answer under the same webhook id).
 * - 200 once `accept` resolved. Shopify gives up on an answer after 5 s, so `accept` must be quick;
 *   a retry after such a timeout is a duplicate the dedup keys catch.
 *
 * Deduplication is the accepting side's job (it outlives this process and spans replicas); this route
 * hands it two keys:
 * - `webhookId` (`X-Shopify-Webhook-Id`, the same on every retry of one delivery; `X-Shopify-Event-Id`
 *   is passed along too, as older Shopify docs name it);
 * - `orderVersion` = order id + `updated_at` + a short hash of the raw body. Shopify's `updated_at` has
 *   whole seconds, so two changes within one second share it; the body hash keeps them apart (their
 *   bodies differ) while a re-notification of one version under a new webhook id (the same bytes)
 *   shares the key. The version's `sequence` is the ms time in `X-Shopify-Triggered-At`, so of two
 *   changes within one second the later one sorts last.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ChannelOrder } from '../contracts/orders/channel-order.ts';
import { MalformedOrderError } from './intake-errors.ts';
import { verifyShopifyHmac } from './shopify-hmac.ts';
import { shopifyOrder } from './shopify-order.ts';

export interface OrderDedupKeys {
  /** One delivery of one webhook, the same on its retries. */
  readonly webhookId: string;
  readonly eventId: string | null;
  /** One version of one order: `${id}@${updated_at}#${body hash}`. */
  readonly orderVersion: string;
}

export interface ShopifyOrderDelivery {
  readonly topic: string;
  readonly order: ChannelOrder;
  readonly dedup: OrderDedupKeys;
  readonly shopDomain: string | null;
  readonly receivedAtMs: number;
}

export interface ShopifyOrderWebhookOptions {
  readonly channelId: string;
  /** The app's client secret the channel signs with. */
  readonly secret: string;
  /** Route path. Default `/orders`. */
  readonly path?: string;
  /** Stores the order durably (later: the Kafka transaction); the answer waits for it. */
  readonly accept: (delivery: ShopifyOrderDelivery) => Promise<void>;
  readonly now?: () => number;
}

type ErrorBody = { error: string; message: string; field?: string };

function header(request: FastifyRequest, name: string): string | null {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function refuse(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).type('application/json').send(body);
}

function malformed(reply: FastifyReply, field: string, message: string): FastifyReply {
  return refuse(reply, 400, { error: 'ORDER_MALFORMED', field, message });
}

export function orderVersionKey(order: ChannelOrder, rawBody: Buffer): string {
  const hash = createHash('sha256').update(rawBody).digest('base64url').slice(0, 16);
  return `${order.channelOrderId}@${order.version.updatedAt}#${hash}`;
}

// Encapsulated on purpose (no fastify-plugin): the raw-body parser below applies to this route only.
export function shopifyOrderWebhook(
  app: FastifyInstance,
  options: ShopifyOrderWebhookOptions,
  done: (error?: Error) => void,
): void {
  const now = options.now ?? Date.now;
  // The signature is over the bytes as sent; a parsed and re-serialised body would not verify.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(options.path ?? '/orders', async (request, reply) => {
    const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const signature = request.headers['x-shopify-hmac-sha256'];
    if (signature === undefined)
      return refuse(reply, 401, {
        error: 'SIGNATURE_MISSING',
        message: 'X-Shopify-Hmac-SHA256 is missing: the body is not signed',
      });
    if (!verifyShopifyHmac(raw, signature, options.secret))
      return refuse(reply, 401, {
        error: 'SIGNATURE_INVALID',
        message: "X-Shopify-Hmac-SHA256 does not match the body under this channel's secret",
      });

    const topic = header(request, 'x-shopify-topic');
    if (topic === null || !topic.startsWith('orders/'))
      return malformed(reply, 'X-Shopify-Topic', `X-Shopify-Topic must be an orders/* topic, got ${topic}`);
    const webhookId = header(request, 'x-shopify-webhook-id');
    if (webhookId === null)
      return malformed(
        reply,
        'X-Shopify-Webhook-Id',
        'X-Shopify-Webhook-Id is missing: deliveries cannot be deduplicated',
      );
    const triggeredAt = Date.parse(header(request, 'x-shopify-triggered-at') ?? '');

    let order: ChannelOrder;
    try {
      order = shopifyOrder(
        options.channelId,
        raw.toString('utf8'),
        Number.isFinite(triggeredAt) ? triggeredAt : 0,
      );
    } catch (error) {
      if (error instanceof MalformedOrderError) return malformed(reply, error.field, error.message);
      throw error;
    }
    const delivery: ShopifyOrderDelivery = {
      topic,
      order,
      dedup: {
        webhookId,
        eventId: header(request, 'x-shopify-event-id'),
        orderVersion: orderVersionKey(order, raw),
      },
      shopDomain: header(request, 'x-shopify-shop-domain'),
      receivedAtMs: now(),
    };
    try {
      await options.accept(delivery);
    } catch (error) {
      request.log.warn(
        { err: error, channel: options.channelId, order: order.channelOrderId, webhookId },
        'order not accepted; the channel will retry',
      );
      return refuse(reply, 503, {
        error: 'NOT_ACCEPTED',
        message: `order ${order.channelOrderId} could not be stored yet; retry`,
      });
    }
    return reply.code(200).send({ accepted: true, orderVersion: delivery.dedup.orderVersion });
  });
  done();
}
