/**
 * The front door of every `/rest` request, in the order a real deployment meets them:
 *
 * 1. count it (stats, request log);
 * 2. the optional token bucket, standing in for the CDN/WAF of a production store (core Magento has none);
 *    over it: 429 with `Retry-After` and an HTML body, which is what Fastly on Adobe Commerce Cloud sends;
 * 3. injected request faults (proxy 502/503, Magento 500, a refused token 401, CDN 429, a request that never
 *    gets an answer).
 *
 * All of it happens in `onRequest`, before the body is read, so a refused request has no side effect.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultBook, RequestFault } from './faults.ts';
import { DEFAULT_TIMEOUT_HOLD_MS } from './faults.ts';
import { internalError, notAuthorized } from './magento-errors.ts';
import type { RequestStats } from './request-stats.ts';
import type { TokenBucket } from './token-bucket.ts';

export interface RestGateOptions {
  stats: RequestStats;
  faults: FaultBook;
  /** Null when no rate limit is configured. */
  bucket: TokenBucket | null;
  /** A fixed Retry-After for the bucket's 429s; default: seconds until the next token, rounded up. */
  retryAfterSeconds?: number;
}

interface RequestMeta {
  arrivedAt: number;
  items: number;
}

interface HeldRequest {
  release: () => void;
}

const REST_PATH = /^\/rest(\/|$)/;
const STORE_PREFIX = /^\/rest(\/default|\/all)?(?=\/)/;

export class RestGate {
  private readonly meta = new WeakMap<FastifyRequest, RequestMeta>();
  private readonly held = new Set<HeldRequest>();

  constructor(private readonly options: RestGateOptions) {}

  install(app: FastifyInstance): void {
    app.addHook('onRequest', async (request, reply) => this.admit(request, reply));
    app.addHook('onResponse', async (request, reply) => {
      const meta = this.meta.get(request);
      if (!meta) return;
      this.options.stats.completed({
        at: meta.arrivedAt,
        method: request.method,
        path: pathOf(request),
        status: reply.statusCode,
        items: meta.items,
      });
    });
  }

  /** Items (products, source items, price rows) a handler accepted from this request. */
  countItems(request: FastifyRequest, count: number): void {
    const meta = this.meta.get(request);
    if (meta) meta.items += count;
    this.options.stats.items(count);
  }

  /** Drop every request held by a timeout fault (their clients see the connection close). */
  releaseHeld(): void {
    for (const held of [...this.held]) held.release();
  }

  private async admit(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const path = pathOf(request);
    if (!REST_PATH.test(path)) return undefined;
    const { stats, faults, bucket } = this.options;
    this.meta.set(request, { arrivedAt: Date.now(), items: 0 });
    stats.arrived(routeKey(request));

    if (bucket) {
      const taken = bucket.tryTake();
      if (!taken.ok) {
        const retryAfter =
          this.options.retryAfterSeconds ?? Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
        return tooManyRequests(reply, retryAfter, stats);
      }
    }

    const fault = faults.takeRequestFault(path);
    if (fault?.kind === 'throttle') return tooManyRequests(reply, fault.retryAfterSeconds, stats);
    stats.admitted(performance.now());
    if (fault) return this.answerFault(fault, request, reply);
    return undefined;
  }

  private answerFault(fault: RequestFault, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (fault.kind === 'status') {
      if (fault.status === 401) {
        return reply
          .code(401)
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(notAuthorized(aclResourceOf(pathOf(request))).body()));
      }
      if (fault.status === 500) {
        return reply
          .code(500)
          .type('application/json; charset=utf-8')
          .send(JSON.stringify(internalError().body()));
      }
      return reply.code(fault.status).type('text/html; charset=utf-8').send(proxyErrorPage(fault.status));
    }
    if (fault.kind === 'timeout') {
      this.hold(request, reply, fault.holdMs ?? DEFAULT_TIMEOUT_HOLD_MS);
      return reply;
    }
    return reply;
  }

  /** Take the request away from fastify and never answer: the socket closes after `holdMs` or on release. */
  private hold(request: FastifyRequest, reply: FastifyReply, holdMs: number): void {
    reply.hijack();
    const socket = request.raw.socket;
    const meta = this.meta.get(request);
    const entry: HeldRequest = {
      release: () => {
        if (!this.held.delete(entry)) return;
        clearTimeout(timer);
        socket.off('close', entry.release);
        if (meta) {
          this.options.stats.completed({
            at: meta.arrivedAt,
            method: request.method,
            path: pathOf(request),
            status: 0,
            items: 0,
          });
        }
        socket.destroy();
      },
    };
    const timer = setTimeout(entry.release, holdMs);
    timer.unref();
    this.held.add(entry);
    // The client giving up closes the socket: the request is over, and was never answered.
    socket.once('close', entry.release);
  }
}

function tooManyRequests(reply: FastifyReply, retryAfterSeconds: number, stats: RequestStats): FastifyReply {
  stats.throttledOne();
  return reply
    .code(429)
    .header('retry-after', String(retryAfterSeconds))
    .type('text/html; charset=utf-8')
    .send(
      '<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head>' +
        '<body><h1>Too Many Requests</h1><p>Request rate limit exceeded. Please retry later.</p></body></html>\n',
    );
}

/** What the reverse proxy in front of PHP-FPM answers: nginx for 502, Varnish/Fastly for 503. */
function proxyErrorPage(status: 502 | 503): string {
  if (status === 502) {
    return '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
  }
  return (
    '<!DOCTYPE html>\n<html>\n  <head>\n    <title>503 Backend fetch failed</title>\n  </head>\n  <body>\n' +
    '    <h1>Error 503 Backend fetch failed</h1>\n    <p>Backend fetch failed</p>\n' +
    '    <h3>Guru Meditation:</h3>\n    <hr>\n    <p>Varnish cache server</p>\n  </body>\n</html>\n'
  );
}

/** The request path without its query string. */
function pathOf(request: FastifyRequest): string {
  return request.url.split('?', 1)[0] ?? request.url;
}

/** `METHOD /route` with the store code stripped, e.g. `PUT /V1/products/:sku`. */
function routeKey(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (!url || !url.startsWith('/rest/')) return `${request.method} (no route)`;
  return `${request.method} ${url.replace(STORE_PREFIX, '')}`;
}

/** The ACL resource Magento names when it refuses a token on this path (`%resources` in its message). */
function aclResourceOf(path: string): string {
  if (path.includes('/inventory/')) return 'Magento_InventoryApi::source';
  if (/\/V1\/order\/[^/]+\/ship$/.test(path)) return 'Magento_Sales::ship';
  if (/\/V1\/orders\/[^/]+\/comments$/.test(path)) return 'Magento_Sales::comment';
  if (path.includes('/V1/shipments')) return 'Magento_Sales::shipment';
  if (path.includes('/V1/orders')) return 'Magento_Sales::actions_view';
  if (path.includes('/bulk')) return 'Magento_Logging::system_magento_logging_bulk_operations';
  return 'Magento_Catalog::products';
}
