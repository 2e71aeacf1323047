/**
 * The one config file every role reads (issue 3): where Kafka and the schema registry are, how the
 * engine processes, and the business: the ERP sources and their column mapping, and the sales
 * channels. Loaded once at start-up: YAML, `${env:NAME}` references filled in, validated against
 * the JSON Schema below (defaults filled in), then the cross-field rules of sources and channels.
 * Every problem is reported at once, each naming its key and never showing a secret; secret files
 * (`passwordFile`, TLS files) are read once here, so `--check` finds an unreadable one.
 */
import { checkChannels, channelsJsonSchema, type ChannelConfig } from '../processors/offers/index.ts';
import { checkSources, sourcesJsonSchema, type SourceConfig } from '../processors/ingest/index.ts';
import { defaultDeletedKeyGraceMs } from '../processors/ingest/ingest-processor.ts';
import {
  checkSinks,
  opsJsonSchema,
  sinkJsonSchema,
  type OpsConfig,
  type SinkConfig,
} from '../sinks/sink-config.ts';
import { cdcJsonSchema, checkCdc, type CdcConfig } from '../cdc/cdc-config.ts';
import {
  checkOrders,
  ordersJsonSchema,
  withChannelCurrencies,
  type OrdersConfig,
} from '../processors/orders/orders-config.ts';
import { interpolateEnv } from '../runtime/config/interpolate-env.ts';
import { readYaml } from '../runtime/config/read-yaml.ts';
import { SecretSources } from '../runtime/config/secret-values.ts';
import { validateConfig } from '../runtime/config/validate-config.ts';
import {
  checkSchemaRegistry,
  registryClientArgs,
  schemaRegistryJsonSchema,
  type SchemaRegistryConfig,
} from '../runtime/codec/registry-connection.ts';
import { SynclineError } from '../runtime/errors.ts';
import {
  checkKafkaSecurity,
  kafkaSaslJsonSchema,
  kafkaSecurityOptions,
  kafkaTlsJsonSchema,
  type KafkaSaslConfig,
  type KafkaTlsConfig,
} from '../runtime/kafka/kafka-security.ts';

export type RoleName = 'ingest' | 'offers' | 'sink' | 'register-index' | 'orders' | 'erp-orders' | 'admin';
export const roleNames: readonly RoleName[] = [
  'ingest',
  'offers',
  'sink',
  'register-index',
  'orders',
  'erp-orders',
  'admin',
];

/** A channel: what the offers processor computes for it, and how its sink delivers it. */
export type SynclineChannel = ChannelConfig & { readonly sink?: SinkConfig };

export interface ProcessingConfig {
  /** Partitions of every topic syncline creates: the most instances a role can spread over. */
  readonly partitions: number;
  /** -1 = the broker's default.replication.factor. */
  readonly replicationFactor: number;
  /** Off = at least once: outputs may repeat after a crash (for measurement, never production). */
  readonly exactlyOnce: boolean;
  /** 0 = commit after every fetched batch (lowest latency); N = keep a transaction open up to N ms. */
  readonly commitIntervalMs: number;
  /** How long a fetch waits for data when input is sparse: the floor of latency. */
  readonly maxWaitTimeMs: number;
  /** Where tasks keep their local state between restarts. */
  readonly stateDir: string;
  /**
   * How long ingest keeps a deleted CDC key's last position, on the records' clock: longer than
   * Debezium can replay (docs/pipeline.md, "State that does not grow").
   */
  readonly deletedKeyGraceMs: number;
  /** How long the state folder of a task that moved to another instance is kept. */
  readonly staleTaskFolderMs: number;
}

export interface SynclineConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly tls?: KafkaTlsConfig;
    readonly sasl?: KafkaSaslConfig;
  };
  readonly schemaRegistry: SchemaRegistryConfig;
  readonly processing: ProcessingConfig;
  readonly metrics: { readonly host: string; readonly ports: Readonly<Record<RoleName, number>> };
  readonly sources: readonly SourceConfig[];
  readonly channels: readonly SynclineChannel[];
  /** Required when a channel has a sink. */
  readonly ops?: OpsConfig;
  /** The CDC watchdog of the ingest role: which Debezium connectors it keeps alive. */
  readonly cdc?: CdcConfig;
  /** Channel orders into the ERP: the orders processor's rules and the ERP order sink's database. */
  readonly orders?: OrdersConfig;
  /** The admin role: the operator's API over the register and the dead letters. */
  readonly admin: AdminConfig;
}

export interface AdminConfig {
  /** The most rows one page of a list may ask for. */
  readonly maxPageSize: number;
}

const port = { type: 'integer', minimum: 0, maximum: 65535 } as const;

