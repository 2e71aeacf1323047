/**
 * A task fences the previous owner when it starts, not when it first writes. kafkajs's connect()
 * runs InitProducerId without the transactional id (its idempotent producer); only the first
 * transaction() runs it with the id, which is what fences. A task that starts and then replays a
 * long backlog begins no transaction meanwhile, so an instance the group dropped (frozen, or busy
 * past its session timeout) could still commit its open transaction, outputs and offsets, after
 * the new owner had read the committed offsets: the new owner then processed those records again.
 * The pipeline fault test saw webshop offers written twice so.
 *
 * The scenario, with the counting processor and one task:
 *   1. instance b counts one record of key k and stops cleanly (its store: k = 1);
 *   2. instance a (commits every 5 s) counts a backlog of fillers, then k again in a transaction
 *      it keeps open, and is frozen with SIGSTOP;
 *   3. b starts again: the group gives it the task once a's session ends, and b replays the
 *      backlog into its store, beginning no transaction; a is thawed meanwhile and tries to commit.
 * k's counts must read 1, 2, once each, and a's commit must have been refused.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { kafkaBrokers } from '../../infra/local/stack-config.ts';
import { startChild, type Child } from '../helpers/child-process.ts';
import { groupCaughtUp } from '../helpers/group-offsets.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka();
const id = randomUUID().slice(0, 8);
const input = `test.fence-in.${id}`;
const output = `test.fence-out.${id}`;
const group = `test-fence-${id}`;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-fence-'));
const backlog = 30_000;
let admin: Admin;
let producer: Producer;
const children: Child[] = [];

function start(slot: string, commitIntervalMs: number): Child {
  const child = startChild('test/integration/fixtures/counting-processor.ts', {
    COUNT_INPUT: input,
    COUNT_OUTPUT: output,
    FIXTURE_GROUP: group,
    FIXTURE_BROKERS: kafkaBrokers().join(','),
    FIXTURE_STATE_DIR: join(stateRoot, slot),
    FIXTURE_COMMIT_INTERVAL_MS: String(commitIntervalMs),
    FIXTURE_LOG_LEVEL: 'info',
  });
  children.push(child);
  return child;
}

async function consumed(): Promise<void> {
  await waitUntil(
    `the group to consume ${input}`,
    async () => ((await groupCaughtUp(admin, group, [input])) ? true : undefined),
    180_000,
    250,
  );
}

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [input, output, `${output}.dlq`].map((topic) => ({ topic, numPartitions: 1 })),
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

describe('engine: fencing when a task starts', { timeout: 300_000 }, () => {
  it('refuses the commit of an instance the group dropped while the new owner still restores', async () => {
    await producer.send({ topic: input, messages: [{ key: 'k', value: '{}' }] });
    const b = start('b', 0);
    await consumed();
    await b.stop();

    const a = start('a', 5000);
    const padding = JSON.stringify({ pad: 'x'.repeat(200) });
    for (let sent = 0; sent < backlog; sent += 1000) {
      await producer.send({
        topic: input,
        messages: Array.from({ length: 1000 }, (_, i) => ({
          key: `filler-${(sent + i) % 500}`,
          value: padding,
        })),
      });
    }
    await consumed();
    await producer.send({ topic: input, messages: [{ key: 'k', value: '{}' }] });
    // a processes k in a transaction it commits 5 s later; frozen before that.
    await sleep(2500);
    a.process.kill('SIGSTOP');

    const again = start('b', 0);
    await waitUntil(
      'b to start the task and restore its store',
      () => Promise.resolve(/restoring local state/.test(again.output()) ? true : undefined),
      120_000,
      100,
    );
    a.process.kill('SIGCONT');
    // a's overdue commit timer fires as it wakes. Then it is killed, so that it does not rejoin
    // the group and take the task back before b has processed k.
    await waitUntil(
      'the thawed instance to try its commit',
      () => Promise.resolve(/transaction failed/.test(a.output()) ? true : undefined),
      10_000,
      250,
    ).catch(() => undefined);
    await a.kill();
    const seen = () => `a's log:\n${a.output().slice(-3000)}\nb's log:\n${again.output().slice(-3000)}`;
    await waitUntil(
      'b to finish its restore',
      () => Promise.resolve(/local state restored/.test(again.output()) ? true : undefined),
      120_000,
      250,
    ).catch((error: Error) => assert.fail(`${error.message}; ${seen()}`));
    // b processes k live right after its restore; the offsets alone may say so before it did.
    await sleep(3000);
    await consumed();

    const counts = (await readTopic(output, 60_000, kafka))
      .filter((record) => record.key === 'k')
      .map((record) => (JSON.parse(record.value!.toString()) as { count: number }).count);
    assert.deepEqual(counts, [1, 2], `k's counts must read 1, 2 once each; ${seen()}`);
    // The scenario happened: a tried to commit its open transaction and was refused.
    assert.match(a.output(), /transaction failed/, `a's commit must have been refused; ${seen()}`);
  });
});
