/**
 * The admin API as a fastify plugin under `/api/v1`: the register search, a record's story and
 * open problems, each group of routes in its own module, every route with JSON Schemas for its
 * request and answers, the OpenAPI document generated from them, and one error shape
 * (`{"error": CODE, "message": "..."}`) for every refusal, naming the problem.
 *
 * Actions (resend, edit, discard, resync), reconciliation and the console join as further route
 * groups; docs/console.md has their design.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AdminError, errorSchema } from './admin-errors.ts';
import type { AdminDeps } from './admin-deps.ts';
import { OpenApiCollector, serveOpenApi } from './openapi.ts';
import { problemRoutes } from './problem-routes.ts';
import { registerRoutes } from './register-routes.ts';
import { storyRoutes } from './story-routes.ts';

export const adminApiPrefix = '/api/v1';

interface ValidationItem {
  readonly keyword: string;
  readonly instancePath: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

/** "querystring.limit must be <= 500", "querystring: unknown parameter sku": the field, then the rule. */
export function validationMessage(context: string | undefined, items: readonly ValidationItem[]): string {
  return items
    .map((item) => {
      const path = `${context ?? 'request'}${item.instancePath.replace(/\//g, '.')}`;
      if (item.keyword === 'additionalProperties')
        return `${path}: unknown parameter ${String(item.params.additionalProperty)}`;
      if (item.keyword === 'required') return `${path}: ${String(item.params.missingProperty)} is required`;
      if (item.keyword === 'enum')
        return `${path} must be one of ${(item.params.allowedValues as unknown[]).join(', ')}`;
      return `${path} ${item.message ?? 'is not valid'}`;
    })
    .join('; ');
}

/** Registers the API on `app` (an encapsulated fastify context, under its prefix). */
export function adminApi(app: FastifyInstance, deps: AdminDeps & { version: string }): Promise<void> {
  const openApi = new OpenApiCollector();
  app.addHook('onRoute', openApi.onRoute);
  app.addSchema(errorSchema);

  app.setErrorHandler((error: FastifyError & { validation?: ValidationItem[] }, request, reply) => {
    if (error instanceof AdminError) return reply.code(error.statusCode).send(error.toJSON());
    if (error.validation) {
      return reply.code(400).send({
        error: 'REQUEST_INVALID',
        message: validationMessage(error.validationContext, error.validation),
      });
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: 'REQUEST_INVALID', message: error.message });
    }
    request.log.error({ err: error, url: request.url }, 'admin request failed');
    return reply
      .code(500)
      .send({ error: 'INTERNAL', message: 'the request failed inside syncline; the admin role logged why' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: 'ROUTE_NOT_FOUND',
      message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}; the routes are listed in ${adminApiPrefix}/openapi.json`,
    }),
  );

  registerRoutes(app, deps);
  problemRoutes(app, deps);
  storyRoutes(app, deps);
  serveOpenApi(app, '/openapi.json', () =>
    openApi.document({ title: 'syncline Admin API', version: deps.version }, { AdminError: errorSchema }),
  );
  return Promise.resolve();
}
