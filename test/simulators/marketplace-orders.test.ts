/**
 * Contract tests of the marketplace's order placer (the webhook receiver simulator selling), written
 * from Shopify's public webhook documentation ("Webhooks: delivery", "Verify webhooks", the Order
 * resource): the order shape, the headers, the signature a receiver verifies over the raw body, retries
 * with backoff on a non-2xx answer or a timeout under the same webhook id, giving up after the last
 * retry, duplicate deliveries, orders/updated, and placement times in ms.
 *
 * The receiving end is a plain HTTP server in the test that records every request's raw bytes and
 * answers what the test scripts: it plays syncline's intake, whose contract is the one under test here.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import {
  startWebhookReceiver,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from '../../infra/simulators/webhook-receiver/webhook-receiver.ts';
import type { ShopifyOrder } from '../../infra/simulators/webhook-receiver/shopify-order.ts';
import { verifyShopifyHmac } from '../../streams/intake/shopify-hmac.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const OFFERS_SECRET = 'offers-secret';
const ORDERS_SECRET = 'shpss_orders_secret';
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const closing: (() => Promise<void>)[] = [];

after(async () => {
  await Promise.all(closing.map((close) => close()));
});

interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  status: number;
}

/** syncline's side of the webhook, scripted: `answer(n)` is the status of the n-th request (0-based). */
async function intake(answer: (n: number) => number | 'hang' = () => 200): Promise<{
  url: string;
  received: Received[];
}> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const plan = answer(received.length);
      const entry = { at: Date.now(), headers: request.headers, raw: Buffer.concat(chunks), status: 0 };
      received.push(entry);
      if (plan === 'hang') return; // never answered: the sender's timeout decides
      entry.status = plan;
      response.writeHead(plan, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closing.push(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`, received };
}

async function marketplace(
  url: string,
  orders: Partial<NonNullable<WebhookReceiverOptions['orders']>> = {},
): Promise<WebhookReceiver & { orders: NonNullable<WebhookReceiver['orders']> }> {
  const receiver = await startWebhookReceiver({
    secret: OFFERS_SECRET,
    orders: { url, secret: ORDERS_SECRET, retryDelaysMs: [50, 100], ...orders },
  });
  closing.push(() => receiver.close());
  const placer = receiver.orders;
  assert.ok(placer);
  return Object.assign(receiver, { orders: placer });
}

/** What the sink would send: offers the marketplace then sells, signed as the webhook adapter signs. */
async function holdOffers(
  receiver: WebhookReceiver,
  offers: { sku: string; quantity: number; price: string }[],
) {
  const body = JSON.stringify({
    channel: 'marketplace',
    deliveries: offers.map((offer) => ({
      key: offer.sku,
      contentHash: offer.sku,
      revision: '1',
      offer: {
        sku: offer.sku,
        name: `Item ${offer.sku}`,
        price: { amount: offer.price, currency: 'EUR' },
        quantity: offer.quantity,
      },
    })),
  });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', OFFERS_SECRET).update(`${t}.${body}`).digest('hex');
  const response = await fetch(receiver.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-syncline-signature': `t=${t},v1=${v1}` },
    body,
  });
  assert.equal(response.status, 200, await response.text());
}

const orderOf = (entry: Received | undefined): ShopifyOrder =>
  JSON.parse(entry?.raw.toString('utf8') ?? '') as ShopifyOrder;

describe('marketplace orders: the webhook', () => {
  it("sends orders/create in Shopify's order shape with Shopify's headers, signed over the raw body", async () => {
    const target = await intake();
    const shop = await marketplace(target.url, { shopDomain: 'outlet-test.myshopify.com' });
    const pushed = shop.orders.place({
      lines: [
        { sku: 'SKU-1', qty: 2, price: 19.9, name: 'Lamp' },
        { sku: 'SKU-2', qty: 1, price: 5 },
      ],
    });
    const outcome = await pushed.done;
    assert.deepEqual([outcome.delivered, outcome.attempts], [true, 1]);
    assert.equal(target.received.length, 1);
    const [request] = target.received;
    assert.ok(request);
    const headers = request.headers;
    assert.equal(headers['x-shopify-topic'], 'orders/create');
    assert.equal(headers['x-shopify-shop-domain'], 'outlet-test.myshopify.com');
    assert.match(String(headers['x-shopify-webhook-id']), /^[0-9a-f-]{36}$/);
    assert.equal(headers['x-shopify-webhook-id'], pushed.webhookId);
    assert.match(String(headers['x-shopify-event-id']), /^[0-9a-f-]{36}$/);
    assert.ok(!Number.isNaN(Date.parse(String(headers['x-shopify-triggered-at']))));
    assert.match(String(headers['content-type']), /application\/json/);

    const signature = headers['x-shopify-hmac-sha256'];
    assert.equal(
      verifyShopifyHmac(request.raw, signature, ORDERS_SECRET),
      true,
      'verifiable with the shared secret',
    );
    assert.equal(signature, createHmac('sha256', ORDERS_SECRET).update(request.raw).digest('base64'));
    assert.equal(verifyShopifyHmac(request.raw, signature, 'another-secret'), false);

    const order = orderOf(request);
    assert.equal(order.id, pushed.order.id);
    assert.ok(Number.isSafeInteger(order.id));
    assert.match(order.name, /^#\d+$/);
    assert.equal(order.currency, 'EUR');
    assert.match(order.updated_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    assert.deepEqual(
      order.line_items.map((line) => [line.sku, line.quantity, line.price, line.title]),
      [
        ['SKU-1', 2, '19.90', 'Lamp'],
        ['SKU-2', 1, '5.00', 'SKU-2'],
      ],
    );
    assert.equal(order.subtotal_price, '44.80');
    assert.equal(
      order.total_price,
      (44.8 + Number(order.total_shipping_price_set.shop_money.amount)).toFixed(2),
    );
    assert.ok(order.shipping_address.address1 && order.shipping_address.country_code.length === 2);
    assert.ok(order.email.includes('@'));

    const guest = shop.orders.place({ lines: [{ sku: 'SKU-1', qty: 1, price: 1 }], guest: true });
    await guest.done;
    assert.equal(orderOf(target.received[1]).customer, null, 'a guest checkout has no customer');
    const registered = shop.orders.place({ lines: [{ sku: 'SKU-1', qty: 1, price: 1 }], guest: false });
    await registered.done;
    const customer = orderOf(target.received[2]).customer;
    assert.ok(customer && Number.isSafeInteger(customer.id) && customer.email.includes('@'));
  });

  it('retries a 500 with backoff under the same webhook id and signature, until a 2xx', async () => {
    const target = await intake((n) => (n < 2 ? 500 : 200));
    const shop = await marketplace(target.url, { retryDelaysMs: [80, 160, 320] });
    const outcome = await shop.orders.place({ lines: [{ sku: 'A', qty: 1, price: 3 }] }).done;
    assert.deepEqual([outcome.delivered, outcome.attempts], [true, 3]);
    assert.deepEqual(
      target.received.map((request) => request.status),
      [500, 500, 200],
    );
    const ids = new Set(target.received.map((request) => request.headers['x-shopify-webhook-id']));
    assert.equal(ids.size, 1, 'a retry is the same webhook');
    assert.equal(new Set(target.received.map((request) => request.raw.toString())).size, 1, 'the same body');
    const [first, second, third] = target.received.map((request) => request.at);
    assert.ok(first !== undefined && second !== undefined && third !== undefined);
    assert.ok(second - first >= 75, `first retry after the first delay: ${second - first} ms`);
    assert.ok(third - second >= 155, `second retry after the second, longer delay: ${third - second} ms`);
    assert.deepEqual(
      shop.orders.attempts().map((attempt) => [attempt.attempt, attempt.status]),
      [
        [1, 500],
        [2, 500],
        [3, 200],
      ],
    );
  });

  it('retries a delivery not answered within the timeout, and gives up after the last retry', async () => {
    const slow = await intake((n) => (n === 0 ? 'hang' : 200));
    const shop = await marketplace(slow.url, { timeoutMs: 200, retryDelaysMs: [20] });
    const outcome = await shop.orders.place({ lines: [{ sku: 'A', qty: 1, price: 3 }] }).done;
    assert.deepEqual([outcome.delivered, outcome.attempts], [true, 2]);
    assert.deepEqual(
      shop.orders.attempts().map((attempt) => attempt.status),
      [0, 200],
      '0: no answer in time',
    );

    const down = await intake(() => 503);
    const doomed = await marketplace(down.url, { retryDelaysMs: [10, 10, 10] });
    const lost = await doomed.orders.place({ lines: [{ sku: 'A', qty: 1, price: 3 }] }).done;
    assert.deepEqual([lost.delivered, lost.attempts], [false, 4]);
    await sleep(100);
    assert.equal(down.received.length, 4, 'one try and three retries, then nothing more');
  });

  it('delivers a webhook twice when asked, or by the configured share: same webhook id, same bytes', async () => {
    const target = await intake();
    const shop = await marketplace(target.url, { duplicateShare: 0 });
    await shop.orders.place({ lines: [{ sku: 'A', qty: 1, price: 3 }], duplicate: true }).done;
    await shop.orders.settled();
    assert.equal(target.received.length, 2);
    const [one, two] = target.received;
    assert.equal(one?.headers['x-shopify-webhook-id'], two?.headers['x-shopify-webhook-id']);
    assert.equal(one?.headers['x-shopify-event-id'], two?.headers['x-shopify-event-id']);
    assert.deepEqual(one?.raw, two?.raw);
    assert.deepEqual(
      shop.orders.attempts().map((attempt) => attempt.duplicate),
      [false, true],
    );
    await shop.orders.place({ lines: [{ sku: 'A', qty: 1, price: 3 }] }).done;
    await shop.orders.settled();
    assert.equal(target.received.length, 3, 'share 0: once');

    const always = await intake();
    const twice = await marketplace(always.url, { duplicateShare: 1 });
    for (let n = 0; n < 3; n += 1) twice.orders.place({ lines: [{ sku: 'A', qty: 1, price: 3 }] });
    await twice.orders.settled();
    assert.equal(always.received.length, 6, 'share 1: every webhook twice');
  });

  it('sends orders/updated when the order changes (updated_at moves), and resends a version under a new webhook id', async () => {
    const target = await intake();
    const shop = await marketplace(target.url);
    const placed = shop.orders.place({ lines: [{ sku: 'A', qty: 1, price: 3 }] });
    await placed.done;
    await sleep(1100); // Shopify's updated_at has whole seconds
    const updated = shop.orders.update(placed.order.id, { note: 'leave at the door' });
    await updated.done;
    const resent = shop.orders.resend(placed.order.id);
    await resent.done;
    const [create, update, again] = target.received;
    assert.equal(update?.headers['x-shopify-topic'], 'orders/updated');
    const before = orderOf(create);
    const after = orderOf(update);
    assert.equal(after.id, before.id);
    assert.equal(after.note, 'leave at the door');
    assert.ok(after.updated_at > before.updated_at, `${after.updated_at} after ${before.updated_at}`);
    assert.equal(after.created_at, before.created_at);
    assert.notEqual(update?.headers['x-shopify-webhook-id'], create?.headers['x-shopify-webhook-id']);
    assert.deepEqual(again?.raw, update?.raw, 'the same version');
    assert.notEqual(again?.headers['x-shopify-webhook-id'], update?.headers['x-shopify-webhook-id']);
    const [placement] = shop.orders.placements();
    assert.equal(placement?.placed_at_ms, placed.placedAtMs);
    assert.ok((placement?.updated_at_ms ?? 0) >= placed.placedAtMs + 1000);
    assert.equal(placement?.webhooks, 3);
  });
});

describe('marketplace orders: the shop', () => {
  it('sells what the receiver holds with stock, at its price, at the set pace; placement times over HTTP', async () => {
    const target = await intake();
    const shop = await marketplace(target.url);
    await holdOffers(shop, [
      { sku: 'M-1', quantity: 10, price: '12.50' },
      { sku: 'M-2', quantity: 2, price: '3.00' },
      { sku: 'M-EMPTY', quantity: 0, price: '1.00' },
    ]);
    const from = performance.now();
    const started = await fetch(`${shop.url.replace(/\/webhook$/, '')}/__simulator/shopper`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ordersPerSecond: 50 }),
    });
    assert.equal(started.status, 200);
    await sleep(1000);
    shop.orders.setRate(0);
    const seconds = (performance.now() - from) / 1000;
    await shop.orders.settled();
    const orders = target.received.map(orderOf);
    assert.ok(
      orders.length <= 50 * seconds + 2 && orders.length >= Math.max(20, 25 * seconds),
      `50/s for ${seconds.toFixed(2)} s, got ${orders.length} orders`,
    );
    const lines = orders.flatMap((order) => order.line_items);
    assert.deepEqual([...new Set(lines.map((line) => line.sku))].sort(), ['M-1', 'M-2']);
    assert.ok(lines.every((line) => line.price === (line.sku === 'M-1' ? '12.50' : '3.00')));
    assert.ok(
      lines.filter((line) => line.sku === 'M-2').every((line) => line.quantity <= 2),
      'never more than held',
    );

    const base = shop.url.replace(/\/webhook$/, '');
    const one = await fetch(`${base}/__simulator/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ sku: 'M-1', qty: 1 }] }),
    });
    assert.equal(one.status, 200);
    const placed = (await one.json()) as { order: ShopifyOrder; placed_at_ms: number; webhook_id: string };
    assert.equal(placed.order.line_items[0]?.price, '12.50', 'the price of what the shop holds');
    const list = (await (await fetch(`${base}/__simulator/orders`)).json()) as {
      id: number;
      placed_at_ms: number;
    }[];
    assert.equal(list.length, orders.length + 1);
    assert.equal(list.at(-1)?.id, placed.order.id);
    assert.equal(list.at(-1)?.placed_at_ms, placed.placed_at_ms);
    const unknown = await fetch(`${base}/__simulator/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ lines: [{ sku: 'NOT-SOLD', qty: 1 }] }),
    });
    assert.equal(unknown.status, 400);
  });

  it('runs standalone with --orders-url, pushing orders signed with the orders secret', async () => {
    const target = await intake();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'infra/simulators/webhook-receiver/webhook-receiver-cli.ts',
        '--orders-url',
        target.url,
      ],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
        env: {
          ...process.env,
          SYNCLINE_WEBHOOK_SECRET: OFFERS_SECRET,
          SYNCLINE_MARKETPLACE_ORDERS_SECRET: ORDERS_SECRET,
        },
      },
    );
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const answer = await fetch(`${url.replace(/\/webhook$/, '')}/__simulator/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ lines: [{ sku: 'X', qty: 1, price: 2 }] }),
      });
      assert.equal(answer.status, 200);
      for (let tries = 0; tries < 50 && target.received.length === 0; tries += 1) await sleep(20);
      const [request] = target.received;
      assert.ok(request);
      assert.equal(
        verifyShopifyHmac(request.raw, request.headers['x-shopify-hmac-sha256'], ORDERS_SECRET),
        true,
      );
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
});
