import type { Admin } from 'kafkajs';

/** How many records the topics hold (high minus low watermark, summed over their partitions). */
export async function topicRecords(admin: Admin, topics: readonly string[]): Promise<number> {
  let total = 0;
  for (const topic of topics) {
    for (const { high, low } of await admin.fetchTopicOffsets(topic)) total += Number(high) - Number(low);
  }
  return total;
}
