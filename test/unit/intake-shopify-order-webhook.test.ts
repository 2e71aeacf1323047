/**
 * The Shopify-style order webhook endpoint: with fastify's inject() for each answer (signature, shape,
 * headers, accept resolving or rejecting), and against the marketplace's order placer (the webhook
 * receiver simulator, which signs and retries as Shopify documents) over real HTTP for concurrent
 * duplicate deliveries and a wrong secret.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { startWebhookReceiver } from '../../infra/simulators/webhook-receiver/webhook-receiver.ts';
import { shopifyOrder as buildShopifyOrder } from '../../infra/simulators/webhook-receiver/shopify-order.ts';
import { shopifyHmac } from '../../streams/intake/shopify-hmac.ts';
import {
  shopifyOrderWebhook,
  type ShopifyOrderDelivery,
} from '../../streams/intake/shopify-order-webhook.ts';

const SECRET = 'shpss_orders_secret';
const closing: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closing.reverse()) await close();
});

const buyer = {
  customerId: null,
  email: 'guest@example.com',
  firstname: 'Eva',
  lastname: 'Lind',
  address: {
    firstname: 'Eva',
    lastname: 'Lind',
    street: ['Storgatan 5'],
    city: 'Malmö',
    postcode: '211 34',
    countryId: 'NL',
    telephone: '+31 20 123',
  },
};
const ORDER = buildShopifyOrder(
  7,
  { lines: [{ sku: 'LAMP-1', qty: 2, price: 10.5, name: 'Lamp 1' }], buyer },
  'EUR',
  Date.UTC(2026, 11, 3, 12, 0, 0, 300),
);

async function endpoint(accept: (delivery: ShopifyOrderDelivery) => Promise<void>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(shopifyOrderWebhook, { channelId: 'marketplace', secret: SECRET, accept });
  await app.ready();
  closing.push(() => app.close());
  return app;
}

function headers(body: string, overrides: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = {
    'content-type': 'application/json',
    'x-shopify-topic': 'orders/create',
    'x-shopify-hmac-sha256': shopifyHmac(body, SECRET),
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
    'x-shopify-triggered-at': '2026-12-03T12:00:00.412Z',
    'x-shopify-shop-domain': 'market.myshopify.com',
    ...overrides,
  };
  return Object.fromEntries(
    Object.entries(all).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

describe('shopify order webhook (inject)', () => {
  it('passes a signed order to accept with its dedup keys, and answers 200 only after accept resolved', async () => {
    const calls: ShopifyOrderDelivery[] = [];
    let release: () => void = () => undefined;
    const app = await endpoint(async (delivery) => {
      calls.push(delivery);
      await new Promise<void>((resolve) => (release = resolve));
    });
    const body = JSON.stringify(ORDER);
    let answered = false;
    const pending = app
      .inject({ method: 'POST', url: '/orders', headers: headers(body), payload: body })
      .then((answer) => {
        answered = true;
        return answer;
      });
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(answered, false, 'no answer while accept is pending');
    release();
    const answer = await pending;
    assert.equal(answer.statusCode, 200, answer.body);
    const [delivery] = calls;
    assert.ok(delivery);
    assert.equal(delivery.topic, 'orders/create');
    assert.equal(delivery.shopDomain, 'market.myshopify.com');
    assert.equal(delivery.order.channelId, 'marketplace');
    assert.equal(delivery.order.channelOrderId, String(ORDER.id));
    assert.equal(delivery.order.raw, body);
    assert.equal(delivery.order.version.sequence, Date.parse('2026-12-03T12:00:00.412Z'));
    assert.equal(delivery.dedup.webhookId, 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    assert.equal(delivery.dedup.eventId, '98880550-7158-44d4-b7cd-2c97c8a091b5');
    assert.match(
      delivery.dedup.orderVersion,
      new RegExp(`^${ORDER.id}@2026-12-03T12:00:00.000Z#[\\w-]{16}$`),
    );
    assert.deepEqual(answer.json(), { accepted: true, orderVersion: delivery.dedup.orderVersion });
  });

  it('verifies the raw bytes: a body with its own spacing and escapes is accepted as signed', async () => {
    const calls: ShopifyOrderDelivery[] = [];
    const app = await endpoint((delivery) => {
      calls.push(delivery);
      return Promise.resolve();
    });
    const body = JSON.stringify(ORDER, null, 2).replace('Malmö', 'Malm\\u00f6');
    const answer = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: headers(body),
      payload: body,
    });
    assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(calls[0]?.order.shippingAddress?.city, 'Malmö');
    assert.equal(calls[0]?.order.raw, body, 'kept byte for byte');
  });

  it('answers 401 naming the problem for a missing or wrong signature, and passes nothing on', async () => {
    const calls: ShopifyOrderDelivery[] = [];
    const app = await endpoint((delivery) => {
      calls.push(delivery);
      return Promise.resolve();
    });
    const body = JSON.stringify(ORDER);
    const missing = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: headers(body, { 'x-shopify-hmac-sha256': undefined }),
      payload: body,
    });
    assert.equal(missing.statusCode, 401);
    assert.equal(missing.json<{ error: string }>().error, 'SIGNATURE_MISSING');
    assert.match(missing.json<{ message: string }>().message, /X-Shopify-Hmac-SHA256 is missing/);
    const wrong = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: headers(body, { 'x-shopify-hmac-sha256': shopifyHmac(body, 'another secret') }),
      payload: body,
    });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json<{ error: string }>().error, 'SIGNATURE_INVALID');
    const tampered = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: headers(body),
      payload: body.replace('"quantity":2', '"quantity":20'),
    });
    assert.equal(tampered.statusCode, 401, 'the body changed after signing');
    const notJsonUnsigned = await app.inject({
      method: 'POST',
      url: '/orders',
      headers: headers('x', { 'x-shopify-hmac-sha256': 'bm9wZQ==' }),
      payload: 'not json',
    });
    assert.equal(notJsonUnsigned.statusCode, 401, 'the signature is checked before the body is read');
    assert.equal(calls.length, 0);
  });

  it('answers 400 naming the field for a signed but malformed body or a missing header', async () => {
    const calls: ShopifyOrderDelivery[] = [];
    const app = await endpoint((delivery) => {
      calls.push(delivery);
      return Promise.resolve();
    });
    const send = (body: string, overrides: Record<string, string | undefined> = {}) =>
      app.inject({ method: 'POST', url: '/orders', headers: headers(body, overrides), payload: body });
    const cases: [string, Record<string, string | undefined>, string][] = [
      ['{"id": ', {}, 'body'],
      [
        JSON.stringify({ ...ORDER, line_items: [{ ...ORDER.line_items[0], quantity: 'two' }] }),
        {},
        'line_items[0].quantity',
      ],
      [JSON.stringify({ ...ORDER, currency: null }), {}, 'currency'],
      [JSON.stringify(ORDER), { 'x-shopify-webhook-id': undefined }, 'X-Shopify-Webhook-Id'],
      [JSON.stringify(ORDER), { 'x-shopify-topic': 'products/update' }, 'X-Shopify-Topic'],
    ];
    for (const [body, overrides, field] of cases) {
      const answer = await send(body, overrides);
      assert.equal(answer.statusCode, 400, `${field}: ${answer.body}`);
      const error = answer.json<{ error: string; field: string; message: string }>();
      assert.equal(error.error, 'ORDER_MALFORMED');
      assert.equal(error.field, field);
      assert.ok(error.message.includes(field), error.message);
    }
    assert.equal(calls.length, 0);
  });

  it('answers 503 when accept rejects, so the channel retries, and 200 on the retry that is stored', async () => {
    let failing = true;
    const accepted: string[] = [];
    const app = await endpoint((delivery) => {
      if (failing) return Promise.reject(new Error('broker unreachable'));
      accepted.push(delivery.dedup.webhookId);
      return Promise.resolve();
    });
    const body = JSON.stringify(ORDER);
    const first = await app.inject({ method: 'POST', url: '/orders', headers: headers(body), payload: body });
    assert.equal(first.statusCode, 503);
    assert.equal(first.json<{ error: string }>().error, 'NOT_ACCEPTED');
    failing = false;
    const retry = await app.inject({ method: 'POST', url: '/orders', headers: headers(body), payload: body });
    assert.equal(retry.statusCode, 200);
    assert.deepEqual(accepted, ['b54557e4-bdd9-4b37-8a5f-bf7d70bcd043']);
  });

  it('gives one version key to a re-notification of the same version, and two to two changes within one second', async () => {
    const calls: ShopifyOrderDelivery[] = [];
    const app = await endpoint((delivery) => {
      calls.push(delivery);
      return Promise.resolve();
    });
    const send = (order: unknown, webhookId: string, triggeredAt: string) => {
      const body = JSON.stringify(order);
      return app.inject({
        method: 'POST',
        url: '/orders',
        headers: headers(body, {
          'x-shopify-topic': 'orders/updated',
          'x-shopify-webhook-id': webhookId,
          'x-shopify-triggered-at': triggeredAt,
        }),
        payload: body,
      });
    };
    const noted = { ...ORDER, updated_at: '2026-12-03T12:00:05+00:00', note: 'leave at the door' };
    const tagged = { ...noted, tags: 'gift' };
    assert.equal((await send(noted, 'w-1', '2026-12-03T12:00:05.100Z')).statusCode, 200);
    assert.equal((await send(tagged, 'w-2', '2026-12-03T12:00:05.700Z')).statusCode, 200);
    assert.equal((await send(noted, 'w-3', '2026-12-03T12:00:05.100Z')).statusCode, 200);
    const [first, second, resent] = calls.map((delivery) => delivery.dedup.orderVersion);
    assert.notEqual(first, second, 'two changes within one second: two versions');
    assert.equal(resent, first, 'the same version under a new webhook id: one version');
    assert.ok(
      calls[1]!.order.version.sequence > calls[0]!.order.version.sequence,
      'the later change sorts last',
    );
  });
});

describe('shopify order webhook against the marketplace simulator', () => {
  async function listening(accept: (delivery: ShopifyOrderDelivery) => Promise<void>): Promise<string> {
    const app = Fastify({ logger: false });
    await app.register(shopifyOrderWebhook, { channelId: 'marketplace', secret: SECRET, accept });
    await app.listen({ host: '127.0.0.1', port: 0 });
    closing.push(() => app.close());
    const address = app.server.address();
    assert.ok(address !== null && typeof address === 'object');
    return `http://127.0.0.1:${address.port}/orders`;
  }

  it('5 concurrent deliveries of one webhook: accept sees the same dedup keys each time', async () => {
    const calls: ShopifyOrderDelivery[] = [];
    let inAccept = 0;
    let mostAtOnce = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const url = await listening(async (delivery) => {
      calls.push(delivery);
      inAccept += 1;
      mostAtOnce = Math.max(mostAtOnce, inAccept);
      if (calls.length === 5) open();
      await gate; // a slow Kafka write: the channel times out and retries while the first is still here
      inAccept -= 1;
    });
    const market = await startWebhookReceiver({
      secret: 'offers-secret',
      orders: { url, secret: SECRET, timeoutMs: 1000, retryDelaysMs: [0, 0, 0, 0] },
    });
    closing.push(() => market.close());
    const pushed = market.orders!.place({ lines: [{ sku: 'LAMP-1', qty: 1, price: 12 }] });
    const outcome = await pushed.done;
    assert.equal(outcome.delivered, true, 'the fifth attempt answered 200');
    assert.equal(outcome.attempts, 5);
    assert.equal(calls.length, 5);
    assert.equal(mostAtOnce, 5, 'all five deliveries were in the endpoint at once');
    assert.deepEqual(new Set(calls.map((call) => call.dedup.webhookId)), new Set([pushed.webhookId]));
    assert.equal(new Set(calls.map((call) => call.dedup.orderVersion)).size, 1);
    assert.equal(new Set(calls.map((call) => call.dedup.eventId)).size, 1);
    assert.ok(calls.every((call) => call.order.channelOrderId === String(pushed.order.id)));
  });

  it('a duplicate delivery and an orders/updated: the duplicate repeats the keys, the update is a new version', async () => {
    const calls: ShopifyOrderDelivery[] = [];
    const url = await listening((delivery) => {
      calls.push(delivery);
      return Promise.resolve();
    });
    const market = await startWebhookReceiver({
      secret: 'offers-secret',
      orders: { url, secret: SECRET, retryDelaysMs: [50] },
    });
    closing.push(() => market.close());
    const pushed = market.orders!.place({ lines: [{ sku: 'LAMP-1', qty: 3, price: 12 }], duplicate: true });
    await pushed.done;
    await market.orders!.settled();
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a later updated_at second
    market.orders!.update(pushed.order.id, { note: 'ring twice' });
    await market.orders!.settled();
    assert.deepEqual(
      calls.map((call) => call.topic),
      ['orders/create', 'orders/create', 'orders/updated'],
    );
    const [first, duplicate, update] = calls;
    assert.ok(first && duplicate && update);
    assert.deepEqual(duplicate.dedup, first.dedup);
    assert.notEqual(update.dedup.webhookId, first.dedup.webhookId);
    assert.notEqual(update.dedup.orderVersion, first.dedup.orderVersion);
    assert.ok(update.order.version.updatedAtMs > first.order.version.updatedAtMs);
    assert.equal(update.order.lines[0]?.quantity, 3);
  });

  it('a wrong secret: 401 on every attempt, accept never called', async () => {
    let accepted = 0;
    const url = await listening(() => {
      accepted += 1;
      return Promise.resolve();
    });
    const market = await startWebhookReceiver({
      secret: 'offers-secret',
      orders: { url, secret: 'not the shared secret', retryDelaysMs: [20, 20] },
    });
    closing.push(() => market.close());
    const pushed = market.orders!.place({ lines: [{ sku: 'LAMP-1', qty: 1, price: 12 }] });
    const outcome = await pushed.done;
    assert.equal(outcome.delivered, false);
    assert.deepEqual(
      market.orders!.attempts().map((attempt) => attempt.status),
      [401, 401, 401],
    );
    assert.equal(accepted, 0);
  });
});
