import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { SynclineError } from '../../streams/runtime/errors.ts';
import { InMemoryKafka } from './in-memory-kafka.ts';
import { countsByKey, FillingDisk, Instance, output } from './runtime-task-fixtures.ts';

const produceAll = (kafka: InMemoryKafka, keys: string[]) => {
  for (const key of keys) kafka.produce('in', 0, key, JSON.stringify({ key }));
};

describe('engine task: a local state write that fails after the Kafka commit', () => {
  it('discards the store and closes the task; restarted, it rebuilds the state from Kafka and no batch is processed twice', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    const disk = new FillingDisk();
    const instance = new Instance(kafka, { disk });
    produceAll(kafka, ['a', 'a', 'b', 'a', 'b', 'a']);

    const task = await instance.start();
    assert.equal(await instance.poll(task, 'in', 0, 0, 3), '2');
    disk.full = true;
    await assert.rejects(instance.poll(task, 'in', 0, 0, 3), (error: SynclineError) => {
      assert.equal(error.code, 'STATE_STORE');
      assert.equal(error.retriable, true);
      return true;
    });
    // Kafka committed the batch the store lost: its outputs are there, its offsets committed.
    assert.equal(kafka.committed.get('in:0'), '6');
    assert.equal(task.running, false);
    assert.equal(task.fenced, false);
    assert.equal(existsSync(disk.opened[0]!), false, 'the untrusted store is removed');
    assert.equal(instance.logged('local state could not be written').length, 1);

    disk.full = false;
    const restarted = await instance.start();
    assert.deepEqual(instance.consumer.seeks.at(-1), 'in:0@0', 'replays the input from the start');
    produceAll(kafka, ['a', 'b']);
    await instance.pollUntilIdle(restarted);

    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 3, 4, 5], b: [1, 2, 3] });
    assert.equal(kafka.readCommitted(output).length, 8, 'one output per input, none from the replay');
    assert.equal(await instance.metric('restoredRecords', { processor: 'counter' }), 6);
    await restarted.stop();
  });

  it('a replay whose own store write fails closes the task the same way, and the next start replays again', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    const disk = new FillingDisk();
    const first = new Instance(kafka);
    produceAll(kafka, ['a', 'a', 'a']);
    const task = await first.start();
    await first.pollUntilIdle(task);
    await task.stop();

    // Another instance, with no store, rebuilds from Kafka while its disk is full.
    const second = new Instance(kafka, { disk });
    disk.full = true;
    const replaying = await second.start();
    await assert.rejects(second.poll(replaying), { code: 'STATE_STORE' });
    assert.equal(replaying.running, false);
    assert.equal(existsSync(disk.opened[0]!), false);

    disk.full = false;
    const restarted = await second.start();
    produceAll(kafka, ['a']);
    await second.pollUntilIdle(restarted);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 3, 4] });
    await restarted.stop();
  });

  it('a failed wipe of a store that cannot be trusted fails the start and removes the store', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    const disk = new FillingDisk();
    const instance = new Instance(kafka, { disk });
    produceAll(kafka, ['a', 'a']);
    const task = await instance.start();
    await instance.pollUntilIdle(task);
    await task.stop();
    // The group's offsets moved back (a reset): the store's checkpoint is ahead of Kafka.
    kafka.committed.set('in:0', '1');

    disk.full = true;
    await assert.rejects(instance.start(), /EIO/);
    assert.equal(existsSync(disk.opened.at(-1)!), false);
  });
});

describe('engine task: the timed commit', () => {
  it('leaves a transaction open until it is commitIntervalMs old, then commits outputs, offsets and state', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    const instance = new Instance(kafka);
    produceAll(kafka, ['a', 'b']);
    const task = await instance.start();

    await instance.poll(task, 'in', 0, 1000);
    assert.equal(kafka.readCommitted(output).length, 0, 'nothing visible before the commit');
    assert.equal(kafka.committed.get('in:0'), undefined, 'nor its offsets');
    assert.equal(task.due(1000), false);
    instance.clock.ms += 999;
    assert.equal(task.due(1000), false);
    instance.clock.ms += 1;
    assert.equal(task.due(1000), true);

    await task.lock.run(() => task.commit());
    assert.deepEqual(countsByKey(kafka), { a: [1], b: [1] });
    assert.equal(kafka.committed.get('in:0'), '2');
    assert.equal(task.due(0), false, 'no transaction open after the commit');
    await task.stop();

    // The state was saved with the commit: a restart resumes at offset 2 without a replay.
    const again = await instance.start();
    assert.equal(instance.consumer.seeks.at(-1), 'in:0@2');
    produceAll(kafka, ['a']);
    await instance.pollUntilIdle(again);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2], b: [1] });
    assert.equal(await instance.metric('restoredRecords', { processor: 'counter' }), 0);
    await again.stop();
  });

  it('a batch commits its open transaction once it is commitIntervalMs old', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    const instance = new Instance(kafka);
    const task = await instance.start();
    kafka.produce('in', 0, 'a', '{}');
    await instance.poll(task, 'in', 0, 1000);
    instance.clock.ms += 1000;
    kafka.produce('in', 0, 'a', '{}');
    await instance.poll(task, 'in', 0, 1000);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2] });
    assert.equal(kafka.ended.committed, 1, 'both batches in one transaction');
    await task.stop();
  });

  it('a timed commit whose store write fails closes the task and removes the store, as a batch does', async () => {
    const kafka = new InMemoryKafka('counter');
    kafka.createTopic('in');
    const disk = new FillingDisk();
    const instance = new Instance(kafka, { disk });
    produceAll(kafka, ['a', 'a']);
    const task = await instance.start();
    await instance.poll(task, 'in', 0, 60_000);
    disk.full = true;
    instance.clock.ms += 60_000;
    assert.equal(task.due(60_000), true);
    await assert.rejects(
      task.lock.run(() => task.commit()),
      { code: 'STATE_STORE' },
    );
    assert.equal(task.running, false);
    assert.equal(existsSync(disk.opened[0]!), false);

    disk.full = false;
    const restarted = await instance.start();
    produceAll(kafka, ['a']);
    await instance.pollUntilIdle(restarted);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 3] });
    await restarted.stop();
  });
});
