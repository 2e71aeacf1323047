import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryTransient } from '../../streams/runtime/eos/retry-transient.ts';

/** An error shaped as kafkajs throws them: a type and whether retrying can help. */
const kafkaError = (type: string, retriable: boolean) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type, retriable });

/** Fails with `errors` in turn, then answers 'done'; counts the calls. */
function failing(...errors: Error[]) {
  let calls = 0;
  return {
    call: () => {
      const error = errors[calls];
      calls += 1;
      return error ? Promise.reject(error) : Promise.resolve('done');
    },
    calls: () => calls,
  };
}

describe('retryTransient', () => {
  it('calls again after a retriable error such as CONCURRENT_TRANSACTIONS, waiting longer each time', async () => {
    const concurrent = kafkaError('CONCURRENT_TRANSACTIONS', true);
    const call = failing(concurrent, concurrent, concurrent);
    const waited: number[] = [];
    const result = await retryTransient(call.call, {
      firstWaitMs: 20,
      maxWaitMs: 50,
      wait: (ms) => Promise.resolve(waited.push(ms)),
    });
    assert.equal(result, 'done');
    assert.equal(call.calls(), 4);
    assert.deepEqual(waited, [20, 40, 50]);
  });

  it('rethrows at once an error that retrying cannot help, such as a fenced producer', async () => {
    const fenced = kafkaError('INVALID_PRODUCER_EPOCH', false);
    const call = failing(fenced);
    await assert.rejects(retryTransient(call.call, { wait: () => Promise.resolve() }), fenced);
    assert.equal(call.calls(), 1);
  });

  it('gives up after its attempts with the last error', async () => {
    const errors = [1, 2, 3].map((n) => kafkaError(`COORDINATOR_LOAD_IN_PROGRESS ${n}`, true));
    const call = failing(...errors);
    await assert.rejects(
      retryTransient(call.call, { attempts: 3, wait: () => Promise.resolve() }),
      errors[2],
    );
    assert.equal(call.calls(), 3);
  });
});
