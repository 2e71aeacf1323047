/**
 * The JSON Schemas of the admin API's answers and inputs, shared by the routes (fastify validates
 * requests and serialises answers with them) and by the OpenAPI document generated from the routes.
 */
const nullableString = { type: ['string', 'null'] } as const;
const nullableInteger = { type: ['integer', 'null'] } as const;
const offset = { type: 'string', pattern: '^[0-9]+$', description: 'a Kafka offset (decimal text)' } as const;

export const isoTime = {
  type: 'string',
  format: 'date-time',
  description: 'an ISO 8601 time with its zone, e.g. 2026-12-03T17:00:00Z',
} as const;

export const erpOriginSchema = {
  type: 'object',
  description: 'Where the record came from in the ERP (its lineage)',
  required: ['source', 'table', 'position', 'txId', 'commitAt'],
  additionalProperties: false,
  properties: {
    source: { ...nullableString, description: 'the source id in the config, e.g. postgres' },
    table: { ...nullableString, description: '<schema>.<table> in the ERP database' },
    position: {
      ...nullableString,
      description: 'the log position: a PostgreSQL LSN, a GTID or binlog file:pos',
    },
    txId: { ...nullableString, description: 'the ERP transaction id' },
    commitAt: { type: ['string', 'null'], format: 'date-time', description: 'the ERP commit time' },
  },
} as const;

export const kafkaPositionSchema = {
  type: 'object',
  required: ['topic', 'partition', 'offset'],
  additionalProperties: false,
  properties: { topic: { type: 'string' }, partition: { type: 'integer' }, offset },
} as const;

const registerPosition = {
  type: 'object',
  description: 'where the entry is in the register topic',
  required: ['partition', 'offset'],
  additionalProperties: false,
  properties: { partition: { type: 'integer' }, offset },
} as const;

export const syncStatuses = [
  'DELIVERED',
  'UNCHANGED',
  'SUPERSEDED',
  'FAILED_WILL_RETRY',
  'PARKED',
  'CHANNEL_REFUSED',
  'CHANNEL_RESUMED',
] as const;

export const registerEntrySchema = {
  type: 'object',
  required: [
    'channel',
    'key',
    'status',
    'scope',
    'operation',
    'contentHash',
    'attempt',
    'httpStatus',
    'errorCode',
    'channelError',
    'sentence',
    'channelRecord',
    'erp',
    'recordedAt',
    'latencyMs',
    'register',
  ],
  additionalProperties: false,
  properties: {
    channel: { type: 'string' },
    key: { type: 'string', description: 'the SKU (or family parent SKU); * for the whole channel' },
    status: { type: 'string', enum: syncStatuses },
    scope: { type: 'string', enum: ['RECORD', 'CHANNEL'] },
    operation: { type: 'string', enum: ['UPSERT', 'DELIST'] },
    contentHash: { type: 'string' },
    attempt: { type: 'integer' },
    httpStatus: nullableInteger,
    errorCode: { ...nullableString, description: 'the error class' },
    channelError: { ...nullableString, description: "the channel's own words" },
    sentence: { type: 'string', description: 'what happened, for an operator' },
    channelRecord: kafkaPositionSchema,
    erp: erpOriginSchema,
    recordedAt: isoTime,
    latencyMs: { ...nullableInteger, description: 'from the ERP commit to the end of the channel call' },
    register: registerPosition,
  },
} as const;

export const problemSchema = {
  type: 'object',
  required: [
    'stage',
    'processor',
    'channel',
    'key',
    'code',
    'sentence',
    'parkedAt',
    'state',
    'closedAt',
    'closedBy',
    'source',
    'erp',
    'deadLetter',
  ],
  additionalProperties: false,
  properties: {
    stage: { type: 'string', description: 'ingest, offers, sink (orders once they park)' },
    processor: { type: 'string', description: 'what parked it: ingest, offers, sink.<channel>' },
    channel: { ...nullableString, description: 'null when it concerns no one channel' },
    key: { type: 'string' },
    code: { type: 'string', description: 'the reason, machine-readable' },
    sentence: { type: 'string', description: 'the reason, for an operator' },
    parkedAt: isoTime,
    state: { type: 'string', enum: ['open', 'closed'] },
    closedAt: { type: ['string', 'null'], format: 'date-time' },
    closedBy: {
      description: 'the register entry of the later delivery that closed it',
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          required: ['channel', 'partition', 'offset'],
          additionalProperties: false,
          properties: { channel: { type: 'string' }, partition: { type: 'integer' }, offset },
        },
      ],
    },
    source: {
      type: 'object',
      description: 'the record that was parked, where it was read',
      required: ['topic', 'partition', 'offset', 'key'],
      additionalProperties: false,
      properties: { ...kafkaPositionSchema.properties, key: nullableString },
    },
    erp: erpOriginSchema,
    deadLetter: kafkaPositionSchema,
  },
} as const;
