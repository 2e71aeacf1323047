/**
 * Which record a channel holding reflects: its revision, the record's position in the channel
 * topic. A key always lives on one partition of its compacted topic and offsets only grow, so
 * within a partition a higher offset is a newer record of the key. This fences sink replicas that
 * lost their partitions (a process paused past its session timeout, a rebalance during a long
 * call): a holding is replaced only by a record at least as new as the one it reflects, so a late
 * answer to a stale call cannot make the holdings claim the channel holds an older record.
 *
 * The same rule is written in SQL in ops/channel-holdings.ts; the two must agree.
 */

export interface Revision {
  readonly partition: number;
  readonly offset: bigint;
}

/** The revision as the adapters send it (`<partition>:<offset>`, an idempotency input). */
export const revisionText = (revision: Revision): string => `${revision.partition}:${revision.offset}`;

/**
 * Whether a record at `incoming` may replace a holding at `stored`.
 *
 *   - no stored revision (a row written before holdings carried one): yes;
 *   - another partition: the topic's partitions were changed, offsets are not comparable: yes;
 *   - a stored offset at or past the partition's end (`partitionEnd`, the high watermark the
 *     batch was fetched with): the topic was deleted and created again, its offsets started over,
 *     so the stored revision is from a former topic of the same name: yes;
 *   - otherwise: only when the incoming offset is not older. An equal revision is the same record
 *     delivered again (a crash, a rebalance), which is harmless.
 */
export function replacesHolding(stored: Revision | null, incoming: Revision, partitionEnd?: bigint): boolean {
  if (stored === null) return true;
  if (stored.partition !== incoming.partition) return true;
  if (partitionEnd !== undefined && stored.offset >= partitionEnd) return true;
  return stored.offset <= incoming.offset;
}
