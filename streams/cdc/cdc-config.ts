/**
 * The `cdc` section of the config: which Debezium connectors the CDC watchdog keeps alive, how it
 * tells that one has stalled, and how it may recover it. Optional: without it nothing is watched.
 *
 * A connector is watched through its heartbeat topic: Debezium writes a record there every
 * `heartbeat.interval.ms` while its task reads the database's log, whether or not the captured
 * tables change, so a quiet heartbeat topic means the task reads nothing, whatever Connect's status
 * says (a task waiting for a replication slot, or for a delayed group rebalance, reports RUNNING).
 */
import { heartbeatTopicOf as defaultHeartbeatTopicOf } from '../contracts/topics.ts';

export interface ReplicationSlotConfig {
  /** The slot's name (the connector's `slot.name`). */
  readonly name: string;
  /**
   * A PostgreSQL URL logged in as the connector's own database user: the watchdog can end only
   * that user's own connections, never anyone else's.
   */
  readonly databaseUrl: string;
}

export interface WatchedConnector {
  /** The connector's name in Kafka Connect. */
  readonly name: string;
  /**
   * The connector's `topic.prefix`: its change topics are `<prefix>.<schema>.<table>`, and they count
   * as signs of life too (an initial snapshot writes rows for a long time before any heartbeat).
   */
  readonly topicPrefix: string;
  /** Debezium's heartbeat topic; default `__debezium-heartbeat.<topicPrefix>`. */
  readonly heartbeatTopic?: string;
  /** PostgreSQL connectors: the slot a stale connection can keep from a restarted task. */
  readonly replicationSlot?: ReplicationSlotConfig;
}

export interface CdcConfig {
  /** Kafka Connect's REST address. */
  readonly connectUrl: string;
  /** How often heartbeats and statuses are checked. */
  readonly checkIntervalMs: number;
  /** A heartbeat topic quiet this long is a stalled source; keep it well above heartbeat.interval.ms. */
  readonly stallAfterMs: number;
  /**
   * After a restart, how long the task has to resume before the watchdog acts again. A new Debezium
   * task waits up to 2 x 60 s to register its JMX metrics while a task Connect abandoned still holds
   * them, so less than that would restart a task that was about to resume.
   */
  readonly restartGraceMs: number;
  readonly connectors: readonly WatchedConnector[];
}

const milliseconds = (minimum: number, fallback: number) =>
  ({ type: 'integer', minimum, maximum: 3_600_000, default: fallback }) as const;

export const cdcJsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['connectUrl', 'connectors'],
  properties: {
    connectUrl: { type: 'string', pattern: '^https?://' },
    checkIntervalMs: milliseconds(100, 5_000),
    stallAfterMs: milliseconds(1_000, 45_000),
    restartGraceMs: milliseconds(1_000, 150_000),
    connectors: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'topicPrefix'],
        properties: {
          name: { type: 'string', minLength: 1 },
          topicPrefix: { type: 'string', minLength: 1 },
          heartbeatTopic: { type: 'string', minLength: 1 },
          replicationSlot: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'databaseUrl'],
            properties: {
              name: { type: 'string', minLength: 1 },
              databaseUrl: { type: 'string', pattern: '^postgres(ql)?://' },
            },
          },
        },
      },
    },
  },
} as const;

/** Cross-field rules the schema cannot say. */
export function checkCdc(cdc: CdcConfig | undefined): string[] {
  if (cdc === undefined) return [];
  const problems: string[] = [];
  if (cdc.stallAfterMs <= cdc.checkIntervalMs)
    problems.push(
      `cdc.stallAfterMs (${cdc.stallAfterMs}) must be longer than cdc.checkIntervalMs (${cdc.checkIntervalMs}), or every check would see a stall`,
    );
  const names = new Set<string>();
  for (const [index, connector] of cdc.connectors.entries()) {
    if (names.has(connector.name))
      problems.push(`cdc.connectors[${index}].name: "${connector.name}" is watched twice`);
    names.add(connector.name);
  }
  return problems;
}

/** The topic Debezium writes the connector's heartbeats to: its own, or the declared default. */
export const heartbeatTopicOf = (connector: WatchedConnector): string =>
  connector.heartbeatTopic ?? defaultHeartbeatTopicOf(connector.topicPrefix);
