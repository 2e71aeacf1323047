/**
 * How far a consumer group is behind on one partition, from periodic samples of the partition's
 * end offset and the group's committed offset: pure, so the watcher that reads Kafka
 * (consumer-lag.ts) stays thin.
 *
 * Records behind: the end offset (the last stable offset: records of open transactions do not
 * count) minus the committed offset. A transactional writer leaves a commit marker after its
 * records, and kafkajs never hands a batch of markers only to the processing code, so a group's
 * committed offset stays short of the end by the trailing markers while the topic is idle. kafkajs
 * does report such a batch in its END_BATCH_PROCESS event; a range the consumer saw to hold only
 * markers (or aborted records) right at the committed offset is therefore not counted as behind.
 *
 * Seconds behind: the age of the oldest record not yet committed, estimated without reading it.
 * A sample whose end offset was at or below today's committed offset proves that record was
 * written later; the first sample whose end passed it proves it existed then. So the age is at
 * least the time since that sample (an estimate short by at most one sampling interval). While
 * the group is caught up the samples are dropped; only those still needed are kept.
 */

export interface EndSample {
  readonly atMs: number;
  readonly end: bigint;
}

/** Offsets `from` to `through` (inclusive) that the consumer saw hold no record for it. */
export interface SkippedRange {
  readonly from: bigint;
  readonly through: bigint;
}

export interface PartitionLagState {
  /** End offsets sampled since the oldest record not yet committed was written, oldest first. */
  readonly ends: readonly EndSample[];
  readonly skipped?: SkippedRange;
}

export interface PartitionSample {
  readonly atMs: number;
  /** The group's committed offset; undefined when it has committed none on this partition. */
  readonly committed: bigint | undefined;
  /** The partition's first offset, where a group that has committed nothing starts. */
  readonly low: bigint;
  readonly end: bigint;
}

export interface PartitionLag {
  readonly records: bigint;
  readonly seconds: number;
  readonly state: PartitionLagState;
}

/** Bounds the memory of a partition that stays behind for a long time. */
export const maxEndSamples = 500;

export const emptyLagState: PartitionLagState = { ends: [] };

/** The committed offset, moved past a range of markers the consumer saw right at it. */
export function effectiveCommitted(committed: bigint, skipped: SkippedRange | undefined): bigint {
  if (skipped && skipped.from <= committed && committed <= skipped.through) return skipped.through + 1n;
  return committed;
}

export function nextPartitionLag(state: PartitionLagState, sample: PartitionSample): PartitionLag {
  const committed = effectiveCommitted(sample.committed ?? sample.low, state.skipped);
  const records = sample.end > committed ? sample.end - committed : 0n;
  const ends = [...state.ends, { atMs: sample.atMs, end: sample.end }];
  if (records === 0n) {
    return { records, seconds: 0, state: { ends: ends.slice(-1), skipped: state.skipped } };
  }
  // Samples whose end did not pass the committed offset say nothing more: the first that did
  // dates the oldest record behind.
  const first = ends.findIndex((s) => s.end > committed);
  let kept = ends.slice(first);
  if (kept.length > maxEndSamples) kept = [kept[0]!, ...kept.slice(-(maxEndSamples - 1))];
  const seconds = Math.max(0, (sample.atMs - kept[0]!.atMs) / 1000);
  return { records, seconds, state: { ends: kept, skipped: state.skipped } };
}

/**
 * What a batch the consumer fetched tells: a batch with no record for the consumer (only markers
 * or aborted records) marks its offsets as skipped; any other batch says nothing about lag.
 */
export function skippedByBatch(
  state: PartitionLagState,
  batch: { readonly batchSize: number; readonly firstOffset: string | null; readonly lastOffset: string },
): PartitionLagState {
  if (batch.batchSize > 0 || batch.firstOffset === null) return state;
  return { ...state, skipped: { from: BigInt(batch.firstOffset), through: BigInt(batch.lastOffset) } };
}
