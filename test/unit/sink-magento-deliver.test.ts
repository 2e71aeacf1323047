/**
 * The Magento adapter's call logic against a scripted ChannelHttp: answers the simulator cannot be
 * asked for (an expired admin token, an HTTP-date Retry-After, a bulk refused as a whole, older
 * operation ids, a stopping sink, one bad stock row in a chunk).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { Offer } from '../../streams/contracts/channel-offer.ts';
import { magentoTokens } from '../../streams/sinks/adapters/magento/magento-auth.ts';
import { configurableOptionsReader } from '../../streams/sinks/adapters/magento/magento-configurable-options.ts';
import { deliverBatch } from '../../streams/sinks/adapters/magento/magento-deliver.ts';
import { magentoRest } from '../../streams/sinks/adapters/magento/magento-rest.ts';
import type { MagentoSettings } from '../../streams/sinks/adapters/magento/magento-settings.ts';
import {
  ChannelCallError,
  type ChannelHttp,
  type Delivery,
  type HttpRequest,
  type HttpResponse,
  type ItemOutcome,
} from '../../streams/sinks/channel-adapter.ts';

const root = 'http://magento.test/rest/all';

const settings: MagentoSettings = {
  baseUrl: 'http://magento.test',
  storeCode: 'all',
  auth: { type: 'integration', tokenEnv: 'UNUSED' },
  sourceCode: 'default',
  websiteIds: [1],
  attributeSetId: 4,
  bulkThreshold: 2,
  maxBatch: 100,
  inputListLimit: 2,
  bulkPollIntervalMs: 10,
  bulkTimeoutMs: 1000,
  attributeMapping: { ean: 'ean' },
  configurableAttributes: {},
};

type Answer = Partial<HttpResponse> & { status: number };
type Script = (request: HttpRequest, path: string) => Answer;

/** A ChannelHttp answering from `script`, recording every request. */
function scripted(script: Script): ChannelHttp & { sent: HttpRequest[]; paths: () => string[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    paths: () => sent.map((request) => `${request.method} ${request.url.replace(root, '')}`),
    request(request) {
      sent.push(request);
      const answer = script(request, request.url.replace(root, ''));
      const json = answer.json;
      return Promise.resolve({
        status: answer.status,
        headers: answer.headers ?? {},
        text: answer.text ?? (json === undefined ? '' : JSON.stringify(json)),
        json,
      });
    },
  };
}

function offer(sku: string, quantity = 1): Offer {
  return {
    channel: 'webshop',
    sku,
    parentSku: null,
    name: sku,
    description: null,
    ean: `ean-${sku}`,
    brand: null,
    category: null,
    attributes: {},
    price: { amount: '10.00', currency: 'EUR' },
    quantity,
    variants: [],
    fields: {},
  };
}

const upsert = (sku: string, quantity = 1): Delivery => ({
  key: sku,
  offer: offer(sku, quantity),
  contentHash: 'h',
  revision: `0:${sku}`,
});

function deliver(
  http: ChannelHttp,
  batch: readonly Delivery[],
  options: { admin?: boolean; signal?: AbortSignal; overrides?: Partial<MagentoSettings> } = {},
): Promise<ItemOutcome[]> {
  const credentials = options.admin
    ? ({ type: 'admin', username: 'u', password: 'p' } as const)
    : ({ type: 'integration', token: 'tok' } as const);
  const rest = magentoRest(root, magentoTokens(credentials, `${root}/V1/integration/admin/token`));
  const deps = {
    settings: { ...settings, ...options.overrides },
    rest,
    options: configurableOptionsReader(rest, {}),
  };
  const context = {
    http,
    logger: pino({ level: 'silent' }),
    signal: options.signal ?? new AbortController().signal,
  };
  return deliverBatch(batch, context, deps);
}

const ok: Answer = { status: 200, json: { id: 1 } };

