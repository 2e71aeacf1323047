import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isConnectionLoss, opsCall, OpsUnavailable } from '../../streams/sinks/ops/ops-outage.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isConnectionLoss', () => {
  it('reads a refused, reset or timed-out connection as the database being away', () => {
    assert.equal(isConnectionLoss(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5433')), true);
    assert.equal(isConnectionLoss(withCode('ECONNRESET')), true);
    assert.equal(isConnectionLoss(new Error('Connection terminated unexpectedly')), true);
    assert.equal(isConnectionLoss(new Error('timeout exceeded when trying to connect')), true);
    assert.equal(
      isConnectionLoss(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')])),
      true,
    );
  });

  it('reads a server shutting down or starting up, or out of connections, as away', () => {
    for (const state of ['57P01', '57P03', '53300', '08006', '08001'])
      assert.equal(isConnectionLoss(withCode(state)), true, state);
  });

  it('does not excuse a defect: a bad statement or a missing table is not an outage', () => {
    assert.equal(isConnectionLoss(withCode('42P01', 'relation "channel_holding" does not exist')), false);
    assert.equal(isConnectionLoss(withCode('42601', 'syntax error')), false);
    assert.equal(isConnectionLoss(new TypeError('x is undefined')), false);
  });
});

describe('opsCall', () => {
  it('turns a lost connection into a retriable OpsUnavailable naming the call', async () => {
    const error = await opsCall('channel holdings of webshop', () =>
      Promise.reject(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5433')),
    ).catch((e: unknown) => e);
    assert.ok(error instanceof OpsUnavailable);
    assert.equal(error.retriable, true);
    assert.equal(error.code, 'OPS_DATABASE');
    assert.match(error.message, /channel holdings of webshop.*ECONNREFUSED/);
  });

  it('rethrows anything else unchanged', async () => {
    const defect = withCode('42601', 'syntax error');
    await assert.rejects(
      opsCall('x', () => Promise.reject(defect)),
      (e) => e === defect,
    );
  });
});
