/**
 * The ops database's rows as the admin API answers them: camelCase, times as ISO text, Kafka
 * offsets as decimal text (a bigint does not fit a JSON number), the ERP lineage as one object.
 */
const iso = (at: Date | null | undefined): string | null => (at ? at.toISOString() : null);

/** The ERP lineage columns every index row carries: where the change came from in the ERP. */
export interface ErpLineageColumns {
  readonly erp_source: string | null;
  readonly erp_table: string | null;
  readonly erp_position: string | null;
  readonly erp_tx_id: string | null;
  readonly erp_commit_at: Date | null;
}

export interface ErpOrigin {
  readonly source: string | null;
  readonly table: string | null;
  readonly position: string | null;
  readonly txId: string | null;
  readonly commitAt: string | null;
}

export function erpOriginOf(row: ErpLineageColumns): ErpOrigin {
  return {
    source: row.erp_source,
    table: row.erp_table,
    position: row.erp_position,
    txId: row.erp_tx_id,
    commitAt: iso(row.erp_commit_at),
  };
}

export interface RegisterRow extends ErpLineageColumns {
  readonly register_partition: number;
  readonly register_offset: string;
  readonly channel: string;
  readonly key: string;
  readonly status: string;
  readonly scope: string;
  readonly operation: string;
  readonly content_hash: string;
  readonly attempt: number;
  readonly http_status: number | null;
  readonly error_code: string | null;
  readonly channel_error: string | null;
  readonly sentence: string;
  readonly offer_topic: string;
  readonly offer_partition: number;
  readonly offer_offset: string;
  readonly recorded_at: Date;
  readonly recorded_at_exact: string;
  readonly latency_ms: string | null;
}

export function registerEntryOf(row: RegisterRow) {
  return {
    channel: row.channel,
    key: row.key,
    status: row.status,
    scope: row.scope,
    operation: row.operation,
    contentHash: row.content_hash,
    attempt: row.attempt,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    channelError: row.channel_error,
    sentence: row.sentence,
    channelRecord: {
      topic: row.offer_topic,
      partition: row.offer_partition,
      offset: String(row.offer_offset),
    },
    erp: erpOriginOf(row),
    recordedAt: row.recorded_at_exact,
    latencyMs: row.latency_ms === null ? null : Number(row.latency_ms),
    register: { partition: row.register_partition, offset: String(row.register_offset) },
  };
}

export interface ProblemRow extends ErpLineageColumns {
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
  readonly parked_at: Date;
  readonly parked_at_exact: string;
  readonly closed_at: Date | null;
  readonly closed_by_channel: string | null;
  readonly closed_by_partition: number | null;
  readonly closed_by_offset: string | null;
}

export function problemOf(row: ProblemRow) {
  const closed = row.closed_at !== null;
  return {
    stage: row.stage,
    processor: row.processor,
    channel: row.channel,
    key: row.key,
    code: row.code,
    sentence: row.sentence,
    parkedAt: row.parked_at_exact,
    state: closed ? 'closed' : 'open',
    closedAt: iso(row.closed_at),
    closedBy:
      closed && row.closed_by_channel !== null
        ? {
            channel: row.closed_by_channel,
            partition: row.closed_by_partition ?? 0,
            offset: String(row.closed_by_offset),
          }
        : null,
    source: {
      topic: row.source_topic,
      partition: row.source_partition,
      offset: String(row.source_offset),
      key: row.source_key,
    },
    erp: erpOriginOf(row),
    deadLetter: { topic: row.dlq_topic, partition: row.dlq_partition, offset: String(row.dlq_offset) },
  };
}