describe('auth', () => {
  it('renews an admin token Magento no longer accepts, once, and goes on', async () => {
    let tokens = 0;
    const http = scripted((request, path) => {
      if (path === '/V1/integration/admin/token') return { status: 200, json: `token-${++tokens}` };
      if (path.startsWith('/V1/products/')) {
        return request.headers?.authorization === 'Bearer token-1'
          ? {
              status: 401,
              json: {
                message: "The consumer isn't authorized to access %resources.",
                parameters: { resources: 'Magento_Catalog::products' },
              },
            }
          : ok;
      }
      return { status: 200, json: [] };
    });
    const outcomes = await deliver(http, [upsert('A')], { admin: true });
    assert.deepEqual(outcomes, [{ kind: 'delivered', status: 200 }]);
    assert.deepEqual(http.paths(), [
      'POST /V1/integration/admin/token',
      'PUT /V1/products/A',
      'POST /V1/integration/admin/token',
      'PUT /V1/products/A',
      'POST /V1/inventory/source-items',
    ]);
    const tokenRequest = http.sent[0];
    assert.equal(tokenRequest?.items, 0);
    assert.deepEqual(tokenRequest?.body, { username: 'u', password: 'p' });
  });

  it('gives up after one renewal: a 401 then is for good', async () => {
    const http = scripted((_request, path) =>
      path === '/V1/integration/admin/token'
        ? { status: 200, json: 'token' }
        : { status: 401, json: { message: 'no' } },
    );
    await assert.rejects(deliver(http, [upsert('A')], { admin: true }), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.deepEqual(
        { transient: error.details.transient, status: error.details.status, code: error.details.code },
        { transient: false, status: 401, code: 'UNAUTHORIZED' },
      );
      return true;
    });
    assert.equal(http.paths().filter((path) => path.endsWith('/admin/token')).length, 2);
  });

  it('does not retry a 401 with an integration token, which no renewal can fix', async () => {
    const http = scripted(() => ({ status: 401, json: { message: 'no' } }));
    await assert.rejects(deliver(http, [upsert('A')]), ChannelCallError);
    assert.equal(http.sent.length, 1);
    assert.equal(http.sent[0]?.headers?.authorization, 'Bearer tok');
  });

  it('fails for good when the admin credentials are refused', async () => {
    const http = scripted(() => ({
      status: 401,
      json: {
        message:
          'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.',
      },
    }));
    await assert.rejects(deliver(http, [upsert('A')], { admin: true }), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, false);
      assert.match(error.details.channelError, /sign-in was incorrect/);
      return true;
    });
  });
});

describe('failures of a whole call', () => {
  it('reads Retry-After as an HTTP date as well', async () => {
    const at = new Date(Date.now() + 30_000).toUTCString();
    const http = scripted(() => ({
      status: 429,
      headers: { 'Retry-After': at },
      text: '<html>slow down</html>',
    }));
    await assert.rejects(deliver(http, [upsert('A')]), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, true);
      assert.equal(error.details.code, 'THROTTLED');
      assert.ok((error.details.retryAfterMs ?? 0) > 25_000 && (error.details.retryAfterMs ?? 0) <= 30_000);
      assert.equal(error.details.channelError, 'HTTP 429: <html>slow down</html>');
      return true;
    });
  });

  it('has no retryAfterMs when the 429 says nothing', async () => {
    const http = scripted(() => ({ status: 429, text: 'Too Many Requests' }));
    await assert.rejects(deliver(http, [upsert('A')]), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.retryAfterMs, undefined);
      return true;
    });
  });

  it('treats an unknown route as a mistake of the settings, not of a record', async () => {
    const http = scripted(() => ({ status: 404, json: { message: 'Request does not match any route.' } }));
    await assert.rejects(deliver(http, [upsert('A')]), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, false);
      assert.equal(error.details.code, 'NO_ROUTE');
      return true;
    });
  });
});

describe('delist', () => {
  const tombstone: Delivery = { key: 'GONE', offer: null, contentHash: 'tombstone', revision: '0:1' };
  const emptyName = {
    status: 400,
    json: {
      message: 'The "%1" attribute value is empty. Set the attribute and try again.',
      parameters: ['name'],
    },
  };

  it('is delivered when the refused PUT was Magento trying to create a product it never had', async () => {
    const http = scripted((request) =>
      request.method === 'PUT'
        ? emptyName
        : {
            status: 404,
            json: {
              message: "The product that was requested doesn't exist. Verify the product and try again.",
            },
          },
    );
    assert.deepEqual(await deliver(http, [tombstone]), [{ kind: 'delivered', status: 404 }]);
    assert.deepEqual(
      http.sent.map((request) => [request.method, request.items]),
      [
        ['PUT', 1],
        ['GET', 0],
      ],
    );
  });

  it('is rejected when Magento refuses to disable a product it holds', async () => {
    const http = scripted((request) => (request.method === 'PUT' ? emptyName : ok));
    assert.deepEqual(await deliver(http, [tombstone]), [
      {
        kind: 'rejected',
        status: 400,
        channelError: 'The "name" attribute value is empty. Set the attribute and try again.',
        code: 'MISSING_ATTRIBUTE',
      },
    ]);
  });
});

