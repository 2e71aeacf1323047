/**
 * The topics a role creates, as the broker then describes them: compacted ones close a segment
 * every hour (or the cleaner never reaches a busy topic's records and a state rebuild replays a
 * week of changes), others are plain; and an existing co-partitioned topic with another partition
 * count is refused with a sentence that names it.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import kafkajs, { type Admin } from 'kafkajs';
import { ensureTopics } from '../../streams/runtime/kafka/topics.ts';
import { testKafka } from '../helpers/read-topic.ts';

const id = randomUUID().slice(0, 8);
const compacted = `test.topics-compacted.${id}`;
const plain = `test.topics-plain.${id}`;
let admin: Admin;

/** The topic's own settings (set on the topic, not inherited from the broker): name -> value. */
async function topicLevelConfigs(topic: string): Promise<Map<string, string>> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  const own = (resources[0]?.configEntries ?? []).filter(
    (entry) => entry.configSource === kafkajs.ConfigSource.TOPIC_CONFIG,
  );
  return new Map(own.map((entry) => [entry.configName, entry.configValue]));
}

before(async () => {
  admin = testKafka().admin();
  await admin.connect();
});

after(async () => {
  await admin.deleteTopics({ topics: [compacted, plain] }).catch(() => undefined);
  await admin.disconnect();
});

describe('topic setup', () => {
  it('creates compacted topics that close a segment every hour, and plain ones', async () => {
    await ensureTopics(admin, [
      { name: compacted, partitions: 2, compacted: true },
      { name: plain, partitions: 2, compacted: false, configs: { 'retention.ms': '86400000' } },
    ]);
    assert.deepEqual(Object.fromEntries(await topicLevelConfigs(compacted)), {
      'cleanup.policy': 'compact',
      'segment.ms': '3600000',
    });
    // A plain topic keeps the broker's segment settings.
    assert.deepEqual(Object.fromEntries(await topicLevelConfigs(plain)), {
      'cleanup.policy': 'delete',
      'retention.ms': '86400000',
    });
  });

  it('refuses an existing topic whose partition count differs, naming it', async () => {
    await assert.rejects(
      ensureTopics(admin, [{ name: compacted, partitions: 4, compacted: true }]),
      (error: Error) => {
        assert.match(error.message, new RegExp(`${compacted.replace(/\./g, '\\.')} has 2, expected 4`));
        assert.match(error.message, /processing\.partitions/);
        return true;
      },
    );
  });
});
