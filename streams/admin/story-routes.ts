/**
 * A record's story: `GET /channels/{channel}/records/{key}/story`, from the ERP row through each
 * channel record of the key to every delivery attempt, with every problem of the key at any stage.
 */
import type { FastifyInstance } from 'fastify';
import { AdminError, errorResponses } from './admin-errors.ts';
import type { AdminDeps } from './admin-deps.ts';
import { problemOf, type ProblemRow } from './admin-rows.ts';
import {
  erpOriginSchema,
  kafkaPositionSchema,
  problemSchema,
  syncStatuses,
  isoTime,
} from './admin-schemas.ts';
import { problemPage } from './open-problems.ts';
import { opsQuery } from './ops-query.ts';
import { storyEntries, storyEntryLimit, storyVersions, type EntryRow } from './record-story.ts';

const storyProblemLimit = 200;

const attemptSchema = {
  type: 'object',
  required: [
    'attempt',
    'status',
    'httpStatus',
    'errorCode',
    'channelError',
    'sentence',
    'recordedAt',
    'latencyMs',
    'register',
  ],
  additionalProperties: false,
  properties: {
    attempt: { type: 'integer' },
    status: { type: 'string', enum: syncStatuses },
    httpStatus: { type: ['integer', 'null'], description: "the channel's HTTP status" },
    errorCode: { type: ['string', 'null'] },
    channelError: { type: ['string', 'null'], description: "the channel's own words" },
    sentence: { type: 'string' },
    recordedAt: isoTime,
    latencyMs: { type: ['integer', 'null'] },
    register: {
      type: 'object',
      required: ['partition', 'offset'],
      additionalProperties: false,
      properties: { partition: { type: 'integer' }, offset: { type: 'string' } },
    },
  },
} as const;

export function storyRoutes(app: FastifyInstance, deps: AdminDeps): void {
  app.get<{ Params: { channel: string; key: string } }>(
    '/channels/:channel/records/:key/story',
    {
      schema: {
        summary: "A record's story",
        description: `From the ERP row (source, table, log position, transaction, commit time) through each channel record of the key (newest first) to every delivery attempt (oldest first) with its HTTP status and the channel's own words; and every problem of the key, at any stage, open or closed. At most the ${storyEntryLimit} newest register entries and ${storyProblemLimit} newest problems.`,
        tags: ['register'],
        params: {
          type: 'object',
          required: ['channel', 'key'],
          additionalProperties: false,
          properties: {
            channel: { type: 'string', minLength: 1 },
            key: { type: 'string', minLength: 1, description: 'the SKU (URL-encoded)' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['channel', 'key', 'versions', 'problems'],
            additionalProperties: false,
            properties: {
              channel: { type: 'string' },
              key: { type: 'string' },
              versions: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['channelRecord', 'erp', 'outcome', 'attempts'],
                  additionalProperties: false,
                  properties: {
                    channelRecord: {
                      type: 'object',
                      required: ['topic', 'partition', 'offset', 'operation', 'contentHash'],
                      additionalProperties: false,
                      properties: {
                        ...kafkaPositionSchema.properties,
                        operation: { type: 'string', enum: ['UPSERT', 'DELIST'] },
                        contentHash: { type: 'string' },
                      },
                    },
                    erp: erpOriginSchema,
                    outcome: { type: 'string', enum: syncStatuses },
                    attempts: { type: 'array', items: attemptSchema },
                  },
                },
              },
              problems: { type: 'array', items: problemSchema },
            },
          },
          ...errorResponses(400, 404),
        },
      },
    },
    async (request) => {
      const { channel, key } = request.params;
      const [entries, channelProblems, stagelessProblems] = await Promise.all([
        opsQuery<EntryRow>(deps.ops, storyEntries(channel, key)),
        opsQuery<ProblemRow>(deps.ops, problemPage({ channel, key, state: 'all' }, storyProblemLimit)),
        // Ingest and channel-less offers parks concern the key on every channel.
        opsQuery<ProblemRow>(deps.ops, problemPage({ key, state: 'all' }, storyProblemLimit)),
      ]);
      const problems = [...channelProblems, ...stagelessProblems.filter((p) => p.channel === null)]
        .sort((a, b) => b.parked_at.getTime() - a.parked_at.getTime())
        .slice(0, storyProblemLimit);
      if (entries.length === 0 && problems.length === 0) {
        throw new AdminError(
          'RECORD_NOT_FOUND',
          `channel ${channel} has no register entry and no problem for key ${key} (within the index's retention)`,
        );
      }
      return { channel, key, versions: storyVersions(entries), problems: problems.map(problemOf) };
    },
  );
}
