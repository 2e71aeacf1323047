/**
 * The OpenAPI 3.1 document of the admin API, generated from the routes' own JSON Schemas (the
 * ones fastify validates and serialises with), so the document cannot drift from the routes.
 * Collected by an onRoute hook while the routes are registered; served at `/api/v1/openapi.json`.
 * (With @fastify/swagger in the dependencies this would be its job; it is not yet.)
 */
import type { FastifyInstance, RouteOptions } from 'fastify';

type JsonSchema = Record<string, unknown>;

// What a route's schema says for its document (as @fastify/swagger declares it too); fastify ignores them.
declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: readonly string[];
    hide?: boolean;
  }
}

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly schema: JsonSchema;
}

/** `'AdminError#'` (a fastify shared-schema reference) -> `#/components/schemas/AdminError`. */
function withComponentRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withComponentRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .map(([k, v]) =>
        k === '$ref' && typeof v === 'string' && v.endsWith('#') && !v.startsWith('#')
          ? [k, `#/components/schemas/${v.slice(0, -1)}`]
          : k === '$id'
            ? [k, undefined]
            : [k, withComponentRefs(v)],
      )
      .filter(([, v]) => v !== undefined),
  );
}

function parametersOf(schema: JsonSchema | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: withComponentRefs(property),
    ...(property.type === 'array' ? { style: 'form', explode: true } : {}),
  }));
}

function operationOf(op: Operation): JsonSchema {
  const s = op.schema;
  const responses = Object.fromEntries(
    Object.entries((s.response ?? {}) as Record<string, JsonSchema>).map(([status, schema]) => [
      status,
      {
        description: status.startsWith('2') ? 'OK' : 'An error, named by its code',
        content: { 'application/json': { schema: withComponentRefs(schema) } },
      },
    ]),
  );
  return {
    ...(typeof s.summary === 'string' ? { summary: s.summary } : {}),
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    ...(Array.isArray(s.tags) ? { tags: s.tags } : {}),
    operationId: `${op.method.toLowerCase()}${op.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    parameters: [
      ...parametersOf(s.params as JsonSchema | undefined, 'path'),
      ...parametersOf(s.querystring as JsonSchema | undefined, 'query'),
    ],
    responses,
  };
}

export class OpenApiCollector {
  private readonly operations: Operation[] = [];

  /** Add as an onRoute hook before the routes are registered. */
  readonly onRoute = (route: RouteOptions): void => {
    if (!route.schema || route.schema.hide) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      this.operations.push({
        method,
        path: route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}'),
        schema: route.schema as JsonSchema,
      });
    }
  };

  document(info: { title: string; version: string }, components: Record<string, JsonSchema>): JsonSchema {
    const paths: Record<string, Record<string, JsonSchema>> = {};
    for (const op of this.operations) {
      paths[op.path] = { ...paths[op.path], [op.method.toLowerCase()]: operationOf(op) };
    }
    return {
      openapi: '3.1.0',
      info: {
        ...info,
        description:
          'syncline\'s Admin API: the sync register, a record\'s story and open problems. Every error answers {"error": CODE, "message": "..."}.',
      },
      paths,
      components: { schemas: withComponentRefs(components) },
    };
  }
}

export function serveOpenApi(app: FastifyInstance, path: string, document: () => JsonSchema): void {
  app.get(path, { schema: { hide: true } }, () => document());
}
