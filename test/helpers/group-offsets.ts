/** Whether a consumer group has consumed its input topics, from its committed offsets. */
import type { Admin } from 'kafkajs';

/**
 * True once the group's committed offsets are within `slack` of the end of every partition of
 * `topics`. A transactionally written partition ends with commit markers, one per transaction
 * that wrote to it, and every writing task may have one open at once: up to one marker per task
 * after the last record. kafkajs never hands over a batch of markers only, so a group reading such
 * a topic never commits past them; give it that many as `slack`.
 */
export async function groupCaughtUp(
  admin: Admin,
  groupId: string,
  topics: readonly string[],
  slack = 0n,
): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
  for (const topic of topics) {
    const ends = await admin.fetchTopicOffsets(topic);
    for (const { partition, high } of ends) {
      const offset = committed
        .find((t) => t.topic === topic)
        ?.partitions.find((p) => p.partition === partition)?.offset;
      const at = offset === undefined || offset === '-1' ? 0n : BigInt(offset);
      if (BigInt(high) - at > slack) return false;
    }
  }
  return true;
}
