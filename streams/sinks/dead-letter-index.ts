/**
 * Keeps the ops database's searchable index of the dead letters (`dead_letter`): reads every
 * dead-letter topic (ingest's, offers', each channel's) in its own consumer group and inserts each
 * dead letter once, identified by its position, so a re-read after a crash inserts nothing twice.
 * With the register index beside it, the open problems of every stage are one query away.
 * Rows older than the register's retention are deleted with it; Kafka keeps the topics by their own.
 */
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { TopicCodec } from '../runtime/codec/topic-codec.ts';
import type { ConsumerReadiness } from '../runtime/readiness.ts';
import { consumeInBatches, type RunningConsumer } from '../runtime/sink/batch-consumer.ts';
import { insertIndexRows, keepRetention, type IndexTable } from './ops/index-table.ts';
import { deadLetterIndexTopology } from './sink-topology.ts';
import { deadLetterRow, isParkedRecord, type DeadLetterRow, type SourcePrefix } from './dead-letter-row.ts';

export const deadLetterIndexGroup = deadLetterIndexTopology.group;

export interface DeadLetterIndexOptions {
  readonly kafka: Kafka;
  /** The dead-letter topics: all JSON (parked-record.ts). */
  readonly topics: readonly string[];
  readonly codec: TopicCodec;
  readonly ops: pg.Pool;
  /** Which source a CDC topic belongs to, for the lineage of ingest's dead letters. */
  readonly sources: readonly SourcePrefix[];
  readonly retentionDays: number;
  readonly logger: Logger;
  /** Called after each indexed batch with its size (metrics, tests). */
  readonly onIndexed?: (rows: number) => void;
  readonly readiness?: ConsumerReadiness;
}

const columns: readonly (keyof DeadLetterRow)[] = [
  'dlq_topic',
  'dlq_partition',
  'dlq_offset',
  'stage',
  'processor',
  'channel',
  'key',
  'code',
  'sentence',
  'source_topic',
  'source_partition',
  'source_offset',
  'source_key',
  'source_value',
  'source_value_encoding',
  'erp_source',
  'erp_table',
  'erp_position',
  'erp_tx_id',
  'erp_commit_at',
  'parked_at',
];

const deadLetterTable: IndexTable = {
  name: 'dead_letter',
  columns,
  positionColumns: ['dlq_topic', 'dlq_partition', 'dlq_offset'],
  timeColumn: 'parked_at',
  what: 'dead-letter index',
};

export async function runDeadLetterIndex(options: DeadLetterIndexOptions): Promise<RunningConsumer> {
  const { ops, logger } = options;
  const stopRetention = await keepRetention(ops, deadLetterTable, options.retentionDays, logger);
  const consumer = await consumeInBatches({
    kafka: options.kafka,
    groupId: deadLetterIndexGroup,
    topic: options.topics,
    codec: options.codec,
    logger,
    concurrency: 2,
    readiness: options.readiness,
    async onBatch(records) {
      const rows: DeadLetterRow[] = [];
      for (const r of records) {
        if (isParkedRecord(r.value)) {
          rows.push(deadLetterRow(r, r.value, options.sources));
        } else if (r.value !== null) {
          // Not a dead letter of ours (written by hand, or by a newer syncline): skipped, not fatal.
          logger.warn(
            { topic: r.topic, partition: r.partition, offset: r.offset },
            'not a dead letter; not indexed',
          );
        }
      }
      await insertIndexRows(ops, deadLetterTable, rows);
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
