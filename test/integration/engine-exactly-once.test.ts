/**
 * The engine's exactly-once guarantee, proven by fault injection on the real broker: two instances
 * of a counting processor share four tasks while 10,000 records stream in, and are SIGKILLed and
 * restarted several times, so partitions move under load and local stores go stale. A
 * read_committed reader must then see, for every key, the counts 1..n once each: a duplicate, a gap
 * or a count rebuilt wrongly from local state all break that sequence.
 *
 * A second scenario makes a zombie: one instance is frozen (SIGSTOP) until the group has given its
 * tasks to the other, then thawed while it still believes it owns them; whatever it had in flight
 * must be fenced, and the counts must stay exact.
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
import { groupCaughtUp } from '../helpers/group-offsets.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka();
const fixture = 'test/integration/fixtures/counting-processor.ts';
const keys = 50;
let admin: Admin;

/** One run of the counting processor: its own topics, group and local state folders. */
function scenario(name: string) {
  const id = `${name}-${randomUUID().slice(0, 8)}`;
  const input = `test.count-in.${id}`;
  const output = `test.count-out.${id}`;
  const group = `test-counter-${id}`;
  const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-eos-'));
  const instances = new Map<string, Child>();
  const produced = new Map<string, number>();
  let sentTotal = 0;
  /** The group's committed offset of each input partition (-1 for none yet). */
  const committedOffsets = async (): Promise<Map<number, bigint>> => {
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [input] });
    return new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  };

  return {
    group,
    instances,
    async create(): Promise<void> {
      await admin.createTopics({
        topics: [
          { topic: input, numPartitions: 4 },
          { topic: output, numPartitions: 4 },
          { topic: `${output}.dlq`, numPartitions: 1 },
        ],
        waitForLeaders: true,
      });
    },
    start(slot: string, commitIntervalMs = 50): void {
      instances.set(
        slot,
        startChild(fixture, {
          COUNT_INPUT: input,
          COUNT_OUTPUT: output,
          FIXTURE_GROUP: group,
          FIXTURE_BROKERS: kafkaBrokers().join(','),
          FIXTURE_STATE_DIR: join(stateRoot, slot),
          FIXTURE_COMMIT_INTERVAL_MS: String(commitIntervalMs),
        }),
      );
    },
    /** Sends `total` records, 200 every 250 ms, over the keys k0..k49. */
    async produce(total: number): Promise<void> {
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      for (let sent = 0; sent < total; sent += 200) {
        const messages = Array.from({ length: 200 }, (_, i) => {
          const key = `k${(sent + i) % keys}`;
          produced.set(key, (produced.get(key) ?? 0) + 1);
          return { key, value: JSON.stringify({ n: sent + i }) };
        });
        await producer.send({ topic: input, messages });
        sentTotal += messages.length;
        await sleep(250);
      }
      await producer.disconnect();
    },
    committedOffsets,
    /** Waits until the group has consumed every input record, then checks the counts per key. */
    async assertExactlyOnce(): Promise<void> {
      await waitUntil(
        'the processors to consume every input record',
        async () => ((await groupCaughtUp(admin, group, [input])) ? true : undefined),
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
      assert.equal(records.length, sentTotal);
    },
    async remove(): Promise<void> {
      // SIGKILL ends a frozen child too.
      await Promise.all([...instances.values()].map((child) => child.kill()));
      await admin.deleteTopics({ topics: [input, output, `${output}.dlq`] }).catch(() => undefined);
      await admin.deleteGroups([group]).catch(() => undefined);
      rmSync(stateRoot, { recursive: true, force: true });
    },
  };
}

describe('engine: exactly once', { timeout: 600_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
  });

  after(async () => {
    await admin.disconnect();
  });

  it('emits every count once and in order, whatever was killed (SIGKILL, partitions moving)', async () => {
    const run = scenario('kill');
    try {
      await run.create();
      run.start('a');
      run.start('b');
      const producing = run.produce(10_000);
      // Chaos: kill one instance at a random moment, restart it on the same local state folder.
      for (let kills = 0; kills < 5; kills += 1) {
        await sleep(1500 + Math.random() * 1500);
        const slot = Math.random() < 0.5 ? 'a' : 'b';
        await run.instances.get(slot)!.kill();
        await sleep(300);
        run.start(slot);
      }
      await producing;
      await run.assertExactlyOnce();
    } finally {
      await run.remove();
    }
  });

  it('fences a zombie: a frozen instance whose tasks moved on writes nothing when it wakes', async () => {
    const run = scenario('zombie');
    try {
      await run.create();
      // a keeps each transaction open for 5 s, so it is frozen in the middle of one.
      run.start('a', 5000);
      run.start('b');
      await waitUntil('both instances in the group', async () => {
        const { groups } = await admin.describeGroups([run.group]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 2 ? true : undefined;
      });
      const producing = run.produce(8_000);
      await sleep(2500);
      const zombie = run.instances.get('a')!;
      zombie.process.kill('SIGSTOP');
      const atFreeze = await run.committedOffsets();
      // The session times out (6 s) and the group gives every task to b, which fences a's
      // transactional ids when it starts them.
      await waitUntil(
        'the group to drop the frozen instance',
        async () => {
          const { groups } = await admin.describeGroups([run.group]);
          return groups[0]?.state === 'Stable' && groups[0].members.length === 1 ? true : undefined;
        },
        60_000,
        500,
      );
      // b has fenced a's tasks once it has started them (InitProducerId with each task's
      // transactional id, kafkajs-task-kafka.ts); thawing a once b commits on every partition
      // also shows b's work is not undone. engine-fence-at-start.test.ts thaws a zombie earlier.
      await waitUntil(
        'the other instance to commit on every partition',
        async () => {
          const now = await run.committedOffsets();
          return [...now].every(([partition, offset]) => offset > (atFreeze.get(partition) ?? -1n))
            ? true
            : undefined;
        },
        60_000,
        500,
      );
      zombie.process.kill('SIGCONT');
      await producing;
      await run.assertExactlyOnce();
      // The scenario happened: the zombie tried to commit its open transaction and was refused. It
      // may first wait for a rejoin, so its log is polled rather than read once.
      await waitUntil(
        'the thawed instance to report its fenced transaction',
        () => (/transaction failed/.test(zombie.output()) ? true : undefined),
        60_000,
        500,
      );
    } finally {
      await run.remove();
    }
  });
});
