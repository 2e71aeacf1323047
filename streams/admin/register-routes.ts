/**
 * The register search: `GET /register` pages through the sync register newest first, filtered by
 * channel, key, status, error class and time range; `GET /register/counts` counts entries (or keys
 * by their latest entry) per channel and status.
 */
import type { FastifyInstance } from 'fastify';
import { errorResponses } from './admin-errors.ts';
import type { AdminDeps } from './admin-deps.ts';
import { registerEntryOf, type RegisterRow } from './admin-rows.ts';
import { isoTime, registerEntrySchema, syncStatuses } from './admin-schemas.ts';
import { opsQuery } from './ops-query.ts';
import { pagedQuerystring, pageOf, pageSchema } from './paging.ts';
import {
  registerCounts,
  registerCursorAfter,
  registerSearch,
  type RegisterFilters,
} from './register-query.ts';

const filterProperties = {
  channel: { type: 'string', minLength: 1, description: 'a channel id' },
  key: {
    type: 'string',
    minLength: 1,
    description: 'a SKU (or a family parent SKU); * for channel-wide entries',
  },
  status: {
    type: 'array',
    items: { type: 'string', enum: syncStatuses },
    description: 'one or more statuses (repeat the parameter)',
  },
  errorCode: {
    type: 'string',
    minLength: 1,
    description: 'the error class, e.g. REJECTED, RETRIES_EXHAUSTED',
  },
  from: { ...isoTime, description: 'recorded at or after (ISO 8601)' },
  to: { ...isoTime, description: 'recorded before (ISO 8601)' },
  scope: { type: 'string', enum: ['RECORD', 'CHANNEL'] },
} as const;

interface FilterQuery {
  channel?: string;
  key?: string;
  status?: string[];
  errorCode?: string;
  from?: string;
  to?: string;
  scope?: 'RECORD' | 'CHANNEL';
}

const filtersOf = (q: FilterQuery): RegisterFilters => ({
  channel: q.channel,
  key: q.key,
  status: q.status,
  errorCode: q.errorCode,
  from: q.from,
  to: q.to,
  scope: q.scope,
});

export function registerRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Querystring: FilterQuery & { limit: number; cursor?: string } }>(
    '/register',
    {
      schema: {
        summary: 'Search the sync register',
        description:
          'Register entries (one per outcome of one attempt) matching every filter given, newest first. Page with nextCursor: it continues strictly after the last entry of the page, so entries indexed meanwhile cause no gap or repeat.',
        tags: ['register'],
        querystring: pagedQuerystring(filterProperties, deps.maxPageSize),
        response: {
          200: pageSchema('entries', registerEntrySchema),
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      const filters = filtersOf(query);
      const rows = await opsQuery<RegisterRow>(deps.ops, registerSearch(filters, limit, cursor));
      const { items, nextCursor } = pageOf(rows, limit, registerEntryOf, (last) =>
        registerCursorAfter(filters, last),
      );
      return { entries: items, nextCursor };
    },
  );

  app.get<{ Querystring: FilterQuery & { by: 'entry' | 'key' } }>(
    '/register/counts',
    {
      schema: {
        summary: 'Count register entries per channel and status',
        description:
          'by=entry counts every entry (each attempt); by=key counts each key once, under the status of its latest entry in the range.',
        tags: ['register'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...filterProperties,
            by: { type: 'string', enum: ['entry', 'key'], default: 'entry' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['by', 'counts'],
            additionalProperties: false,
            properties: {
              by: { type: 'string', enum: ['entry', 'key'] },
              counts: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['channel', 'status', 'count'],
                  additionalProperties: false,
                  properties: {
                    channel: { type: 'string' },
                    status: { type: 'string', enum: syncStatuses },
                    count: { type: 'integer' },
                  },
                },
              },
            },
          },
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { by, ...query } = request.query;
      const rows = await opsQuery<{ channel: string; status: string; count: string }>(
        deps.ops,
        registerCounts(filtersOf(query), by),
      );
      return {
        by,
        counts: rows.map((r) => ({ channel: r.channel, status: r.status, count: Number(r.count) })),
      };
    },
  );
}
