import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { InMemoryKafka, kafkaError } from './in-memory-kafka.ts';
import { countsByKey, FillingDisk, Instance, output } from './runtime-task-fixtures.ts';

function setUp(keys: string[]) {
  const kafka = new InMemoryKafka('counter');
  kafka.createTopic('in');
  for (const key of keys) kafka.produce('in', 0, key, '{}');
  return kafka;
}

describe('engine task: a transaction that fails', () => {
  for (const operation of ['commit', 'send', 'sendOffsets'] as const) {
    it(`a failing ${operation} aborts the transaction and closes the task, which restarts from its last commit`, async () => {
      const kafka = setUp(['a', 'b', 'a']);
      const disk = new FillingDisk();
      const instance = new Instance(kafka, { disk });
      const task = await instance.start();
      await instance.poll(task, 'in', 0, 0, 1);

      // Not retriable, so the transaction's own retries (sendOffsets') give up at once.
      kafka.failNext(operation, kafkaError('NOT_COORDINATOR', false));
      await assert.rejects(instance.poll(task, 'in', 0, 0, 2), { type: 'NOT_COORDINATOR' });
      assert.equal(task.running, false);
      assert.equal(task.fenced, false, 'not fenced: the loop starts the task again');
      assert.equal(kafka.ended.aborted, 1);
      assert.equal(kafka.openRecords(output), 0);
      assert.deepEqual(countsByKey(kafka), { a: [1] }, 'nothing of the failed transaction is visible');
      assert.equal(kafka.committed.get('in:0'), '1');
      assert.equal(existsSync(disk.opened[0]!), true, 'the store is kept: it matches the last commit');
      assert.equal(
        await instance.metric('transactionsAborted', { processor: 'counter', reason: 'NOT_COORDINATOR' }),
        1,
      );

      const restarted = await instance.start();
      assert.equal(instance.consumer.seeks.at(-1), 'in:0@1', 'from the last commit, no replay');
      await instance.pollUntilIdle(restarted);
      assert.deepEqual(countsByKey(kafka), { a: [1, 2], b: [1] });
      await restarted.stop();
    });
  }

  it('sendOffsets is tried again while the coordinator answers CONCURRENT_TRANSACTIONS', async () => {
    const kafka = setUp(['a']);
    const instance = new Instance(kafka);
    const task = await instance.start();
    kafka.failNext('sendOffsets', kafkaError('CONCURRENT_TRANSACTIONS', true));
    await instance.pollUntilIdle(task);
    assert.equal(task.running, true);
    assert.deepEqual(countsByKey(kafka), { a: [1] });
    assert.equal(kafka.committed.get('in:0'), '1');
    await task.stop();
  });

  it('a producer fenced by a newer instance of the task: the zombie cannot commit, is closed and says fenced', async () => {
    const kafka = setUp(['a', 'a']);
    const zombie = new Instance(kafka);
    const stale = await zombie.start();
    // A transaction left open (a long commit interval), as when the instance froze mid-transaction.
    await zombie.poll(stale, 'in', 0, 60_000);

    const successor = new Instance(kafka);
    const task = await successor.start();
    zombie.clock.ms += 60_000;
    await assert.rejects(
      stale.lock.run(() => stale.commit()),
      { type: 'INVALID_PRODUCER_EPOCH' },
    );
    assert.equal(stale.running, false);
    assert.equal(stale.fenced, true, 'fenced: the loop leaves the task to the instance that fenced it');
    assert.equal(kafka.readCommitted(output).length, 0);

    kafka.produce('in', 0, 'a', '{}');
    await successor.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), { a: [1, 2, 3] });
    await task.stop();
  });

  it('a fenced producer fails the batch that sends, not only the commit', async () => {
    const kafka = setUp(['a']);
    const zombie = new Instance(kafka);
    const stale = await zombie.start();
    const successor = new Instance(kafka);
    const task = await successor.start();
    await assert.rejects(zombie.poll(stale), { type: 'INVALID_PRODUCER_EPOCH' });
    assert.equal(stale.fenced, true);
    assert.equal(stale.running, false);
    await successor.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), { a: [1] });
    await task.stop();
  });

  it('a producer that cannot connect fails the start and leaves the store closed, not removed', async () => {
    const kafka = setUp(['a']);
    const disk = new FillingDisk();
    const instance = new Instance(kafka, { disk });
    kafka.failNext('connectProducer', kafkaError('COORDINATOR_NOT_AVAILABLE', true));
    await assert.rejects(instance.start(), { type: 'COORDINATOR_NOT_AVAILABLE' });
    assert.equal(existsSync(disk.opened[0]!), true);
    const task = await instance.start();
    await instance.pollUntilIdle(task);
    assert.deepEqual(countsByKey(kafka), { a: [1] });
    await task.stop();
  });
});
