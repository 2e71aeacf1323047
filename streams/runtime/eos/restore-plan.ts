/**
 * Decides, when a task starts, where each of its input partitions must be read from so that the
 * local state ends up exactly as if every committed input had just been processed.
 *
 * Per partition: C = the group's committed offset (undefined: never committed), K = the local
 * store's checkpoint. K == C: the store is current. K < C (a crash between the Kafka commit and
 * the store write, or another instance ran the task meanwhile): replay K..C into state. K > C or
 * a K without a C: the store cannot be trusted; wipe it and replay everything up to C. Pure.
 */
export interface PartitionOffsets {
  readonly committed: string | undefined;
  readonly checkpoint: string | undefined;
}

export interface RestorePlan {
  readonly wipe: boolean;
  /** Partitions to replay: read from `from` until the offset reaches `until`. */
  readonly replay: ReadonlyMap<string, { readonly from: string; readonly until: string }>;
}

export function restorePlan(partitions: ReadonlyMap<string, PartitionOffsets>): RestorePlan {
  const untrusted = [...partitions.values()].some(
    ({ committed, checkpoint }) =>
      checkpoint !== undefined && (committed === undefined || BigInt(checkpoint) > BigInt(committed)),
  );
  const replay = new Map<string, { from: string; until: string }>();
  for (const [tp, { committed, checkpoint }] of partitions) {
    if (committed === undefined) continue;
    const from = untrusted || checkpoint === undefined ? '0' : checkpoint;
    if (BigInt(from) < BigInt(committed)) replay.set(tp, { from, until: committed });
  }
  return { wipe: untrusted, replay };
}
