/**
 * The engine's metrics, registered on a prom-client registry that the caller passes in (STYLE
 * habit 7: no global registry). Every metric name is declared here, in one place.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface EngineMetrics {
  readonly recordsIn: Counter<'processor' | 'topic'>;
  readonly recordsOut: Counter<'processor' | 'topic'>;
  readonly recordsParked: Counter<'processor' | 'code'>;
  readonly batchSeconds: Histogram<'processor'>;
  readonly commitSeconds: Histogram<'processor'>;
  readonly endToEndSeconds: Histogram<'processor'>;
  readonly transactionsAborted: Counter<'processor' | 'reason'>;
  readonly stateRows: Gauge<'processor' | 'task'>;
  readonly restoredRecords: Counter<'processor'>;
  readonly taskStartSeconds: Histogram<'processor'>;
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function engineMetrics(registry: Registry): EngineMetrics {
  const registers = [registry];
  return {
    recordsIn: new Counter({
      name: 'syncline_records_in_total',
      help: 'Input records processed',
      labelNames: ['processor', 'topic'],
      registers,
    }),
    recordsOut: new Counter({
      name: 'syncline_records_out_total',
      help: 'Output records committed',
      labelNames: ['processor', 'topic'],
      registers,
    }),
    recordsParked: new Counter({
      name: 'syncline_records_parked_total',
      help: 'Records parked in a dead-letter topic, by reason code',
      labelNames: ['processor', 'code'],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'syncline_batch_seconds',
      help: 'Time to process one input batch, commit included',
      labelNames: ['processor'],
      buckets: latencyBuckets,
      registers,
    }),
    commitSeconds: new Histogram({
      name: 'syncline_commit_seconds',
      help: 'Time to commit one Kafka transaction',
      labelNames: ['processor'],
      buckets: latencyBuckets,
      registers,
    }),
    endToEndSeconds: new Histogram({
      name: 'syncline_end_to_end_seconds',
      help: 'From the ERP commit (lineage) to the output record being committed in Kafka',
      labelNames: ['processor'],
      buckets: latencyBuckets,
      registers,
    }),
    transactionsAborted: new Counter({
      name: 'syncline_transactions_aborted_total',
      help: 'Kafka transactions aborted, by reason',
      labelNames: ['processor', 'reason'],
      registers,
    }),
    stateRows: new Gauge({
      name: 'syncline_state_rows',
      help: "Rows in a task's local state store",
      labelNames: ['processor', 'task'],
      registers,
    }),
    restoredRecords: new Counter({
      name: 'syncline_restored_records_total',
      help: 'Input records replayed to rebuild local state',
      labelNames: ['processor'],
      registers,
    }),
    taskStartSeconds: new Histogram({
      name: 'syncline_task_start_seconds',
      help: 'Time for a task to start after an assignment (fence, settle offsets, restore state), its partitions idle meanwhile',
      labelNames: ['processor'],
      buckets: latencyBuckets,
      registers,
    }),
  };
}

/** The ingest role's own metrics, beside the engine's. */
export interface IngestMetrics {
  /**
   * Change events dropped as at or below the last position seen for their key: a Debezium replay
   * after a Connect crash (harmless), or an ERP restored from a backup or with a reset log, whose
   * real changes are then lost until its positions are reset (docs/pipeline.md, "Replays dropped").
   */
  readonly replaysDropped: Counter<'source' | 'table'>;
}

export function ingestMetrics(registry: Registry): IngestMetrics {
  return {
    replaysDropped: new Counter({
      name: 'syncline_ingest_replays_dropped_total',
      help: 'CDC change events dropped as at or below the last source position seen for their key',
      labelNames: ['source', 'table'],
      registers: [registry],
    }),
  };
}

/**
 * A consumer group's lag, exported by every role that consumes (kafka/consumer-lag.ts), per
 * partition the instance is assigned: so a partition is reported once, by its owner, and a
 * consumer that stands still (a channel down, a stuck task) still reports its growing lag.
 */
export interface ConsumerLagMetrics {
  readonly records: Gauge<'role' | 'group' | 'topic' | 'partition'>;
  readonly seconds: Gauge<'role' | 'group' | 'topic' | 'partition'>;
}

export function consumerLagMetrics(registry: Registry): ConsumerLagMetrics {
  const labelNames = ['role', 'group', 'topic', 'partition'] as const;
  return {
    records: new Gauge({
      name: 'syncline_consumer_lag_records',
      help: "Records in the partition after the group's committed offset (commit markers the consumer saw are not counted)",
      labelNames,
      registers: [registry],
    }),
    seconds: new Gauge({
      name: 'syncline_consumer_lag_seconds',
      help: 'Age of the oldest record after the committed offset, estimated from end-offset samples (0 when caught up)',
      labelNames,
      registers: [registry],
    }),
  };
}