describe('async bulk', () => {
  const three = [upsert('A'), upsert('B'), upsert('C')];

  it('matches operations numbered by a table-wide id, in request order', async () => {
    let polls = 0;
    const http = scripted((request, path) => {
      if (path === '/async/bulk/V1/products')
        return { status: 202, json: { bulk_uuid: 'u-1', request_items: [] } };
      if (path === '/V1/bulk/u-1/status') {
        polls += 1;
        const open = polls === 1;
        return {
          status: 200,
          json: {
            operations_list: [
              { id: 103, status: open ? 4 : 5, result_message: 'Rejected: %1', error_code: 0 },
              { id: 101, status: 1, result_message: 'Service execution success', error_code: null },
              { id: 102, status: open ? 4 : 3, result_message: 'Invalid product data: bad', error_code: 77 },
            ],
          },
        };
      }
      return { status: 200, json: [] };
    });
    const outcomes = await deliver(http, three);
    assert.deepEqual(outcomes, [
      { kind: 'delivered', status: 202 },
      { kind: 'rejected', status: null, channelError: 'Invalid product data: bad', code: '77' },
      { kind: 'rejected', status: null, channelError: 'Rejected: %1', code: 'MAGENTO_REJECTED' },
    ]);
    assert.equal(polls, 2);
    assert.deepEqual(
      http.sent.filter((request) => request.method === 'GET').map((request) => request.items),
      [0, 0],
    );
    const stock = http.sent.filter((request) => request.url.endsWith('/source-items'));
    assert.deepEqual(
      stock.map((request) => request.body),
      [{ sourceItems: [{ sku: 'A', source_code: 'default', quantity: 1, status: 1 }] }],
    );
  });

  it('rejects the elements refused while queued, and follows the others', async () => {
    const http = scripted((_request, path) => {
      if (path === '/async/bulk/V1/products') {
        return {
          status: 202,
          json: {
            bulk_uuid: 'u-2',
            request_items: [
              { id: 0, status: 'accepted' },
              { id: 1, status: 'rejected', error_message: 'Error occurred during "price" processing.' },
              { id: 2, status: 'accepted' },
            ],
            errors: true,
          },
        };
      }
      if (path === '/V1/bulk/u-2/status') {
        return {
          status: 200,
          json: {
            operations_list: [
              { id: 0, status: 1 },
              { id: 2, status: 1 },
            ],
          },
        };
      }
      return { status: 200, json: [] };
    });
    assert.deepEqual(await deliver(http, three), [
      { kind: 'delivered', status: 202 },
      {
        kind: 'rejected',
        status: 202,
        channelError: 'Error occurred during "price" processing.',
        code: 'INVALID_PRODUCT',
      },
      { kind: 'delivered', status: 202 },
    ]);
  });

  it('throws, for good, when Magento refuses the bulk request as a whole', async () => {
    const http = scripted(() => ({
      status: 400,
      json: { message: 'Maximum items of type "%type" is %max', parameters: { type: 'product', max: 2 } },
    }));
    await assert.rejects(deliver(http, three), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, false);
      assert.equal(error.details.code, 'INPUT_LIMIT');
      assert.equal(error.details.channelError, 'Maximum items of type "product" is 2');
      return true;
    });
  });

  it('keeps polling through a busy status answer', async () => {
    let polls = 0;
    const http = scripted((_request, path) => {
      if (path === '/async/bulk/V1/products') return { status: 202, json: { bulk_uuid: 'u-3' } };
      if (path === '/V1/bulk/u-3/status') {
        polls += 1;
        if (polls === 1) return { status: 503, text: 'busy' };
        return { status: 200, json: { operations_list: [0, 1, 2].map((id) => ({ id, status: 1 })) } };
      }
      return { status: 200, json: [] };
    });
    assert.deepEqual(
      (await deliver(http, three)).map((outcome) => outcome.kind),
      ['delivered', 'delivered', 'delivered'],
    );
    assert.equal(polls, 2);
  });

  it('fails the call as a whole, transient, when the channel is down until the bulk deadline, polling less and less often', async () => {
    let polls = 0;
    const http = scripted((_request, path) => {
      if (path === '/async/bulk/V1/products') return { status: 202, json: { bulk_uuid: 'u-5' } };
      if (path === '/V1/bulk/u-5/status') {
        polls += 1;
        return { status: 503, text: '<html>503 Service Unavailable</html>' };
      }
      return { status: 200, json: [] };
    });
    // Not "still open" record by record: that reads as the channel answering, and a circuit
    // breaker would close on it while the channel is down.
    await assert.rejects(deliver(http, three, { overrides: { bulkTimeoutMs: 1000 } }), (error: unknown) => {
      assert.ok(error instanceof ChannelCallError);
      assert.equal(error.details.transient, true);
      assert.equal(error.details.status, 503);
      return true;
    });
    // Every 10 ms for 1000 ms would be about 100 polls; backing off while they fail, a handful.
    assert.ok(polls >= 3 && polls <= 12, `${polls} polls`);
  });

  it('stops polling when the sink stops, leaving the open operations transient', async () => {
    const stop = new AbortController();
    const http = scripted((_request, path) => {
      if (path === '/async/bulk/V1/products') return { status: 202, json: { bulk_uuid: 'u-4' } };
      stop.abort();
      return {
        status: 200,
        json: {
          operations_list: [
            { id: 0, status: 1 },
            { id: 1, status: 4 },
            { id: 2, status: 4 },
          ],
        },
      };
    });
    const outcomes = await deliver(http, three, {
      signal: stop.signal,
      overrides: { bulkTimeoutMs: 60_000 },
    });
    assert.deepEqual(outcomes[1], {
      kind: 'transient',
      status: 202,
      channelError: 'sink stopping before the Magento bulk operation finished',
    });
    assert.equal(outcomes[0]?.kind, 'delivered');
  });
});

