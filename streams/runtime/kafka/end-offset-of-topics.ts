/**
 * The end offsets of the chosen topics summed over all their partitions: a counter that moves
 * whenever anything is written to any of them (the CDC watchdog reads a connector's heartbeat and
 * change topics so, without a consumer group). Undefined when no topic is chosen; errors (Kafka
 * away) are thrown.
 */
import type { Admin } from 'kafkajs';

export async function endOffsetOfTopics(
  admin: Admin,
  chosen: (topic: string) => boolean,
): Promise<bigint | undefined> {
  // Listed first: kafkajs logs an error at every retry of the offsets of a topic that is not there.
  const topics = (await admin.listTopics()).filter(chosen);
  if (topics.length === 0) return undefined;
  let sum = 0n;
  for (const topic of topics) {
    for (const { high } of await admin.fetchTopicOffsets(topic)) sum += BigInt(high);
  }
  return sum;
}
