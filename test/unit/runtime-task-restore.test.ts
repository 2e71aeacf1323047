import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InMemoryKafka } from './in-memory-kafka.ts';
import { countingProcessor, countsByKey, Instance, output } from './runtime-task-fixtures.ts';

const inA = { topic: 'in-a', partition: 0 };
const inB = { topic: 'in-b', partition: 0 };

describe('engine task: restoring a local store that is behind Kafka', () => {
  it('replays from its checkpoint to the committed offset into state, dropping the replay outputs', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    for (const key of ['a', 'a', 'a']) kafka.produce('in', 0, key, '{}');
    const here = new Instance(kafka);
    const first = await here.start();
    await here.pollUntilIdle(first);
    await first.stop();

    // Meanwhile another instance ran the task and committed three more records.
    for (const key of ['a', 'a', 'a']) kafka.produce('in', 0, key, '{}');
    const elsewhere = new Instance(kafka);
    const moved = await elsewhere.start();
    await elsewhere.pollUntilIdle(moved);
    await moved.stop();
    assert.equal(kafka.readCommitted(output).length, 6);

    const back = await here.start();
    assert.equal(here.consumer.seeks.at(-1), 'in:0@3', 'from its own checkpoint');
    assert.equal(here.logged('restoring local state').length, 1);
    kafka.produce('in', 0, 'a', '{}');
    await here.pollUntilIdle(back);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 3, 4, 5, 6, 7] });
    assert.equal(await here.metric('restoredRecords', { processor: 'counter' }), 3);
    assert.equal(here.logged('local state restored').length, 1);
    await back.stop();
  });

  it('processes no live record of any input while one of its partitions replays', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in-a');
    kafka.createTopic('in-b');
    const processor = countingProcessor(['in-a', 'in-b']);
    const inputs = [inA, inB];
    // The key counts across both topics, as a join meets a SKU's rows from several topics.
    kafka.produce('in-a', 0, 'k', '{}');
    kafka.produce('in-b', 0, 'k', '{}');
    const here = new Instance(kafka, { processor });
    const first = await here.start(inputs);
    await here.pollUntilIdle(first, inputs);
    await first.stop();

    kafka.produce('in-a', 0, 'k', '{}');
    kafka.produce('in-a', 0, 'k', '{}');
    const elsewhere = new Instance(kafka, { processor });
    const moved = await elsewhere.start(inputs);
    await elsewhere.pollUntilIdle(moved, inputs);
    await moved.stop();
    assert.deepEqual(countsByKey(kafka), { k: [1, 2, 3, 4] });

    // Back here: in-a replays two records; in-b is current and a live record waits there.
    kafka.produce('in-b', 0, 'k', '{}');
    const back = await here.start(inputs);
    const inBefore = await here.metric('recordsIn', { processor: 'counter', topic: 'in-b' });
    assert.equal(await here.poll(back, 'in-b'), undefined, 'the live record waits, unresolved');
    assert.equal(here.consumer.position('in-b', 0), '1');
    assert.equal(kafka.readCommitted(output).length, 4);
    assert.equal(await here.metric('recordsIn', { processor: 'counter', topic: 'in-b' }), inBefore);

    assert.equal(await here.poll(back, 'in-a'), '2', 'the replay of offsets 1 and 2');
    assert.equal(kafka.readCommitted(output).length, 4, 'the replay emits nothing');
    assert.equal(await here.poll(back, 'in-b'), '1');
    assert.deepEqual(countsByKey(kafka), { k: [1, 2, 3, 4, 5] }, 'counted with the replayed state');
    await back.stop();
  });

  it('says after 30 s which partitions live records wait for, once', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in-a');
    kafka.createTopic('in-b');
    const processor = countingProcessor(['in-a', 'in-b']);
    const inputs = [inA, inB];
    kafka.produce('in-a', 0, 'k', '{}');
    const elsewhere = new Instance(kafka, { processor });
    const moved = await elsewhere.start(inputs);
    await elsewhere.pollUntilIdle(moved, inputs);
    await moved.stop();

    kafka.produce('in-b', 0, 'k', '{}');
    const here = new Instance(kafka, { processor });
    const back = await here.start(inputs);
    await here.poll(back, 'in-b');
    assert.equal(here.logged('live records are waiting').length, 0);
    here.clock.ms += 30_000;
    await here.poll(back, 'in-b');
    await here.poll(back, 'in-b');
    const [line, ...more] = here.logged('live records are waiting');
    assert.deepEqual(more, []);
    assert.deepEqual(line?.restoring, { 'in-a:0': '1' });
    await here.pollUntilIdle(back, inputs);
    assert.deepEqual(countsByKey(kafka), { k: [1, 2] });
    assert.equal(here.logged('every input partition restored; live records flow again').length, 1);
    await back.stop();
  });

  it('wipes a store ahead of the committed offsets and rebuilds it from the start', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    for (const key of ['a', 'a']) kafka.produce('in', 0, key, '{}');
    const here = new Instance(kafka);
    const first = await here.start();
    await here.pollUntilIdle(first);
    await first.stop();
    // The group's offsets reset to 1 (an operator's reset): the store reflects more than Kafka says.
    kafka.committed.set('in:0', '1');

    const back = await here.start();
    assert.equal(here.logged('local state does not match the committed offsets').length, 1);
    assert.equal(here.consumer.seeks.at(-1), 'in:0@0');
    await here.pollUntilIdle(back);
    // Offset 0 replayed into state (count 1), offset 1 processed again live: count 2, not 3.
    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 2] });
    await back.stop();
  });
});
