/**
 * The engine's exactly-once guarantee, proven by fault injection on the real broker: two instances
 * of a counting processor share four tasks while 10,000 records stream in, and are SIGKILLed and
 * restarted several times, so partitions move under load and local stores go stale. A
 * read_committed reader must then see, for every key, the counts 1..n once each: a duplicate, a gap
 * or a count rebuilt wrongly from local state all break that sequence.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Admin } from 'kafkajs';
import { kafkaBrokers } from '../../infra/local/stack-config.ts';
import { startChild, type Child } from '../helpers/child-process.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const id = randomUUID().slice(0, 8);
const input = `test.count-in.${id}`;
const output = `test.count-out.${id}`;
const group = `test-counter-${id}`;
const total = 10_000;
const keys = 50;
const kafka = testKafka();
let admin: Admin;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-eos-'));
const fixture = 'test/integration/fixtures/counting-processor.ts';

function startInstance(slot: string): Child {
  return startChild(fixture, {
    COUNT_INPUT: input,
    COUNT_OUTPUT: output,
    COUNT_GROUP: group,
    COUNT_BROKERS: kafkaBrokers().join(','),
    COUNT_STATE_DIR: join(stateRoot, slot),
    COUNT_COMMIT_INTERVAL_MS: '50',
  });
}

async function consumedAll(): Promise<boolean> {
  const committed = await admin.fetchOffsets({ groupId: group, topics: [input] });
  const ends = await admin.fetchTopicOffsets(input);
  return ends.every(({ partition, high }) => {
    const offset = committed[0]?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
    return BigInt(offset) >= BigInt(high);
  });
}

describe('engine: exactly once under SIGKILL with partitions moving', { timeout: 300_000 }, () => {
  const instances = new Map<string, Child>();

  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [
        { topic: input, numPartitions: 4 },
        { topic: output, numPartitions: 4 },
        { topic: `${output}.dlq`, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
  });

  after(async () => {
    await Promise.all([...instances.values()].map((c) => c.kill()));
    await admin.deleteTopics({ topics: [input, output, `${output}.dlq`] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
    rmSync(stateRoot, { recursive: true, force: true });
  });

  it('emits every count once and in order, whatever was killed', async () => {
    instances.set('a', startInstance('a'));
    instances.set('b', startInstance('b'));

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const produced = new Map<string, number>();
    const producing = (async () => {
      for (let sent = 0; sent < total; sent += 200) {
        const messages = Array.from({ length: 200 }, (_, i) => {
          const key = `k${(sent + i) % keys}`;
          produced.set(key, (produced.get(key) ?? 0) + 1);
          return { key, value: JSON.stringify({ n: sent + i }) };
        });
        await producer.send({ topic: input, messages });
        await sleep(250);
      }
    })();

    // Chaos: kill one instance at a random moment, restart it on the same local state folder.
    let kills = 0;
    while (kills < 5) {
      await sleep(1500 + Math.random() * 1500);
      const slot = Math.random() < 0.5 ? 'a' : 'b';
      await instances.get(slot)!.kill();
      kills += 1;
      await sleep(300);
      instances.set(slot, startInstance(slot));
    }
    await producing;
    await producer.disconnect();

    await waitUntil(
      'the processors to consume every input record',
      async () => ((await consumedAll()) ? true : undefined),
      180_000,
      1000,
    );

    const records = await readTopic(output, 120_000, kafka);
    const byKey = new Map<string, number[]>();
    for (const record of records.sort(
      (a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)),
    )) {
      const { count } = JSON.parse(record.value!.toString()) as { count: number };
      byKey.set(record.key!, [...(byKey.get(record.key!) ?? []), count]);
    }
    assert.equal(byKey.size, keys);
    for (const [key, counts] of byKey) {
      const expected = Array.from({ length: produced.get(key)! }, (_, i) => i + 1);
      assert.deepEqual(counts, expected, `key ${key}: counts must be 1..${expected.length} exactly once`);
    }
    assert.equal(records.length, total);
  });
});
