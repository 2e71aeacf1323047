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

async function configsOf(topic: string): Promise<Map<string, string>> {
  const { resources } = await admin.describeConfigs({
    resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic }],
    includeSynonyms: false,
  });
  return new Map((resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]));
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
    const compactedConfigs = await configsOf(compacted);
    assert.equal(compactedConfigs.get('cleanup.policy'), 'compact');
    assert.equal(compactedConfigs.get('segment.ms'), '3600000');
    const plainConfigs = await configsOf(plain);
    assert.equal(plainConfigs.get('cleanup.policy'), 'delete');
    assert.equal(plainConfigs.get('retention.ms'), '86400000');
    assert.equal(plainConfigs.get('segment.ms'), '604800000', 'a plain topic keeps the broker default');
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
