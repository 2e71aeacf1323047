/**
 * The webhook adapter against the in-process webhook receiver (infra/simulators/webhook-receiver),
 * over real HTTP on loopback: deliveries, delists, per-item rejections, faults, replays, setup
 * errors. The receiver is only observed through its public handle.
 */
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import pino from 'pino';
import {
  startWebhookReceiver,
  type WebhookReceiver,
} from '../../infra/simulators/webhook-receiver/webhook-receiver.ts';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { validateConfig } from '../../streams/runtime/config/validate-config.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import {
  verifyWebhookSignature,
  webhookAdapter,
  type WebhookPayload,
  type WebhookSettings,
} from '../../streams/sinks/adapters/webhook/index.ts';
import { webhookOutcomes } from '../../streams/sinks/adapters/webhook/webhook-response.ts';
import {
  ChannelCallError,
  type AdapterContext,
  type ChannelAdapter,
  type Delivery,
} from '../../streams/sinks/channel-adapter.ts';
import { directChannelHttp, type RecordingChannelHttp } from '../helpers/direct-channel-http.ts';

const secret = randomBytes(16).toString('hex');
const secretEnv = `SYNCLINE_TEST_WEBHOOK_SECRET_${randomBytes(4).toString('hex').toUpperCase()}`;

function offer(sku: string, overrides: Partial<Offer> = {}): Offer {
  return {
    channel: 'portal',
    sku,
    parentSku: null,
    name: `Product ${sku}`,
    description: null,
    ean: '2000000000015',
    brand: 'Nordwand',
    category: null,
    attributes: {},
    price: { amount: '19.90', currency: 'EUR' },
    quantity: 4,
    variants: [],
    fields: { gtin: '2000000000015' },
    ...overrides,
  };
}

/** Each delivery a new version of its key, as the runner's topic positions make them. */
let revisions = 0;
const upsert = (value: Offer, contentHash = `hash-${value.sku}-${value.quantity}`): Delivery => ({
  key: value.sku,
  offer: value,
  contentHash,
  revision: `0:${++revisions}`,
});
const delist = (key: string): Delivery => ({
  key,
  offer: null,
  contentHash: 'tombstone',
  revision: `0:${++revisions}`,
});

function settings(url: string, extra: Record<string, unknown> = {}): WebhookSettings {
  return validateConfig<WebhookSettings>(
    webhookAdapter.settingsSchema,
    { url, secretEnv, ...extra },
    'settings',
  );
}

function contextWith(http: RecordingChannelHttp): AdapterContext {
  return { http, logger: pino({ level: 'silent' }), signal: new AbortController().signal };
}

