/**
 * Which member of a processor group runs which task. A task is one partition number across every
 * input topic (all canonical topics are co-partitioned by SKU), so a join never crosses instances.
 *
 * Sticky: a task stays with a member that already has it (or its local state), within a fair
 * share, so a rebalance moves as little state as possible. Pure, so it is tested without a broker.
 */
export interface AssignmentMember {
  readonly id: string;
  /** Tasks the member runs now or holds a local store for, in its own order of preference. */
  readonly previous: readonly number[];
}

export function assignTasks(
  members: readonly AssignmentMember[],
  tasks: readonly number[],
): Map<string, number[]> {
  const sorted = [...members].sort((a, b) => a.id.localeCompare(b.id));
  const result = new Map<string, number[]>(sorted.map((m) => [m.id, []]));
  if (sorted.length === 0) return result;
  const base = Math.floor(tasks.length / sorted.length);
  let withExtra = tasks.length % sorted.length;
  const capacity = new Map<string, number>();
  // The first `withExtra` members in a stable order may take one task more than the others.
  for (const member of sorted) {
    capacity.set(member.id, base + (withExtra > 0 ? 1 : 0));
    if (withExtra > 0) withExtra -= 1;
  }
  const unassigned = new Set([...tasks].sort((a, b) => a - b));
  for (const member of sorted) {
    for (const task of member.previous) {
      const owned = result.get(member.id)!;
      if (owned.length >= capacity.get(member.id)!) break;
      if (unassigned.delete(task)) owned.push(task);
    }
  }
  for (const task of unassigned) {
    const member = sorted.find((m) => result.get(m.id)!.length < capacity.get(m.id)!)!;
    result.get(member.id)!.push(task);
  }
  for (const owned of result.values()) owned.sort((a, b) => a - b);
  return result;
}
