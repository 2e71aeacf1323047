/**
 * Declares a Magento REST route the way `webapi.xml` does (method, URL, ACL resource) and mounts it under
 * every base the web API answers on: `/rest/V1/...` and with a store code, `/rest/default/V1/...` or
 * `/rest/all/V1/...` (`Webapi\Controller\PathProcessor`).
 *
 * The ACL check runs before the body is read, as `Webapi\Controller\Rest\RequestValidator` does it before
 * `InputParamsResolver` decodes the body: a caller without a valid token gets the 401, never a body error.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiUser, TokenRegistry } from '../auth.ts';
import type { JsonValue } from '../json-value.ts';
import { notAuthorized } from '../magento-errors.ts';

export const STORE_PREFIXES = ['/rest', '/rest/default', '/rest/all'] as const;

export interface MagentoCall {
  request: FastifyRequest;
  /** The authenticated caller; null only on anonymous routes. */
  user: ApiUser | null;
  params: Readonly<Record<string, string>>;
  body: unknown;
  /** Record how many items (products, source items, price rows) this request carried. */
  countItems: (count: number) => void;
}

export interface MagentoRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** The route as webapi.xml declares it, e.g. `/V1/products/:sku`; async routes start `/async/bulk`. */
  url: string;
  /** ACL resource the caller needs, or null for anonymous routes (the admin token route). */
  resource: string | null;
  /** 200 for synchronous routes, 202 for async ones (`AsynchronousRequestProcessor`). */
  successStatus?: number;
  handle(call: MagentoCall): JsonValue | Promise<JsonValue>;
}

export interface RouteDeps {
  tokens: TokenRegistry;
  countItems: (request: FastifyRequest, count: number) => void;
}

export function registerMagentoRoute(app: FastifyInstance, deps: RouteDeps, route: MagentoRoute): void {
  const users = new WeakMap<FastifyRequest, ApiUser>();
  for (const prefix of STORE_PREFIXES) {
    app.route({
      method: route.method,
      url: `${prefix}${route.url}`,
      preParsing: async (request, _reply, payload) => {
        if (route.resource !== null) {
          const user = deps.tokens.authenticate(request.headers.authorization);
          if (!user) throw notAuthorized(route.resource);
          users.set(request, user);
        }
        return payload;
      },
      handler: async (request, reply) => {
        const result = await route.handle({
          request,
          user: users.get(request) ?? null,
          params: request.params as Record<string, string>,
          body: request.body,
          countItems: (count) => deps.countItems(request, count),
        });
        return sendJson(reply, route.successStatus ?? 200, result);
      },
    });
  }
}

/** Magento renders every answer, bare strings and booleans included, as JSON. */
export function sendJson(reply: FastifyReply, status: number, value: JsonValue | object): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(JSON.stringify(value));
}
