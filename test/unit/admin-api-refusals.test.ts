/**
 * The admin API's refusals and its OpenAPI document, without a database: every refusal has the
 * shape {"error", "message"} and names the problem (the parameter, the value, the rule); an ops
 * database that does not answer is a 503 OPS_UNAVAILABLE, not an internal error; the document
 * lists every route with its parameters and answers. (The answers themselves are proven on the
 * real stack: test/integration/admin-api.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { Registry } from 'prom-client';
import { adminApi, adminApiPrefix } from '../../streams/admin/admin-api.ts';
import { startMetricsServer } from '../../streams/admin/metrics-server.ts';

let app: FastifyInstance;
// A real pool whose server is not there (nothing listens on port 1): every query fails to connect.
const ops = new pg.Pool({
  connectionString: 'postgresql://nobody@127.0.0.1:1/ops',
  connectionTimeoutMillis: 2000,
});
ops.on('error', () => undefined);

before(async () => {
  app = await startMetricsServer({
    host: '127.0.0.1',
    port: 0,
    registry: new Registry(),
    readiness: () => ({ ready: false, consumers: {} }),
    routes: {
      prefix: adminApiPrefix,
      plugin: (a) => adminApi(a, { ops, maxPageSize: 500, version: 'test' }),
    },
  });
});
after(async () => {
  await app.close();
  await ops.end();
});

async function get(
  url: string,
): Promise<{ status: number; body: { error?: string; message?: string } & Record<string, unknown> }> {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
}

describe('admin API refusals', () => {
  for (const [url, code, words] of [
    ['/api/v1/register?limit=0', 'REQUEST_INVALID', /querystring\.limit must be >= 1/],
    ['/api/v1/register?limit=501', 'REQUEST_INVALID', /querystring\.limit must be <= 500/],
    ['/api/v1/register?sku=SKU-1', 'REQUEST_INVALID', /unknown parameter sku/],
    [
      '/api/v1/register?status=LOST',
      'REQUEST_INVALID',
      /querystring\.status\.0 must be one of DELIVERED, UNCHANGED/,
    ],
    ['/api/v1/register?from=yesterday', 'REQUEST_INVALID', /querystring\.from must match format "date-time"/],
    ['/api/v1/register?cursor=%21%21', 'CURSOR_INVALID', /^cursor: not a cursor this API gave out/],
    [
      '/api/v1/register?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z',
      'RANGE_INVALID',
      /from \(2026-12-02T00:00:00Z\) must be before to \(2026-12-01T00:00:00Z\)/,
    ],
    ['/api/v1/problems?state=gone', 'REQUEST_INVALID', /querystring\.state must be one of open, closed, all/],
    [
      '/api/v1/problems/records?stage=warehouse',
      'REQUEST_INVALID',
      /querystring\.stage must be one of ingest, offers, sink, orders/,
    ],
  ] as const) {
    it(`refuses ${decodeURIComponent(url)} as ${code}`, async () => {
      const { status, body } = await get(url);
      assert.equal(status, 400);
      assert.deepEqual(Object.keys(body).sort(), ['error', 'message']);
      assert.equal(body.error, code);
      assert.match(String(body.message), words);
    });
  }

  it('answers a route that does not exist with 404 ROUTE_NOT_FOUND, pointing at the document', async () => {
    const { status, body } = await get('/api/v1/registers?x=1');
    assert.equal(status, 404);
    assert.deepEqual(body, {
      error: 'ROUTE_NOT_FOUND',
      message: 'no route GET /api/v1/registers; the routes are listed in /api/v1/openapi.json',
    });
  });

  it('answers 503 OPS_UNAVAILABLE while the ops database does not answer', async () => {
    for (const url of [
      '/api/v1/register',
      '/api/v1/register/counts',
      '/api/v1/problems',
      '/api/v1/channels/webshop/records/SKU-1/story',
    ]) {
      const { status, body } = await get(url);
      assert.equal(status, 503, url);
      assert.equal(body.error, 'OPS_UNAVAILABLE', url);
    }
  });

  it('keeps the role routes beside the API', async () => {
    assert.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
    assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
  });
});

describe('OpenAPI document', () => {
  it('lists every route with its parameters and answers, errors by one shared schema', async () => {
    const { status, body } = await get('/api/v1/openapi.json');
    assert.equal(status, 200);
    assert.equal(body.openapi, '3.1.0');
    const paths = body.paths as Record<
      string,
      Record<
        string,
        {
          parameters: { name: string; in: string }[];
          responses: Record<string, { content: { 'application/json': { schema: Record<string, unknown> } } }>;
        }
      >
    >;
    assert.deepEqual(Object.keys(paths).sort(), [
      '/api/v1/channels/{channel}/records/{key}/story',
      '/api/v1/problems',
      '/api/v1/problems/records',
      '/api/v1/register',
      '/api/v1/register/counts',
    ]);
    const search = paths['/api/v1/register']!.get!;
    assert.deepEqual(
      search.parameters.map((p) => `${p.in}:${p.name}`),
      [
        'query:channel',
        'query:key',
        'query:status',
        'query:errorCode',
        'query:from',
        'query:to',
        'query:scope',
        'query:limit',
        'query:cursor',
      ],
    );
    const story = paths['/api/v1/channels/{channel}/records/{key}/story']!.get!;
    assert.deepEqual(
      story.parameters.map((p) => `${p.in}:${p.name}`),
      ['path:channel', 'path:key'],
    );
    assert.deepEqual(story.responses['404']!.content['application/json'].schema, {
      $ref: '#/components/schemas/AdminError',
    });
    const components = body.components as { schemas: Record<string, { required: string[] }> };
    assert.deepEqual(components.schemas.AdminError!.required, ['error', 'message']);
    for (const [path, methods] of Object.entries(paths))
      for (const operation of Object.values(methods)) {
        assert.ok(operation.responses['200'], `${path} documents its answer`);
        assert.ok(operation.responses['400'] && operation.responses['503'], `${path} documents its refusals`);
      }
  });
});
