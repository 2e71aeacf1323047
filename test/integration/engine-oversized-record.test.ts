/**
 * A record larger than its topic accepts is parked before it is sent, and its partition flows on.
 * The broker refuses a record batch over the topic's `max.message.bytes`, and refuses it every
 * time: sent, such a record failed the task's transaction, the task restarted from its last
 * commit, met the same record and failed again, for good. Records that fit one by one but not
 * together must still reach the topic (kafkajs puts all of one send's records for a partition in
 * one batch).
 *
 * On the real broker, with fixtures/echo-processor.ts (output = input): an output topic that
 * accepts 16 KiB, 30 records of 1 KiB, one of 40 KiB, 30 more of 1 KiB.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Admin, Producer } from 'kafkajs';
import { kafkaBrokers } from '../../infra/local/stack-config.ts';
import type { ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import { startChild, type Child } from '../helpers/child-process.ts';
import { groupCaughtUp } from '../helpers/group-offsets.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka();
const id = randomUUID().slice(0, 8);
const input = `test.echo-in.${id}`;
const output = `test.echo-out.${id}`;
const dlq = `${output}.dlq`;
const group = `test-echo-${id}`;
const outputLimit = 16_384;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-oversized-'));
let admin: Admin;
let producer: Producer;
const children: Child[] = [];

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [
      { topic: input, numPartitions: 1 },
      {
        topic: output,
        numPartitions: 1,
        configEntries: [{ name: 'max.message.bytes', value: String(outputLimit) }],
      },
      { topic: dlq, numPartitions: 1 },
    ],
    waitForLeaders: true,
  });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
});

after(async () => {
  await Promise.all(children.map((child) => child.kill()));
  await producer?.disconnect();
  await admin.deleteTopics({ topics: [input, output, dlq] }).catch(() => undefined);
  await admin.deleteGroups([group]).catch(() => undefined);
  await admin?.disconnect();
  rmSync(stateRoot, { recursive: true, force: true });
});

describe('engine: a record larger than its topic accepts', { timeout: 180_000 }, () => {
  it('is parked with its size and the limit, and the records after it flow', async () => {
    const small = (i: number) => ({ key: `k-${i}`, value: JSON.stringify({ i, pad: 'x'.repeat(1000) }) });
    await producer.send({
      topic: input,
      messages: [
        ...Array.from({ length: 30 }, (_, i) => small(i)),
        { key: 'big', value: JSON.stringify({ pad: 'y'.repeat(40_000) }) },
        ...Array.from({ length: 30 }, (_, i) => small(30 + i)),
      ],
    });
    const child = startChild('test/integration/fixtures/echo-processor.ts', {
      ECHO_INPUT: input,
      ECHO_OUTPUT: output,
      FIXTURE_GROUP: group,
      FIXTURE_BROKERS: kafkaBrokers().join(','),
      FIXTURE_STATE_DIR: stateRoot,
    });
    children.push(child);
    try {
      await waitUntil(
        `the group to consume ${input} past the oversized record`,
        async () => ((await groupCaughtUp(admin, group, [input])) ? true : undefined),
        60_000,
        250,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the processor's log:\n${child.output().slice(-4000)}`);
    }

    const written = await readTopic(output, 30_000, kafka);
    assert.deepEqual(
      written.map((record) => record.key),
      Array.from({ length: 60 }, (_, i) => `k-${i}`),
      'every record that fits is written, in order, once',
    );
    const parked = (await readTopic(dlq, 30_000, kafka)).map(
      (record) => JSON.parse(record.value!.toString()) as ParkedRecord,
    );
    assert.equal(parked.length, 1);
    const [record] = parked;
    assert.equal(record!.code, 'RECORD_TOO_LARGE');
    assert.equal(record!.sourceKey, 'big');
    assert.equal(record!.sourceOffset, '30');
    assert.match(record!.message, new RegExp(output.replaceAll('.', '\\.')));
    assert.match(record!.message, /\bbig\b/);
    assert.match(record!.message, /16,?384 bytes/);
    assert.match(record!.message, /4\d,?\d{3} bytes/, 'the record size is named');
  });
});