async function callError(promise: Promise<unknown>): Promise<ChannelCallError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ChannelCallError, `expected a ChannelCallError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the call to fail');
}

describe('webhook adapter', () => {
  let receiver: WebhookReceiver;
  let adapter: ChannelAdapter;
  let http: RecordingChannelHttp;
  let context: AdapterContext;

  before(async () => {
    process.env[secretEnv] = secret;
    receiver = await startWebhookReceiver({
      secret,
      rejectKeys: { 'SKU-BAD': 'EAN 123 is not a valid GTIN' },
    });
    adapter = webhookAdapter.create(settings(receiver.url, { headers: { 'X-Tenant': 'acme' } }), 'portal');
  });
  after(async () => {
    await adapter.close();
    await receiver.close();
    delete process.env[secretEnv];
  });
  beforeEach(() => {
    receiver.clearFaults();
    http = directChannelHttp({ timeoutMs: 2000 });
    context = contextWith(http);
  });

  it('takes its defaults from the settings schema', () => {
    assert.equal(adapter.kind, 'webhook');
    assert.equal(adapter.maxBatch, 50);
    assert.equal(settings('http://x').signatureHeader, 'X-Syncline-Signature');
    assert.throws(
      () => settings('http://x', { batchSize: 501 }),
      (error: Error) => error instanceof SynclineError && /batchSize/.test(error.message),
    );
  });

  it('delivers a batch, signed, with an idempotency key and the static headers', async () => {
    const batch = [
      upsert(offer('SKU-1')),
      upsert(offer('SKU-2', { price: { amount: '5.00', currency: 'EUR' } })),
    ];
    const outcomes = await adapter.deliver(batch, context);
    assert.deepEqual(outcomes, [
      { kind: 'delivered', status: 200 },
      { kind: 'delivered', status: 200 },
    ]);
    assert.deepEqual(receiver.offers().get('SKU-2')?.offer.price, { amount: '5.00', currency: 'EUR' });
    assert.equal(receiver.offers().get('SKU-1')?.contentHash, batch[0]?.contentHash);

    const [request] = http.sent;
    assert.ok(request && typeof request.body === 'string');
    const headers = request.headers ?? {};
    assert.equal(request.method, 'POST');
    assert.equal(request.items, 2);
    assert.equal(headers['Content-Type'], 'application/json');
    assert.equal(headers['X-Tenant'], 'acme');
    assert.equal(headers['Idempotency-Key'], createHash('sha256').update(request.body).digest('hex'));
    const signature = headers['X-Syncline-Signature'];
    assert.equal(
      verifyWebhookSignature(secret, signature, request.body, Math.floor(Date.now() / 1000)),
      undefined,
    );
    const payload = JSON.parse(request.body) as WebhookPayload;
    assert.equal(payload.channel, 'portal');
    assert.deepEqual(
      payload.deliveries.map((d) => [d.key, d.contentHash, d.offer?.sku]),
      [
        ['SKU-1', 'hash-SKU-1-4', 'SKU-1'],
        ['SKU-2', 'hash-SKU-2-4', 'SKU-2'],
      ],
    );
  });

  it('delists a key with a null offer', async () => {
    await adapter.deliver([upsert(offer('SKU-GONE'))], context);
    assert.ok(receiver.offers().has('SKU-GONE'));
    const outcomes = await adapter.deliver([delist('SKU-GONE')], context);
    assert.deepEqual(outcomes, [{ kind: 'delivered', status: 200 }]);
    assert.equal(receiver.offers().has('SKU-GONE'), false);
    assert.equal((JSON.parse(String(http.sent[1]?.body)) as WebhookPayload).deliveries[0]?.offer, null);
  });

  it('rejects the item the receiver refuses and delivers the rest', async () => {
    const outcomes = await adapter.deliver([upsert(offer('SKU-3')), upsert(offer('SKU-BAD'))], context);
    assert.deepEqual(outcomes, [
      { kind: 'delivered', status: 200 },
      {
        kind: 'rejected',
        status: 200,
        channelError: 'EAN 123 is not a valid GTIN',
        code: 'REJECTED_BY_RECEIVER',
      },
    ]);
    assert.ok(receiver.offers().has('SKU-3'));
    assert.equal(receiver.offers().has('SKU-BAD'), false);
  });

  it('throws a transient ChannelCallError on 503, and delivers once the receiver is back', async () => {
    receiver.inject({ status: 503, count: 1 });
    const error = await callError(adapter.deliver([upsert(offer('SKU-4'))], context));
    assert.equal(error.details.transient, true);
    assert.equal(error.details.status, 503);
    assert.equal(error.details.code, 'HTTP_503');
    assert.match(error.details.channelError, /injected fault/);
    assert.equal(receiver.offers().has('SKU-4'), false);
    assert.deepEqual(await adapter.deliver([upsert(offer('SKU-4'))], context), [
      { kind: 'delivered', status: 200 },
    ]);
  });

  it("reads a 429's Retry-After into retryAfterMs", async () => {
    receiver.inject({ status: 429, retryAfterSeconds: 7, count: 1 });
    const error = await callError(adapter.deliver([upsert(offer('SKU-5'))], context));
    assert.equal(error.details.transient, true);
    assert.equal(error.details.status, 429);
    assert.equal(error.details.retryAfterMs, 7000);
  });

  it('times out a slow receiver as a transient failure', async () => {
    receiver.inject({ status: 503, delayMs: 500, count: 1 });
    const slow = contextWith(directChannelHttp({ timeoutMs: 100 }));
    const error = await callError(adapter.deliver([upsert(offer('SKU-6'))], slow));
    assert.equal(error.details.transient, true);
    assert.equal(error.details.code, 'TIMEOUT');
  });

  it('has the identical request dropped by the receiver, whether re-sent by the adapter or replayed as is', async () => {
    const before = { requests: receiver.requests(), duplicates: receiver.duplicates() };
    const batch = [upsert(offer('SKU-7')), upsert(offer('SKU-BAD'))];
    const first = await adapter.deliver(batch, context);
    const again = await adapter.deliver(batch, context);
    assert.deepEqual(again, first, 'the re-sent request gets the first answer');
    const request = http.sent[0];
    assert.ok(request);
    const replay = await fetch(receiver.url, {
      method: 'POST',
      headers: request.headers,
      body: String(request.body),
    });
    assert.equal(replay.status, 200);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.equal(receiver.requests() - before.requests, 3);
    assert.equal(receiver.duplicates() - before.duplicates, 2);
  });

  it('applies an offer that returns to an earlier state (A -> B -> A)', async () => {
    const a = upsert(offer('SKU-8', { quantity: 1 }));
    const b = upsert(offer('SKU-8', { quantity: 2 }));
    for (const delivery of [a, b, a]) await adapter.deliver([delivery], context);
    assert.equal(receiver.offers().get('SKU-8')?.offer.quantity, 1);
  });

  it('throws a non-transient ChannelCallError when the receiver refuses the signature', async () => {
    process.env[secretEnv] = 'not-the-shared-secret';
    const wrong = webhookAdapter.create(settings(receiver.url), 'portal');
    process.env[secretEnv] = secret;
    const error = await callError(wrong.deliver([upsert(offer('SKU-9'))], context));
    assert.equal(error.details.transient, false);
    assert.equal(error.details.status, 401);
    assert.match(error.details.channelError, /bad signature: no v1 signature matches/);
    assert.equal(receiver.offers().has('SKU-9'), false);
  });

  it('refuses to start without its secret, naming the variable', () => {
    const unset = `SYNCLINE_TEST_UNSET_${randomBytes(4).toString('hex').toUpperCase()}`;
    assert.throws(
      () => webhookAdapter.create(settings(receiver.url, { secretEnv: unset }), 'portal'),
      (error: Error) =>
        error instanceof SynclineError &&
        error.code === 'SINK_SETUP' &&
        error.message.includes(`environment variable ${unset}`) &&
        error.message.includes('not set'),
    );
    process.env[unset] = '';
    try {
      assert.throws(
        () => webhookAdapter.create(settings(receiver.url, { secretEnv: unset }), 'portal'),
        /is empty/,
      );
    } finally {
      delete process.env[unset];
    }
  });

  it('refuses static headers that would override its own', () => {
    assert.throws(
      () => webhookAdapter.create(settings(receiver.url, { headers: { 'idempotency-key': 'x' } }), 'portal'),
      /headers may not set idempotency-key/,
    );
  });
});

describe('webhook responses', () => {
  const batch = [upsert(offer('A')), upsert(offer('B'))];
  const response = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    status,
    headers,
    text: JSON.stringify(body),
    json: body,
  });

  it('treats a key missing from the results as transient', () => {
    const outcomes = webhookOutcomes(
      response(200, { results: [{ key: 'A', status: 'ok' }] }),
      batch,
      'http://x',
    );
    assert.deepEqual(outcomes[0], { kind: 'delivered', status: 200 });
    assert.equal(outcomes[1]?.kind, 'transient');
  });

  it('reads a Retry-After given as an HTTP date', () => {
    const at = new Date(Date.now() + 60_000).toUTCString();
    try {
      webhookOutcomes(response(503, {}, { 'retry-after': at }), batch, 'http://x');
      assert.fail('expected a throw');
    } catch (error) {
      assert.ok(error instanceof ChannelCallError);
      const ms = error.details.retryAfterMs ?? 0;
      assert.ok(ms > 55_000 && ms <= 60_000, `retryAfterMs ${ms}`);
    }
  });

  it('retries 408 and 425, parks other 4xx with the body text', () => {
    for (const status of [408, 425, 500, 502]) {
      assert.throws(
        () => webhookOutcomes(response(status, {}), batch, 'http://x'),
        (error: ChannelCallError) => error.details.transient,
      );
    }
    assert.throws(
      () => webhookOutcomes(response(400, { error: 'deliveries[0].key: missing' }), batch, 'http://x'),
      (error: ChannelCallError) =>
        !error.details.transient && error.details.channelError === '{"error":"deliveries[0].key: missing"}',
    );
  });
});
