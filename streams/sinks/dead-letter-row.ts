/**
 * What the ops database's `dead_letter` index keeps of one dead letter (a record some stage
 * parked): the stage that parked it, the key an operator searches by, the reason, and the ERP
 * lineage of the input, so a problem can be followed back to its ERP row and closed by a later
 * delivery of its key (docs/console.md, "Open problems").
 *
 * Pure: the register-index role feeds it the decoded dead letters of every DLQ topic.
 */
import type { ParkedRecord } from '../runtime/eos/parked-record.ts';
import { lineageHeaderNames } from '../runtime/lineage-headers.ts';

/** Which part of the pipeline parked a record. */
export type ParkStage = 'ingest' | 'offers' | 'sink' | 'orders';

export interface DeadLetterRow {
  readonly dlq_topic: string;
  readonly dlq_partition: number;
  readonly dlq_offset: string;
  readonly stage: string;
  readonly processor: string;
  readonly channel: string | null;
  readonly key: string;
  readonly code: string;
  readonly sentence: string;
  readonly source_topic: string;
  readonly source_partition: number;
  readonly source_offset: string;
  readonly source_key: string | null;
  readonly source_value: string | null;
  readonly source_value_encoding: string;
  readonly erp_source: string | null;
  readonly erp_table: string | null;
  readonly erp_position: string | null;
  readonly erp_tx_id: string | null;
  readonly erp_commit_at: string | null;
  readonly parked_at: string;
}

/** A CDC topic's prefix (Debezium `topic.prefix`) and the source id the config gives it. */
export interface SourcePrefix {
  readonly id: string;
  readonly topicPrefix: string;
}

/** A sink names itself `sink.<channel>`; processors by their own name. */
export function stageOf(processor: string): string {
  return processor.startsWith('sink.') ? 'sink' : processor;
}

interface Lineage {
  readonly source: string | null;
  readonly table: string | null;
  readonly position: string | null;
  readonly txId: string | null;
  readonly commitMs: number | null;
}

const noLineage: Lineage = { source: null, table: null, position: null, txId: null, commitMs: null };

function lineageOfHeaders(headers: Readonly<Record<string, string>>): Lineage {
  const commit = Number(headers[lineageHeaderNames.commitTimeMs]);
  return {
    source: headers[lineageHeaderNames.source] ?? null,
    table: headers[lineageHeaderNames.table] ?? null,
    position: headers[lineageHeaderNames.position] ?? null,
    txId: headers[lineageHeaderNames.txId] ?? null,
    commitMs: Number.isFinite(commit) ? commit : null,
  };
}

const text = (value: unknown): string | null =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'bigint'
      ? String(value)
      : null;

/**
 * The lineage of a parked CDC record, from its Debezium envelope (JsonConverter, schemas off):
 * `source.ts_ms` is the commit time; the position is the LSN (PostgreSQL) or the GTID, else the
 * binlog coordinates (MariaDB/MySQL), as the ingest processor writes them into lineage headers.
 */
export function lineageOfEnvelope(
  record: Pick<ParkedRecord, 'sourceTopic' | 'sourceValue' | 'sourceValueEncoding'>,
  sources: readonly SourcePrefix[],
): Lineage {
  if (record.sourceValue === null || record.sourceValueEncoding !== 'utf8') return noLineage;
  let envelope: unknown;
  try {
    envelope = JSON.parse(record.sourceValue);
  } catch {
    return noLineage;
  }
  const source = (envelope as { source?: Record<string, unknown> } | null)?.source;
  if (typeof source !== 'object' || source === null) return noLineage;
  const schema = text(source.schema) ?? text(source.db);
  const table = text(source.table);
  const commit = Number(source.ts_ms);
  const binlog = text(source.file) !== null ? `${text(source.file)}:${text(source.pos) ?? '0'}` : null;
  const configured = sources.find((s) => record.sourceTopic.startsWith(`${s.topicPrefix}.`));
  return {
    source: configured?.id ?? null,
    table: schema !== null && table !== null ? `${schema}.${table}` : table,
    position: text(source.lsn) ?? text(source.gtid) ?? binlog,
    txId: text(source.txId) ?? text(source.gtid),
    commitMs: Number.isFinite(commit) && commit > 0 ? commit : null,
  };
}

/** The index row of the dead letter at `topic/partition@offset`. */
export function deadLetterRow(
  at: { readonly topic: string; readonly partition: number; readonly offset: string },
  record: ParkedRecord,
  sources: readonly SourcePrefix[],
): DeadLetterRow {
  const lineage = record.lineage
    ? lineageOfHeaders(record.lineage)
    : stageOf(record.processor) === 'ingest'
      ? lineageOfEnvelope(record, sources)
      : noLineage;
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    dlq_topic: at.topic,
    dlq_partition: at.partition,
    dlq_offset: at.offset,
    stage: stageOf(record.processor),
    processor: record.processor,
    channel: record.channel,
    // The key the DLQ record is filed under: the SKU when the stage knew it.
    key:
      record.sku ??
      record.sourceKey ??
      `${record.sourceTopic}/${record.sourcePartition}@${record.sourceOffset}`,
    code: record.code,
    sentence: record.message,
    source_topic: record.sourceTopic,
    source_partition: record.sourcePartition,
    source_offset: record.sourceOffset,
    source_key: record.sourceKey,
    source_value: record.sourceValue,
    source_value_encoding: record.sourceValueEncoding,
    erp_source: lineage.source,
    erp_table: lineage.table,
    erp_position: lineage.position,
    erp_tx_id: lineage.txId,
    erp_commit_at: iso(lineage.commitMs),
    parked_at: iso(record.parkedAtMs) ?? new Date(0).toISOString(),
  };
}

/** Whether a decoded DLQ value is a dead letter this index understands. */
export function isParkedRecord(value: unknown): value is ParkedRecord {
  const v = value as Partial<ParkedRecord> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.processor === 'string' &&
    typeof v.code === 'string' &&
    typeof v.message === 'string' &&
    typeof v.sourceTopic === 'string' &&
    typeof v.parkedAtMs === 'number'
  );
}
