/**
 * Keeps the ops database's searchable index of the sync register: reads `sync.register.v1` in its
 * own consumer group and inserts each entry once, identified by its register position, so a
 * re-read after a crash inserts nothing twice. Rows older than the retention are deleted every
 * few minutes; Kafka keeps the topic by its own retention.
 */
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TopicCodec } from '../runtime/codec/topic-codec.ts';
import type { ConsumerReadiness } from '../runtime/readiness.ts';
import type { ConsumerLagReporting } from '../runtime/kafka/consumer-lag.ts';
import { consumeInBatches, type RunningConsumer } from '../runtime/sink/batch-consumer.ts';
import { insertIndexRows, keepRetention, type IndexTable } from './ops/index-table.ts';
import { registerTopic, type RegisterEntry } from './register-entry.ts';
import { registerIndexTopology } from './sink-topology.ts';

export const registerIndexGroup = registerIndexTopology.group;

export interface RegisterIndexOptions {
  readonly kafka: Kafka;
  readonly codec: TopicCodec;
  readonly ops: pg.Pool;
  readonly retentionDays: number;
  readonly logger: Logger;
  /** Called after each indexed batch with its size (metrics, tests). */
  readonly onIndexed?: (rows: number) => void;
  /** The consumer's readiness; it calls its role's `onGone` when the consumer is gone for good. */
  readonly readiness?: ConsumerReadiness;
  /** Exports the index's lag on the register topic. */
  readonly lag?: ConsumerLagReporting;
}

const columns = [
  'register_partition',
  'register_offset',
  'channel',
  'key',
  'status',
  'operation',
  'content_hash',
  'attempt',
  'http_status',
  'error_code',
  'channel_error',
  'sentence',
  'offer_topic',
  'offer_partition',
  'offer_offset',
  'erp_source',
  'erp_table',
  'erp_position',
  'erp_tx_id',
  'erp_commit_at',
  'recorded_at',
  'latency_ms',
  'scope',
  'probe_interval_ms',
  'paused_ms',
] as const;

const registerTable: IndexTable = {
  name: 'sync_register',
  columns,
  positionColumns: ['register_partition', 'register_offset'],
  timeColumn: 'recorded_at',
  what: 'register index',
};

/** An entry as read back: those written before the schema carried the channel-wide fields lack them. */
type IndexedEntry = Omit<RegisterEntry, 'scope' | 'probeIntervalMs' | 'pausedMs'> &
  Partial<Pick<RegisterEntry, 'scope' | 'probeIntervalMs' | 'pausedMs'>>;

export async function runRegisterIndex(options: RegisterIndexOptions): Promise<RunningConsumer> {
  const { ops, logger } = options;
  const stopRetention = await keepRetention(ops, registerTable, options.retentionDays, logger);
  const consumer = await consumeInBatches({
    kafka: options.kafka,
    groupId: registerIndexGroup,
    topic: registerTopic,
    codec: options.codec,
    logger,
    concurrency: 2,
    readiness: options.readiness,
    lag: options.lag,
    async onBatch(records) {
      const rows = records
        .filter((r) => r.value !== undefined && r.value !== null)
        .map((r) => rowOf(r.partition, r.offset, r.value as IndexedEntry));
      await insertIndexRows(ops, registerTable, rows);
      options.onIndexed?.(rows.length);
      return true;
    },
  });
  return {
    async stop() {
      stopRetention();
      await consumer.stop();
    },
  };
}

function rowOf(
  partition: number,
  offset: string,
  entry: IndexedEntry,
): Record<(typeof columns)[number], unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());
  return {
    register_partition: partition,
    register_offset: offset,
    channel: entry.channel,
    key: entry.key,
    status: entry.status,
    operation: entry.operation,
    content_hash: entry.contentHash,
    attempt: entry.attempt,
    http_status: entry.httpStatus,
    error_code: entry.errorCode,
    channel_error: entry.channelError,
    sentence: entry.sentence,
    offer_topic: entry.offerTopic,
    offer_partition: entry.offerPartition,
    offer_offset: String(entry.offerOffset),
    erp_source: entry.erpSource,
    erp_table: entry.erpTable,
    erp_position: entry.erpPosition,
    erp_tx_id: entry.erpTxId,
    erp_commit_at: iso(entry.erpCommitMs),
    recorded_at: iso(entry.recordedAtMs),
    latency_ms: entry.latencyMs === null ? null : Number(entry.latencyMs),
    scope: entry.scope ?? 'RECORD',
    probe_interval_ms: entry.probeIntervalMs ?? null,
    paused_ms: entry.pausedMs ?? null,
  };
}
