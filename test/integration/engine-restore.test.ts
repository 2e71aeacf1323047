/**
 * A task restores the state of every input partition before it processes any live record. The
 * offers processor joins three co-partitioned topics: a stock change processed while the product
 * topic of the same task is still being replayed into state is joined with a stale product, and
 * the channel gets a wrong offer that suppression then keeps there. The pipeline fault test lost
 * updates this way when tasks moved between offers instances.
 *
 * The scenario, with a two-topic join processor (fixtures/join-processor.ts) and one task:
 *   1. instance a processes one `left` record of key k and stops cleanly (its store: left@1);
 *   2. instance b, with a store of its own, processes 20,000 more `left` records, the last one
 *      k's new value, and stops: a's store is now 20,000 records behind on `left` only;
 *   3. a `right` record of k is written and a starts again. Its first fetch holds the `right`
 *      record (live) and only the first megabyte of the `left` replay. The output must join k's
 *      new left value.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
const left = `test.join-left.${id}`;
const right = `test.join-right.${id}`;
const output = `test.join-out.${id}`;
const group = `test-joiner-${id}`;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-restore-'));
const backlog = 20_000;
let admin: Admin;
let producer: Producer;
const children: Child[] = [];

function start(slot: string): Child {
  const child = startChild('test/integration/fixtures/join-processor.ts', {
    JOIN_LEFT: left,
    JOIN_RIGHT: right,
    JOIN_OUTPUT: output,
    FIXTURE_GROUP: group,
    FIXTURE_BROKERS: kafkaBrokers().join(','),
    FIXTURE_STATE_DIR: join(stateRoot, slot),
    FIXTURE_LOG_LEVEL: 'info',
  });
  children.push(child);
  return child;
}

/** Waits until the group has committed `left` up to its end. */
async function leftConsumed(): Promise<void> {
  await waitUntil(
    `the group to consume ${left}`,
    async () => ((await groupCaughtUp(admin, group, [left])) ? true : undefined),
    120_000,
    250,
  );
}

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [left, right, output, `${output}.dlq`].map((topic) => ({ topic, numPartitions: 1 })),
    waitForLeaders: true,
  });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

after(async () => {
  await Promise.all(children.map((child) => child.kill()));
  await producer.disconnect();
  await admin.deleteTopics({ topics: [left, right, output, `${output}.dlq`] }).catch(() => undefined);
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin.disconnect();
  rmSync(stateRoot, { recursive: true, force: true });
});

describe('engine: state restore', { timeout: 300_000 }, () => {
  it('restores every input partition of a task before it processes a live record', async () => {
    await producer.send({ topic: left, messages: [{ key: 'k', value: JSON.stringify('old') }] });
    const a = start('a');
    await leftConsumed();
    await a.stop();

    const b = start('b');
    // Padded so that the backlog spans several fetches (kafkajs fetches 1 MiB per partition).
    const padding = 'x'.repeat(200);
    for (let sent = 0; sent < backlog; sent += 1000) {
      await producer.send({
        topic: left,
        messages: Array.from({ length: 1000 }, (_, i) => ({
          key: sent + i === backlog - 1 ? 'k' : `filler-${(sent + i) % 500}`,
          value: JSON.stringify(sent + i === backlog - 1 ? 'new' : padding),
        })),
      });
    }
    await leftConsumed();
    await b.stop();

    await producer.send({ topic: right, messages: [{ key: 'k', value: JSON.stringify('r1') }] });
    const again = start('a');
    const records = await waitUntil(
      'the join of k in the output',
      async () => {
        const read = await readTopic(output, 30_000, kafka);
        return read.length > 0 ? read : undefined;
      },
      120_000,
      500,
    );
    assert.ok(
      /restoring local state/.test(again.output()),
      `instance a must have restored its store (the scenario's premise); its log:\n${again.output()}`,
    );
    assert.deepEqual(
      records.map((record) => JSON.parse(record.value!.toString()) as unknown),
      [{ right: 'r1', left: 'new' }],
      "k's right record must be joined with k's last left value ('new'), not the one a's store held ('old')",
    );
  });
});
