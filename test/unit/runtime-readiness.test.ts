import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoleReadiness } from '../../streams/runtime/readiness.ts';

function role() {
  const gone: { consumer: string; error: Error }[] = [];
  const readiness = new RoleReadiness((consumer, error) => gone.push({ consumer, error }));
  return { readiness, gone };
}

describe('role readiness', () => {
  it('is not ready before any consumer is registered', () => {
    const { readiness } = role();
    assert.deepEqual(readiness.report(), { ready: false, consumers: {} });
  });

  it('a processor is not ready once joined, only once every task of its assignment has started', () => {
    const { readiness } = role();
    const processor = readiness.consumer('processor');
    assert.equal(readiness.report().ready, false);
    processor.assigned([0, 1, 2]);
    assert.deepEqual(readiness.report(), { ready: false, consumers: { processor: 'assigned' } });
    processor.taskStarted(0);
    processor.taskStarted(2);
    assert.equal(readiness.report().ready, false);
    processor.taskStarted(1);
    assert.deepEqual(readiness.report(), { ready: true, consumers: { processor: 'running' } });
  });

  it('a processor assigned no task (more instances than partitions) is ready on joining', () => {
    const { readiness } = role();
    readiness.consumer('processor').assigned([]);
    assert.equal(readiness.report().ready, true);
  });

  it('a task restarting (a failed transaction) makes it not ready until the task runs again', () => {
    const { readiness } = role();
    const processor = readiness.consumer('processor');
    processor.assigned([0]);
    processor.taskStarted(0);
    processor.taskStarting(0);
    assert.equal(readiness.report().ready, false);
    processor.taskStarted(0);
    assert.equal(readiness.report().ready, true);
  });

  it('a rebalance makes it not ready; a task start from before the rebalance does not make it ready', () => {
    const { readiness } = role();
    const processor = readiness.consumer('processor');
    processor.assigned([0, 1]);
    processor.rebalancing();
    processor.taskStarted(0);
    processor.taskStarted(1);
    assert.deepEqual(readiness.report(), { ready: false, consumers: { processor: 'rebalancing' } });
    processor.assigned([1]);
    assert.equal(readiness.report().ready, false);
    processor.taskStarted(1);
    assert.equal(readiness.report().ready, true);
  });

  it('a crash kafkajs restarts from is not ready until the consumer joins again, and is no death', () => {
    const { readiness, gone } = role();
    const sink = readiness.consumer('sink webshop');
    sink.assigned([]);
    sink.crashed(new Error('broker gone'), true);
    assert.deepEqual(readiness.report(), { ready: false, consumers: { 'sink webshop': 'crashed' } });
    assert.deepEqual(gone, []);
    sink.assigned([]);
    assert.equal(readiness.report().ready, true);
  });

  it('a crash kafkajs does not restart from is a death: reported once, and nothing revives it', () => {
    const { readiness, gone } = role();
    const index = readiness.consumer('register-index');
    index.assigned([]);
    const error = new Error('ZSTD compression not implemented');
    index.crashed(error, false);
    index.crashed(new Error('again'), false);
    index.assigned([]);
    assert.deepEqual(readiness.report(), { ready: false, consumers: { 'register-index': 'gone' } });
    assert.deepEqual(gone, [{ consumer: 'register-index', error }]);
  });

  it('a stop on purpose is not ready and not a death, whatever the client emits meanwhile', () => {
    const { readiness, gone } = role();
    const processor = readiness.consumer('processor');
    processor.assigned([]);
    processor.stopping();
    processor.crashed(new Error('disconnected while stopping'), false);
    assert.deepEqual(readiness.report(), { ready: false, consumers: { processor: 'stopping' } });
    assert.deepEqual(gone, []);
  });

  it('a role with several consumers is ready only when every one is', () => {
    const { readiness } = role();
    const webshop = readiness.consumer('sink webshop');
    const portal = readiness.consumer('sink b2b-portal');
    webshop.assigned([]);
    assert.equal(readiness.report().ready, false);
    portal.assigned([]);
    assert.equal(readiness.report().ready, true);
    portal.rebalancing();
    assert.equal(readiness.report().ready, false);
  });

  it('refuses two consumers of one name (their states would shadow each other)', () => {
    const { readiness } = role();
    readiness.consumer('processor');
    assert.throws(() => readiness.consumer('processor'), { code: 'WRONG_STATE' });
  });
});
