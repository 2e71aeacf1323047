/**
 * A task's local store that cannot be written (its disk full) must not cost exactly-once. The
 * store is written after the Kafka transaction commits; a write that fails there leaves the
 * store behind Kafka with the lost changes gone from memory, so processing on from it (or
 * processing the batch again) counts from a stale state.
 *
 * The counting processor (fixtures/counting-processor.ts) runs with its state folder on a small
 * tmpfs. While records stream in, the test fills the tmpfs with a filler file, keeps it full until
 * the group has committed on every partition since (so the store writes after those commits had
 * no room), then removes the filler. Every key's counts read back with read_committed must be
 * 1..n exactly once. The keys change every 1,000 records and are long, so the store keeps growing
 * and has no free pages of its own to write into while the disk is full (LMDB reuses the pages it
 * freed, so a store of fixed keys would go on writing in place).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
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
const id = randomUUID().slice(0, 8);
const input = `test.count-in.disk-${id}`;
const output = `test.count-out.disk-${id}`;
const group = `test-counter-disk-${id}`;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-disk-full-'));
const filler = join(stateRoot, 'filler');
const total = 12_000;
let admin: Admin;
let child: Child | undefined;
let mounted = false;

/** Ten counts per key and 100 new keys every 1,000 records, each key about 120 bytes. */
const keyOf = (n: number): string => `k${n % 100}-e${Math.floor(n / 1000)}-${'x'.repeat(100)}`;

/** Writes the filler until the tmpfs refuses another byte; returns the bytes written. */
function fillDisk(): number {
  const fd = openSync(filler, 'w');
  let written = 0;
  try {
    for (const size of [64 * 1024, 4096, 1]) {
      const chunk = Buffer.alloc(size, 0xab);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

async function committedOffsets(): Promise<Map<number, bigint>> {
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [input] });
  return new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
}

describe('engine: local state store on a full disk', { timeout: 300_000 }, () => {
  before(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', stateRoot]);
    mounted = true;
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
    await child?.kill();
    await admin.deleteTopics({ topics: [input, output, `${output}.dlq`] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
    if (mounted) execFileSync('umount', [stateRoot]);
    rmSync(stateRoot, { recursive: true, force: true });
  });

  it('keeps every count once and in order when a store write fails after the Kafka commit', async () => {
    child = startChild('test/integration/fixtures/counting-processor.ts', {
      COUNT_INPUT: input,
      COUNT_OUTPUT: output,
      FIXTURE_GROUP: group,
      FIXTURE_BROKERS: kafkaBrokers().join(','),
      FIXTURE_STATE_DIR: join(stateRoot, 'state'),
      FIXTURE_COMMIT_INTERVAL_MS: '50',
    });
    const running = child;
    await waitUntil('the processor to run', () => (/"ready":true/.test(running.output()) ? true : undefined));

    const produced = new Map<string, number>();
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    let filled: Map<number, bigint> | undefined;
    try {
      for (let sent = 0; sent < total; sent += 200) {
        const messages = Array.from({ length: 200 }, (_, i) => {
          const key = keyOf(sent + i);
          produced.set(key, (produced.get(key) ?? 0) + 1);
          return { key, value: JSON.stringify({ n: sent + i }) };
        });
        await producer.send({ topic: input, messages });
        // A third of the way in, the disk fills up under the running task.
        if (sent === 4000) {
          await waitUntil('the group to commit on every partition', async () =>
            (await committedOffsets()).size === 4 ? true : undefined,
          );
          filled = await committedOffsets();
          assert.ok(fillDisk() > 0);
        }
        // Full until every partition has committed since: each of those commits was followed by
        // a store write with no room.
        if (filled) {
          const since = filled;
          await waitUntil(
            'a commit on every partition while the disk is full',
            async () =>
              [...(await committedOffsets())].every(([p, offset]) => offset > (since.get(p) ?? -1n))
                ? true
                : undefined,
            60_000,
          );
          rmSync(filler);
          filled = undefined;
        }
        await sleep(250);
      }
    } finally {
      await producer.disconnect();
      rmSync(filler, { force: true });
    }

    await waitUntil(
      'the processor to consume every input record',
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
    assert.equal(byKey.size, produced.size);
    for (const [key, counts] of byKey) {
      const expected = Array.from({ length: produced.get(key)! }, (_, i) => i + 1);
      assert.deepEqual(
        counts,
        expected,
        `key ${key.slice(0, 12)}…: counts must be 1..${expected.length} once`,
      );
    }
    assert.equal(records.length, total);
    // The scenario happened: a store write failed, and the task rebuilt its state from Kafka.
    assert.match(running.output(), /local state could not be written/);
  });
});
