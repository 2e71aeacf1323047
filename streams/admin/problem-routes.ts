/**
 * Open problems: `GET /problems` groups the parked records of every stage by stage, channel and
 * reason (how many, since when, an example sentence); `GET /problems/records` pages through them
 * one by one with the operator sentence, the parked record's position and its ERP lineage. A
 * problem closes by itself when a later version of its key is delivered (open-problems.ts).
 */
import type { FastifyInstance } from 'fastify';
import { errorResponses } from './admin-errors.ts';
import type { AdminDeps } from './admin-deps.ts';
import { problemOf, type ProblemRow } from './admin-rows.ts';
import { isoTime, problemSchema } from './admin-schemas.ts';
import { opsQuery } from './ops-query.ts';
import { pagedQuerystring, pageOf, pageSchema } from './paging.ts';
import {
  problemCursorAfter,
  problemGroups,
  problemPage,
  type ProblemFilters,
  type ProblemState,
} from './open-problems.ts';

const filterProperties = {
  stage: { type: 'string', enum: ['ingest', 'offers', 'sink', 'orders'] },
  channel: { type: 'string', minLength: 1, description: 'a channel id' },
  key: { type: 'string', minLength: 1, description: 'a SKU, or the key the stage parked it under' },
  code: { type: 'string', minLength: 1, description: 'the reason code, e.g. MISSING_REQUIRED_FIELDS' },
  from: { ...isoTime, description: 'parked at or after (ISO 8601)' },
  to: { ...isoTime, description: 'parked before (ISO 8601)' },
  state: { type: 'string', enum: ['open', 'closed', 'all'], default: 'open' },
} as const;

interface FilterQuery {
  stage?: string;
  channel?: string;
  key?: string;
  code?: string;
  from?: string;
  to?: string;
  state: ProblemState;
}

const filtersOf = (q: FilterQuery): ProblemFilters => ({
  stage: q.stage,
  channel: q.channel,
  key: q.key,
  code: q.code,
  from: q.from,
  to: q.to,
  state: q.state,
});

export function problemRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Querystring: FilterQuery }>(
    '/problems',
    {
      schema: {
        summary: 'Open problems, grouped by stage, channel and reason',
        tags: ['problems'],
        querystring: { type: 'object', additionalProperties: false, properties: filterProperties },
        response: {
          200: {
            type: 'object',
            required: ['state', 'groups'],
            additionalProperties: false,
            properties: {
              state: { type: 'string', enum: ['open', 'closed', 'all'] },
              groups: {
                type: 'array',
                items: {
                  type: 'object',
                  required: [
                    'stage',
                    'channel',
                    'code',
                    'count',
                    'closed',
                    'oldestParkedAt',
                    'newestParkedAt',
                    'exampleKey',
                    'exampleSentence',
                  ],
                  additionalProperties: false,
                  properties: {
                    stage: { type: 'string' },
                    channel: { type: ['string', 'null'] },
                    code: { type: 'string' },
                    count: { type: 'integer' },
                    closed: { type: 'integer', description: 'how many of them are closed' },
                    oldestParkedAt: isoTime,
                    newestParkedAt: isoTime,
                    exampleKey: { type: 'string' },
                    exampleSentence: { type: 'string', description: 'the sentence of the newest one' },
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
      const rows = await opsQuery<{
        stage: string;
        channel: string | null;
        code: string;
        count: string;
        closed: string;
        oldest_parked_at: Date;
        newest_parked_at: Date;
        example_key: string;
        example_sentence: string;
      }>(deps.ops, problemGroups(filtersOf(request.query)));
      return {
        state: request.query.state,
        groups: rows.map((r) => ({
          stage: r.stage,
          channel: r.channel,
          code: r.code,
          count: Number(r.count),
          closed: Number(r.closed),
          oldestParkedAt: r.oldest_parked_at.toISOString(),
          newestParkedAt: r.newest_parked_at.toISOString(),
          exampleKey: r.example_key,
          exampleSentence: r.example_sentence,
        })),
      };
    },
  );

  app.get<{ Querystring: FilterQuery & { limit: number; cursor?: string } }>(
    '/problems/records',
    {
      schema: {
        summary: 'Problems one by one, newest first',
        description:
          'The latest parked record of each key per stage (and channel), with its sentence, where it was parked and its ERP lineage. state=open lists those no later delivery of the key has closed.',
        tags: ['problems'],
        querystring: pagedQuerystring(filterProperties, deps.maxPageSize),
        response: {
          200: pageSchema('problems', problemSchema),
          ...errorResponses(400),
        },
      },
    },
    async (request) => {
      const { limit, cursor, ...query } = request.query;
      const filters = filtersOf(query);
      const rows = await opsQuery<ProblemRow>(deps.ops, problemPage(filters, limit, cursor));
      const { items, nextCursor } = pageOf(rows, limit, problemOf, (last) =>
        problemCursorAfter(filters, last),
      );
      return { problems: items, nextCursor };
    },
  );
}
