/**
 * A task that restores its state while the schema registry is down must not end its replay early.
 * The replay stops at the first record whose schema it cannot fetch and meets it again later; the
 * batch's last offset reaching the replay's end must not count as the replay being over, or the
 * records not replayed yet are processed as live and their outputs written a second time.
 *
 * The scenario, with the counting processor (fixtures/counting-processor.ts) reading Avro:
 *   1. instance a counts 5 records of key k and stops cleanly (its store: k = 5);
 *   2. instance b, with a store of its own, parks a record that is not Avro and counts 5 more;
 *   3. the registry is killed and a starts again, cold: its replay takes the bad record (no
 *      registry needed to see it is not Avro) and stops at the next, which needs the registry;
 *   4. the registry comes back and one more record is written. k's counts must read 1..11, once each.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import type { Admin, Producer } from 'kafkajs';
import { kafkaBrokers, registryUrl } from '../../infra/local/stack-config.ts';
import { killPart, up } from '../../infra/local/stack.ts';
import { schemaRegistry } from '../../streams/runtime/codec/avro-codec.ts';
import { startChild, type Child } from '../helpers/child-process.ts';
import { groupCaughtUp } from '../helpers/group-offsets.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka();
const id = randomUUID().slice(0, 8);
const input = `test.count-avro-in.${id}`;
const output = `test.count-avro-out.${id}`;
const dlq = `${output}.dlq`;
const group = `test-count-avro-${id}`;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-restore-registry-'));
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
    FIXTURE_INPUT_REGISTRY: registryUrl(),
    FIXTURE_LOG_LEVEL: 'info',
  });
  children.push(child);
  return child;
}

async function consumed(child: Child): Promise<void> {
  try {
    await waitUntil(
      `the group to consume ${input}`,
      async () => ((await groupCaughtUp(admin, group, [input])) ? true : undefined),
      180_000,
      250,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; the processor's log:\n${child.output().slice(-4000)}`);
  }
}

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [input, output, dlq].map((topic) => ({ topic, numPartitions: 1 })),
    waitForLeaders: true,
  });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

after(async () => {
  await up();
  await Promise.all(children.map((child) => child.kill()));
  await producer?.disconnect();
  await admin.deleteTopics({ topics: [input, output, dlq] }).catch(() => undefined);
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin?.disconnect();
  rmSync(stateRoot, { recursive: true, force: true });
});

describe('engine: a restore while the schema registry is down', { timeout: 300_000 }, () => {
  it('replays every record into state once the registry is back, and writes no output twice', async () => {
    const registry = schemaRegistry(registryUrl());
    const { id: schemaId } = await registry.register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify({
          type: 'record',
          name: 'Count',
          namespace: 'syncline.test',
          fields: [{ name: 'i', type: 'int' }],
        }),
      },
      { subject: `${input}-value` },
    );
    const send = async (from: number, count: number) =>
      producer.send({
        topic: input,
        messages: await Promise.all(
          Array.from({ length: count }, async (_, n) => ({
            key: 'k',
            value: await registry.encode(schemaId, { i: from + n }),
          })),
        ),
      });

    await send(0, 5);
    const a = start('a');
    await consumed(a);
    await a.stop();

    const b = start('b');
    await producer.send({ topic: input, messages: [{ key: 'k', value: Buffer.from('{"not":"avro"}') }] });
    await send(5, 5);
    await consumed(b);
    await b.stop();

    assert.ok(await killPart('registry'), 'the registry was running');
    const again = start('a');
    await waitUntil(
      'instance a to start its restore',
      () => Promise.resolve(/restoring local state/.test(again.output()) ? true : undefined),
      120_000,
      250,
    );
    // Long enough for the replay to meet the record it cannot decode, and wait there.
    await sleep(10_000);
    await up();
    await send(10, 1);
    await consumed(again);

    const counts = (await readTopic(output, 30_000, kafka)).map(
      (record) => (JSON.parse(record.value!.toString()) as { count: number }).count,
    );
    assert.deepEqual(
      counts,
      Array.from({ length: 11 }, (_, n) => n + 1),
      `k's counts must read 1..11 once each; instance a's log:\n${again.output().slice(-4000)}`,
    );
    const parked = await readTopic(dlq, 30_000, kafka);
    assert.equal(parked.length, 1, 'the record that is not Avro, parked once by b');
  });
});
