/**
 * A channel's `sink:` section: which adapter delivers its topic and how (batch size, the API's
 * rate limit shared by all replicas, timeouts, retries, circuit breaker). A channel without one is
 * computed into its topic but not delivered. The adapter's own `settings` are checked against the
 * adapter's schema in checkSinks, so a bad setting is named like any other key.
 */
import { validateConfig } from '../runtime/config/validate-config.ts';
import { SynclineError } from '../runtime/errors.ts';
import { adapterFactories } from './adapter-registry.ts';

export interface SinkConfig {
  readonly adapter: string;
  readonly settings: Readonly<Record<string, unknown>>;
  /** Records per adapter call; default: the adapter's bulk size. */
  readonly batchSize?: number;
  readonly rateLimit: { readonly requestsPerSecond?: number; readonly itemsPerSecond?: number };
  readonly requestTimeoutMs: number;
  /** Partitions delivered side by side by one sink process. */
  readonly concurrency: number;
  readonly maxWaitTimeMs: number;
  readonly retry: {
    readonly initialDelayMs: number;
    readonly maxDelayMs: number;
    readonly multiplier: number;
    readonly parkAfterAttempts: number;
  };
  readonly circuitBreaker: {
    readonly failureThreshold: number;
    readonly openMs: number;
    readonly maxOpenMs: number;
  };
  /**
   * A channel refusing every call (401, 403, a missing route): one probe call per interval.
   * Unset: channelRefusalDefaults (no schema default, so configs written before it compare equal).
   */
  readonly channelRefusal?: { readonly probeIntervalMs?: number };
}

export const channelRefusalDefaults = { probeIntervalMs: 30_000 } as const;

export interface OpsConfig {
  /** libpq URL of the ops database (sync register index, shared budgets, channel holdings). */
  readonly databaseUrl: string;
  /** Register index rows older than this are deleted (Kafka's topic retention is separate). */
  readonly registerRetentionDays: number;
  /** Holdings of delisted keys not written for this long are deleted (docs/sinks.md). */
  readonly delistedHoldingRetentionDays: number;
}

const positive = { type: 'number', exclusiveMinimum: 0 } as const;

export const sinkJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['adapter'],
  properties: {
    adapter: { enum: Object.keys(adapterFactories) },
    settings: { type: 'object', default: {} },
    batchSize: { type: 'integer', minimum: 1, maximum: 10_000 },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: "the channel's API limit, shared by every sink replica; unset = unlimited",
      properties: { requestsPerSecond: positive, itemsPerSecond: positive },
    },
    requestTimeoutMs: { type: 'integer', minimum: 100, maximum: 600_000, default: 15_000 },
    concurrency: { type: 'integer', minimum: 1, maximum: 64, default: 2 },
    maxWaitTimeMs: { type: 'integer', minimum: 1, maximum: 10_000, default: 100 },
    retry: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        initialDelayMs: { type: 'integer', minimum: 1, default: 250 },
        maxDelayMs: { type: 'integer', minimum: 1, default: 30_000 },
        multiplier: { type: 'number', minimum: 1, default: 2 },
        parkAfterAttempts: { type: 'integer', minimum: 1, default: 20 },
      },
    },
    circuitBreaker: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        failureThreshold: { type: 'integer', minimum: 1, default: 5 },
        openMs: { type: 'integer', minimum: 1, default: 2_000 },
        maxOpenMs: { type: 'integer', minimum: 1, default: 60_000 },
      },
    },
    channelRefusal: {
      type: 'object',
      additionalProperties: false,
      description:
        'a channel refusing every call (credentials, permissions, a missing route) is paused and probed',
      properties: {
        probeIntervalMs: { type: 'integer', minimum: 100, maximum: 3_600_000 },
      },
    },
  },
} as const;

export const opsJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['databaseUrl'],
  properties: {
    databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
    registerRetentionDays: { type: 'integer', minimum: 1, maximum: 3650, default: 30 },
    // At least 2: the row must outlast the tombstone on the channel topic (delete.retention.ms,
    // 1 day by default), or a replay would send the delist again.
    delistedHoldingRetentionDays: { type: 'integer', minimum: 2, maximum: 3650, default: 7 },
  },
} as const;

/**
 * Cross-field rules: adapter settings valid for their adapter (defaults filled in), a batch size
 * the adapter can take, and an ops database when anything is delivered. Returns one sentence per
 * problem, each naming its key, and the channels with their settings completed.
 */
export function checkSinks(
  channels: ReadonlyArray<{ readonly id: string; readonly sink?: SinkConfig }>,
  ops: OpsConfig | undefined,
): { problems: string[]; settings: Map<string, Readonly<Record<string, unknown>>> } {
  const problems: string[] = [];
  const settings = new Map<string, Readonly<Record<string, unknown>>>();
  channels.forEach((channel, index) => {
    const sink = channel.sink;
    if (!sink) return;
    const factory = adapterFactories[sink.adapter];
    if (!factory) return; // the schema's enum reported it
    try {
      settings.set(channel.id, validateConfig(factory.settingsSchema, sink.settings, 'settings'));
    } catch (error) {
      const lines = error instanceof SynclineError ? error.message.split('\n  - ').slice(1) : [];
      for (const line of lines) {
        problems.push(
          `channels[${index}].sink.settings${line.startsWith('(top level)') ? line.slice(11) : `.${line}`}`,
        );
      }
    }
  });
  if (ops === undefined && channels.some((c) => c.sink)) {
    problems.push(
      'ops.databaseUrl: required when a channel has a sink (the register index and shared budgets live there)',
    );
  }
  return { problems, settings };
}
