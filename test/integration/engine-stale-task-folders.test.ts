/**
 * The state folder of a task that moved to another instance does not stay on disk for good. With
 * the counting fixture on a 4-partition topic: instance a runs all four tasks, then instance b
 * joins and takes some. Once a's moved tasks have been idle for `staleTaskFolderMs` (2 s here),
 * a's state dir holds the folders of the tasks it still runs, and no other; b's holds its own. The
 * counts stay 1..n meanwhile (the removal never touches a folder in use).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { kafkaBrokers } from '../../infra/local/stack-config.ts';
import { startChild, type Child } from '../helpers/child-process.ts';
import { groupCaughtUp } from '../helpers/group-offsets.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka();
const id = randomUUID().slice(0, 8);
const input = `test.stale-in.${id}`;
const output = `test.stale-out.${id}`;
const group = `test-stale-${id}`;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-stale-'));
const partitions = 4;
const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
let admin: Admin;
let producer: Producer;
const children: Child[] = [];

function start(slot: string): Child {
  const child = startChild('test/integration/fixtures/counting-processor.ts', {
    COUNT_INPUT: input,
    COUNT_OUTPUT: output,
    FIXTURE_GROUP: group,
    FIXTURE_BROKERS: kafkaBrokers().join(','),
    FIXTURE_STATE_DIR: join(stateRoot, slot),
    FIXTURE_STALE_TASK_FOLDER_MS: '2000',
    FIXTURE_LOG_LEVEL: 'info',
  });
  children.push(child);
  return child;
}

/** The task numbers whose folders an instance's state dir holds. */
function taskFolders(slot: string): number[] {
  const dir = join(stateRoot, slot, group);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => /^task-(\d+)$/.exec(name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The tasks an instance runs, from its last `assignment` log line. */
function assignedTasks(child: Child): number[] | undefined {
  const lines = child
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"assignment"'));
  const last = lines.at(-1);
  return last ? (JSON.parse(last) as { tasks: number[] }).tasks : undefined;
}

async function send(round: number): Promise<void> {
  await producer.send({
    topic: input,
    messages: keys.map((key) => ({ key, value: JSON.stringify({ round }) })),
  });
}

async function consumed(): Promise<void> {
  await waitUntil(
    `the group to consume ${input}`,
    async () => ((await groupCaughtUp(admin, group, [input])) ? true : undefined),
    90_000,
    250,
  );
}

describe('state folders of tasks gone elsewhere', { timeout: 180_000 }, () => {
  before(async () => {
    admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({
      topics: [input, output, `${output}.dlq`].map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
    producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
  });

  after(async () => {
    await Promise.all(children.map((child) => child.kill()));
    await producer.disconnect();
    await admin.deleteTopics({ topics: [input, output, `${output}.dlq`] }).catch(() => undefined);
    await admin.deleteGroups([group]).catch(() => undefined);
    await admin.disconnect();
    rmSync(stateRoot, { recursive: true, force: true });
  });

  it('removes them once idle, keeps those in use, and counts stay 1..n', async () => {
    const a = start('a');
    await send(1);
    await consumed();
    assert.deepEqual(taskFolders('a'), [0, 1, 2, 3], 'instance a alone runs every task');

    const b = start('b');
    const split = await waitUntil(
      'the two instances to share the tasks',
      () => {
        const ofA = assignedTasks(a);
        const ofB = assignedTasks(b);
        return ofA && ofB && ofB.length > 0 && ofA.length + ofB.length === partitions
          ? { ofA, ofB }
          : undefined;
      },
      60_000,
      200,
    );
    await send(2);
    await consumed();
    await send(3);
    await consumed();

    const left = await waitUntil(
      `instance a to keep only the folders of tasks ${split.ofA.join(', ')}`,
      () => {
        const folders = taskFolders('a');
        return folders.join() === split.ofA.join() ? folders : undefined;
      },
      30_000,
      250,
    );
    assert.deepEqual(left, split.ofA);
    assert.deepEqual(taskFolders('b'), split.ofB);

    // Each key counted 1, 2, 3 once each, across the move.
    const records = await readTopic(output);
    const counts = new Map<string, number[]>();
    for (const record of records) {
      const { count } = JSON.parse(record.value?.toString() ?? '{}') as { count: number };
      counts.set(record.key ?? '', [...(counts.get(record.key ?? '') ?? []), count]);
    }
    for (const key of keys) assert.deepEqual(counts.get(key), [1, 2, 3], `the counts of ${key}`);
  });
});
