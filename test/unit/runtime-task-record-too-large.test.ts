import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryKafka } from './in-memory-kafka.ts';
import { countsByKey, deadLetters, dlq, Instance, output } from './runtime-task-fixtures.ts';

/** The output topic accepts record batches of 1,000 bytes; inputs ask for outputs of `pad` characters. */
function setUp(pads: Array<[key: string, pad: number]>, dlqLimit?: number) {
  const kafka = new InMemoryKafka('counter');
  kafka.createTopic('in');
  kafka.createTopic(output, 1, 1000);
  if (dlqLimit !== undefined) kafka.createTopic(dlq, 1, dlqLimit);
  for (const [key, pad] of pads) kafka.produce('in', 0, key, JSON.stringify({ pad }));
  return { kafka, instance: new Instance(kafka) };
}

describe('engine task: an output larger than its topic accepts', () => {
  it('is parked as RECORD_TOO_LARGE before it is sent, and the partition flows on', async () => {
    const { kafka, instance } = setUp([
      ['a', 0],
      ['big', 2000],
      ['b', 0],
    ]);
    const task = await instance.start();
    await instance.pollUntilIdle(task);

    assert.equal(task.running, true, 'the transaction did not fail');
    assert.deepEqual(countsByKey(kafka), { a: [1], b: [1] });
    const [parked, ...more] = deadLetters(kafka);
    assert.deepEqual(more, []);
    assert.equal(parked?.code, 'RECORD_TOO_LARGE');
    assert.equal(parked.sourceOffset, '1');
    assert.match(parked.message, /the counts record for key big is 2,\d{3} bytes, more than the 1,000 bytes/);
    assert.equal(kafka.committed.get('in:0'), '3');
    assert.equal(
      await instance.metric('recordsParked', { processor: 'counter', code: 'RECORD_TOO_LARGE' }),
      1,
    );
    await task.stop();
  });

  it('sends outputs that fit one by one but not together in separate batches, parking none', async () => {
    const { kafka, instance } = setUp([
      ['a', 300],
      ['b', 300],
      ['c', 300],
      ['d', 300],
    ]);
    const task = await instance.start();
    await instance.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), { a: [1], b: [1], c: [1], d: [1] });
    assert.deepEqual(deadLetters(kafka), []);
    await task.stop();
  });

  it('parks without a copy of its input a dead letter whose input is too large for the dead-letter topic', async () => {
    const { kafka, instance } = setUp([], 1500);
    kafka.produce('in', 0, 'big', JSON.stringify({ pad: 2000, description: 'y'.repeat(2000) }));
    const task = await instance.start();
    await instance.pollUntilIdle(task);
    const records = kafka
      .readCommitted(dlq)
      .map((r) => JSON.parse(r.value ?? 'null') as Record<string, unknown>);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.code, 'RECORD_TOO_LARGE');
    assert.equal(records[0]!.sourceValueEncoding, 'omitted');
    assert.equal(records[0]!.sourceValue, null);
    await task.stop();
  });

  it('takes the limit from the task dependencies when set, over what the broker says', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    kafka.produce('in', 0, 'a', JSON.stringify({ pad: 800 }));
    const instance = new Instance(kafka, { maxMessageBytes: 700 });
    const task = await instance.start();
    await instance.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), {});
    assert.equal(deadLetters(kafka)[0]?.code, 'RECORD_TOO_LARGE');
    await task.stop();
  });
});
