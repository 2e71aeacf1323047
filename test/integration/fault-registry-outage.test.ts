/**
 * The schema registry down while a processor starts with a cold schema cache: an outage is a
 * transient fault, not bad input. The processor must wait and carry on once the registry is back,
 * parking nothing for it and skipping nothing; only records that really are bad (bytes that are
 * not Avro, a schema id the registry does not know) are parked.
 *
 * On the real stack: Avro records written through the registry, the registry SIGKILLed, a fresh
 * instance of fixtures/echo-processor.ts (reads Avro, writes JSON) started meanwhile, then the
 * registry started again. A registry that is starting answers 404 for ids it holds, so the
 * unknown id is parked only once the registry has said so for a minute (registry-errors.ts).
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
import type { ParkedRecord } from '../../streams/runtime/eos/parked-record.ts';
import { startChild, type Child } from '../helpers/child-process.ts';
import { groupCaughtUp } from '../helpers/group-offsets.ts';
import { readTopic, testKafka } from '../helpers/read-topic.ts';
import { waitUntil } from '../helpers/wait-until.ts';

const kafka = testKafka();
const id = randomUUID().slice(0, 8);
const input = `test.avro-in.${id}`;
const output = `test.avro-out.${id}`;
const dlq = `${output}.dlq`;
const group = `test-avro-${id}`;
const stateRoot = mkdtempSync(join(tmpdir(), 'syncline-registry-outage-'));
const records = 50;
let admin: Admin;
let producer: Producer;
const children: Child[] = [];

before(async () => {
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [input, output, dlq].map((topic) => ({ topic, numPartitions: 2 })),
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

describe('faults: the schema registry down while a processor starts cold', { timeout: 300_000 }, () => {
  it('waits for the registry, parks nothing for the outage, and still parks bad input', async () => {
    const registry = schemaRegistry(registryUrl());
    const { id: schemaId } = await registry.register(
      {
        type: SchemaType.AVRO,
        schema: JSON.stringify({
          type: 'record',
          name: 'Probe',
          namespace: 'syncline.test',
          fields: [{ name: 'i', type: 'int' }],
        }),
      },
      { subject: `${input}-value` },
    );
    const unknownId = Buffer.from([0, 0x7f, 0xff, 0xff, 0xf0, 2]);
    await producer.send({
      topic: input,
      messages: [
        ...(await Promise.all(
          Array.from({ length: records }, async (_, i) => ({
            key: `k-${i}`,
            value: await registry.encode(schemaId, { i }),
          })),
        )),
        { key: 'not-avro', value: Buffer.from('{"i": 1}') },
        { key: 'unknown-schema', value: unknownId },
      ],
    });

    assert.ok(await killPart('registry'), 'the registry was running');
    const child = startChild('test/integration/fixtures/echo-processor.ts', {
      ECHO_INPUT: input,
      ECHO_OUTPUT: output,
      FIXTURE_GROUP: group,
      FIXTURE_BROKERS: kafkaBrokers().join(','),
      FIXTURE_STATE_DIR: stateRoot,
      FIXTURE_INPUT_REGISTRY: registryUrl(),
    });
    children.push(child);
    // Long enough for the processor to join, fetch every record and fail to decode them.
    await sleep(15_000);
    const parkedDuringOutage = await readTopic(dlq, 30_000, kafka);
    assert.deepEqual(
      parkedDuringOutage.map((record) => record.key),
      [],
      `nothing is parked while the registry is down; the processor's log:\n${child.output().slice(-3000)}`,
    );

    await up();
    try {
      await waitUntil(
        `the group to consume ${input} once the registry is back`,
        async () => ((await groupCaughtUp(admin, group, [input])) ? true : undefined),
        120_000,
        500,
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}; the processor's log:\n${child.output().slice(-4000)}`);
    }
    const written = await readTopic(output, 30_000, kafka);
    const parked = (await readTopic(dlq, 30_000, kafka)).map(
      (record) => JSON.parse(record.value!.toString()) as ParkedRecord,
    );
    assert.deepEqual(
      written.map((record) => record.key).sort(),
      Array.from({ length: records }, (_, i) => `k-${i}`).sort(),
      `every Avro record is written once; parked: ${JSON.stringify(parked.map((p) => [p.sourceKey, p.code, p.message]))}`,
    );
    assert.deepEqual(parked.map((record) => [record.sourceKey, record.code]).sort(), [
      ['not-avro', 'DECODE_FAILED'],
      ['unknown-schema', 'DECODE_FAILED'],
    ]);
  });
});
