/**
 * Creates the topics a role writes, with the settings they need, and checks the ones that exist:
 * co-partitioned topics must have the same partition count, or a SKU's rows would meet on
 * different partitions and the join would silently miss them.
 */
import type { Admin, ITopicConfig } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import { SynclineError } from '../errors.ts';

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly compacted: boolean;
  /** Extra topic configs, e.g. `min.compaction.lag.ms`. */
  readonly configs?: Readonly<Record<string, string>>;
}

/**
 * Kafka never compacts a topic's active segment, and by default a segment only closes after 7 days
 * or 1 GiB: a task that rebuilds its state (a new instance, a wiped store) would replay up to a
 * week of every change, and live records wait for that replay. Closing a segment every hour lets
 * the cleaner keep a compacted topic near one record per key.
 */
export const compactedTopicConfigs: Readonly<Record<string, string>> = {
  'cleanup.policy': 'compact',
  'segment.ms': String(60 * 60 * 1000),
};

/**
 * Roles started together on a fresh broker create the same topics at the same moment: one wins,
 * and the other's wait for leaders can meet a topic that exists but is not served yet
 * (UNKNOWN_TOPIC_OR_PARTITION, retriable). So a retriable failure starts over, a few times.
 */
export async function ensureTopics(
  admin: Admin,
  specs: readonly TopicSpec[],
  replicationFactor = -1,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await ensureTopicsOnce(admin, specs, replicationFactor);
    } catch (error) {
      // Ours (a failed create) or kafkajs's own flag (e.g. metadata of a topic not served yet).
      const retriable =
        (error instanceof SynclineError && error.retriable) ||
        (error as { retriable?: boolean }).retriable === true;
      if (!retriable || attempt >= 5) throw error;
      await sleep(500 * attempt);
    }
  }
}

async function ensureTopicsOnce(
  admin: Admin,
  specs: readonly TopicSpec[],
  replicationFactor: number,
): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.name));
  if (missing.length > 0) {
    const topics: ITopicConfig[] = missing.map((spec) => ({
      topic: spec.name,
      numPartitions: spec.partitions,
      replicationFactor,
      configEntries: Object.entries({
        ...(spec.compacted ? compactedTopicConfigs : { 'cleanup.policy': 'delete' }),
        ...spec.configs,
      }).map(([name, value]) => ({ name, value })),
    }));
    try {
      await admin.createTopics({ topics, waitForLeaders: true });
    } catch (error) {
      // Another instance may have created them at the same moment: that is fine.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') {
        throw new SynclineError(
          'TOPIC_SETUP',
          `could not create topics ${missing.map((m) => m.name).join(', ')}: ${(error as Error).message}`,
          true,
          {
            cause: error,
          },
        );
      }
    }
  }
  const present = specs.filter((s) => existing.has(s.name));
  if (present.length === 0) return;
  const metadata = await admin.fetchTopicMetadata({ topics: present.map((s) => s.name) });
  const wrong = metadata.topics
    .map((t) => ({
      name: t.name,
      actual: t.partitions.length,
      wanted: specs.find((s) => s.name === t.name)?.partitions,
    }))
    .filter((t) => t.wanted !== undefined && t.actual !== t.wanted);
  if (wrong.length > 0) {
    throw new SynclineError(
      'TOPIC_SETUP',
      `co-partitioned topics must all have the same partition count: ${wrong.map((w) => `${w.name} has ${w.actual}, expected ${w.wanted}`).join('; ')}. Set processing.partitions to match, or recreate the topics.`,
    );
  }
}