describe('stock', () => {
  it('sends at most inputListLimit source items per request', async () => {
    const http = scripted(() => ok);
    await deliver(http, [upsert('A'), upsert('B')], { overrides: { bulkThreshold: 5, inputListLimit: 1 } });
    const stock = http.sent.filter((request) => request.url.endsWith('/source-items'));
    assert.deepEqual(
      stock.map((request) => request.items),
      [1, 1],
    );
  });

  it("finds whose row Magento refused by sending the chunk's records one at a time", async () => {
    const http = scripted((request, path) => {
      if (path !== '/V1/inventory/source-items') return ok;
      const rows = (request.body as { sourceItems: { sku: string }[] }).sourceItems;
      return rows.some((row) => row.sku === 'B')
        ? { status: 400, json: { message: 'Validation Failed: %1', parameters: ['quantity'] } }
        : { status: 200, json: [] };
    });
    const outcomes = await deliver(http, [upsert('A'), upsert('B')], { overrides: { bulkThreshold: 5 } });
    assert.deepEqual(outcomes, [
      { kind: 'delivered', status: 200 },
      { kind: 'rejected', status: 400, channelError: 'Validation Failed: quantity', code: 'STOCK_REJECTED' },
    ]);
    assert.equal(http.paths().filter((path) => path.endsWith('/source-items')).length, 3);
  });

  it('sends no further chunk once the channel is busy, and says when to come back', async () => {
    const http = scripted((_request, path) =>
      path === '/V1/inventory/source-items'
        ? { status: 503, headers: { 'retry-after': '2' }, text: 'busy' }
        : ok,
    );
    const outcomes = await deliver(http, [upsert('A'), upsert('B'), upsert('C')], {
      overrides: { bulkThreshold: 5, inputListLimit: 1 },
    });
    assert.deepEqual(
      outcomes,
      new Array(3).fill({
        kind: 'transient',
        status: 503,
        channelError: 'stock not updated: HTTP 503: busy',
        retryAfterMs: 2000,
      }),
    );
    assert.equal(http.paths().filter((path) => path.endsWith('/source-items')).length, 1);
  });
});