export const synclineConfigSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['kafka', 'schemaRegistry', 'sources', 'channels'],
  properties: {
    kafka: {
      type: 'object',
      additionalProperties: false,
      required: ['brokers'],
      properties: {
        brokers: {
          type: 'array',
          minItems: 1,
          items: { type: 'string', pattern: '^[^\\s:]+:\\d{1,5}$', description: 'host:port' },
        },
        clientId: { type: 'string', minLength: 1, default: 'syncline' },
        tls: kafkaTlsJsonSchema,
        sasl: kafkaSaslJsonSchema,
      },
    },
    schemaRegistry: schemaRegistryJsonSchema,
    processing: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        partitions: { type: 'integer', minimum: 1, maximum: 1000, default: 4 },
        replicationFactor: { type: 'integer', minimum: -1, maximum: 10, default: -1 },
        exactlyOnce: { type: 'boolean', default: true },
        commitIntervalMs: { type: 'integer', minimum: 0, maximum: 60_000, default: 100 },
        maxWaitTimeMs: { type: 'integer', minimum: 1, maximum: 10_000, default: 50 },
        stateDir: { type: 'string', minLength: 1, default: 'var/state' },
        deletedKeyGraceMs: {
          type: 'integer',
          minimum: 3_600_000,
          default: defaultDeletedKeyGraceMs,
          description:
            'ms a deleted CDC key keeps its last position (replays of it dropped); at least 1 h, default 7 days',
        },
        staleTaskFolderMs: {
          type: 'integer',
          minimum: 0,
          default: 600_000,
          description: 'ms the state folder of a task gone to another instance is kept; default 10 minutes',
        },
      },
    },
    metrics: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        host: { type: 'string', minLength: 1, default: '127.0.0.1' },
        ports: {
          type: 'object',
          additionalProperties: false,
          default: {},
          description: 'role -> port of its /metrics, /healthz, /readyz; 0 = any free port',
          properties: {
            ingest: { ...port, default: 9464 },
            offers: { ...port, default: 9465 },
            sink: { ...port, default: 9466 },
            'register-index': { ...port, default: 9467 },
            orders: { ...port, default: 9470 },
            'erp-orders': { ...port, default: 9471 },
            admin: { ...port, default: 9468 },
          },
        },
      },
    },
    sources: sourcesJsonSchema,
    channels: {
      ...channelsJsonSchema,
      items: {
        ...channelsJsonSchema.items,
        properties: { ...channelsJsonSchema.items.properties, sink: sinkJsonSchema },
      },
    },
    ops: opsJsonSchema,
    cdc: cdcJsonSchema,
    orders: ordersJsonSchema,
    admin: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'the admin role (its API is served on metrics.ports.admin, next to /metrics)',
      properties: {
        maxPageSize: {
          type: 'integer',
          minimum: 1,
          maximum: 10_000,
          default: 500,
          description: 'the most rows one page of a list may ask for (limit)',
        },
      },
    },
  },
} as const;

/** Validates a parsed document: the schema, then the cross-field rules. */
export function parseSynclineConfig(
  document: unknown,
  file: string,
  sources = new SecretSources(),
): SynclineConfig {
  const config = validateConfig<SynclineConfig>(synclineConfigSchema, document, file, sources);
  const problems = [
    ...checkKafkaSecurity(config.kafka),
    ...checkSchemaRegistry(config.schemaRegistry),
    ...checkSources(config.sources),
    ...checkChannels(config.channels, config.sources),
    ...checkSinks(config.channels, config.ops).problems,
    ...checkCdc(config.cdc),
    ...checkOrders(config.orders, config.channels),
  ];
  if (problems.length > 0) {
    throw new SynclineError(
      'CONFIG_INVALID',
      sources.scrub(`${file} is not a valid syncline config:\n  - ${problems.join('\n  - ')}`),
    );
  }
  return config.orders === undefined
    ? config
    : Object.freeze({ ...config, orders: withChannelCurrencies(config.orders, config.channels) });
}

/**
 * `readSecretFiles: false` validates a config away from where it runs (a rendered Helm chart, whose
 * secret files exist only in the pod); a role always reads them.
 */
export function loadSynclineConfig(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  options: { readSecretFiles?: boolean } = {},
): SynclineConfig {
  const sources = new SecretSources();
  const config = parseSynclineConfig(interpolateEnv(readYaml(file), env, file, sources), file, sources);
  if (options.readSecretFiles === false) return config;
  // Read every secret file now; the clients read them again when made (a rotated file is then new).
  try {
    kafkaSecurityOptions(config.kafka);
    registryClientArgs(config.schemaRegistry);
  } catch (error) {
    if (!(error instanceof SynclineError)) throw error;
    throw new SynclineError(
      'CONFIG_INVALID',
      `${file} is not a valid syncline config:\n  - ${error.message}`,
    );
  }
  return config;
}
