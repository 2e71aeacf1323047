import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryKafka } from './in-memory-kafka.ts';
import { countsByKey, deadLetters, Instance, SchemaRegistryDouble } from './runtime-task-fixtures.ts';

const frame = SchemaRegistryDouble.frame;

function setUp(registry: SchemaRegistryDouble) {
  const kafka = new InMemoryKafka('counter');
  kafka.createTopic('in');
  const instance = new Instance(kafka, { codecs: { input: () => registry.codec } });
  return { kafka, instance };
}

describe('engine task: the schema registry unreachable', () => {
  it('ends the batch unresolved at the first record it cannot decode, commits what came before, and parks nothing', async () => {
    // Schema 1 is in the codec's cache; schema 2 must be asked for, and the registry is down.
    const registry = new SchemaRegistryDouble([1]);
    registry.up = false;
    const { kafka, instance } = setUp(registry);
    kafka.produce('in', 0, 'a', frame(1, {}));
    kafka.produce('in', 0, 'b', frame(1, {}));
    kafka.produce('in', 0, 'a', frame(2, {}));
    kafka.produce('in', 0, 'a', frame(1, {}));
    const task = await instance.start();
    instance.pauses.length = 0; // the start's own (offsets settling)

    assert.equal(await instance.poll(task), '1', 'resolved up to the record before the one waiting');
    assert.deepEqual(countsByKey(kafka), { a: [1], b: [1] }, 'the transaction before it committed');
    assert.equal(kafka.committed.get('in:0'), '2');
    assert.deepEqual(instance.pauses, [250]);
    assert.equal(instance.logged('the schema registry does not answer').length, 1);

    // Still down: the record is met again, and again neither parked nor skipped.
    assert.equal(await instance.poll(task), undefined);
    assert.equal(await instance.poll(task), undefined);
    assert.equal(instance.consumer.position('in', 0), '2');
    assert.deepEqual(instance.pauses, [250, 500, 1000], 'the pause grows');
    assert.equal(instance.logged('the schema registry does not answer').length, 1, 'said once');
    assert.equal(task.running, true);

    registry.up = true;
    await instance.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 3], b: [1] });
    assert.deepEqual(deadLetters(kafka), []);
    assert.equal(await instance.metric('recordsParked', { processor: 'counter', code: 'DECODE_FAILED' }), 0);
    assert.equal(instance.logged('the schema registry answers again').length, 1);
    await task.stop();
  });

  it('waits during a restore too: the replay neither skips the record it cannot decode nor ends before it (whose output would be written again)', async () => {
    const registry = new SchemaRegistryDouble([]);
    const { kafka, instance } = setUp(registry);
    kafka.produce('in', 0, 'a', frame(1, {}));
    kafka.produce('in', 0, 'a', frame(2, {}));
    const first = await instance.start();
    await instance.pollUntilIdle(first);
    await first.stop();

    // Another instance, cold cache, registry down: it must rebuild the count of 'a' from both.
    const cold = new SchemaRegistryDouble([1]);
    cold.up = false;
    const coldInstance = new Instance(kafka, { codecs: { input: () => cold.codec } });
    const task = await coldInstance.start();
    assert.equal(await coldInstance.poll(task), '0', 'replayed up to the record it cannot decode');
    assert.equal(await coldInstance.poll(task), undefined);
    assert.equal(await coldInstance.metric('restoredRecords', { processor: 'counter' }), 1);
    cold.up = true;
    kafka.produce('in', 0, 'a', frame(1, {}));
    await coldInstance.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 3] });
    await task.stop();
  });

  it('still parks bad input: bytes that are not Avro, a schema id the registry does not know', async () => {
    const registry = new SchemaRegistryDouble([1]);
    const { kafka, instance } = setUp(registry);
    kafka.produce('in', 0, 'a', frame(1, {}));
    kafka.produce('in', 0, 'a', '{"plain":"json"}');
    kafka.produce('in', 0, 'a', frame(9, {}));
    kafka.produce('in', 0, 'a', frame(1, {}));
    const task = await instance.start();
    await instance.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2] });
    assert.deepEqual(
      deadLetters(kafka).map(({ code, sourceOffset }) => [code, sourceOffset]),
      [
        ['DECODE_FAILED', '1'],
        ['DECODE_FAILED', '2'],
      ],
    );
    assert.equal(await instance.metric('recordsParked', { processor: 'counter', code: 'DECODE_FAILED' }), 2);
    assert.equal(kafka.committed.get('in:0'), '4');
    await task.stop();
  });
});
