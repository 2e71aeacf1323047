import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recoveryStep, type ConnectorView } from '../../streams/cdc/recovery-plan.ts';

const running: ConnectorView = {
  status: { connector: 'RUNNING', tasks: ['RUNNING'] },
  databaseReachable: true,
  slotHolder: undefined,
};
const grace = 150_000;
const quietSince = 1_000_000;
const now = quietSince + 60_000;

describe('CDC recovery plan', () => {
  it('restarts a connector whose task reports RUNNING but writes nothing', () => {
    const step = recoveryStep(running, { quietSince, lastRestartAt: undefined }, now, grace);
    assert.equal(step.action, 'restart');
    assert.match(step.reason, /connector RUNNING, tasks RUNNING/);
  });

  it('waits, without restarting, while the ERP database does not answer', () => {
    const step = recoveryStep(
      { ...running, databaseReachable: false },
      { quietSince, lastRestartAt: undefined },
      now,
      grace,
    );
    assert.deepEqual(step.action, 'wait');
    assert.match(step.reason, /ERP database does not answer/);
  });

  it('tells a person to apply a connector Connect does not know', () => {
    const step = recoveryStep(
      { ...running, status: null },
      { quietSince, lastRestartAt: undefined },
      now,
      grace,
    );
    assert.equal(step.action, 'wait');
    assert.match(step.reason, /connectors:apply/);
  });

  it('gives a restarted task its grace period before acting again', () => {
    const memory = { quietSince, lastRestartAt: now - grace + 1 };
    assert.equal(recoveryStep(running, memory, now, grace).action, 'wait');
    assert.equal(
      recoveryStep(running, { ...memory, lastRestartAt: now - grace }, now, grace).action,
      'restart',
    );
  });

  it('ends a slot holder that was already connected when the source went quiet, then restarts', () => {
    const view = { ...running, slotHolder: { pid: 4242, backendStart: quietSince - 3_600_000 } };
    const step = recoveryStep(view, { quietSince, lastRestartAt: undefined }, now, grace);
    assert.equal(step.action, 'end-slot-holder-and-restart');
    assert.equal(step.action === 'end-slot-holder-and-restart' && step.pid, 4242);
    assert.match(step.reason, /connection 4242/);
  });

  it('never ends a slot holder that connected after the source went quiet: it may be the live task', () => {
    const view = { ...running, slotHolder: { pid: 4242, backendStart: quietSince + 1 } };
    assert.equal(recoveryStep(view, { quietSince, lastRestartAt: undefined }, now, grace).action, 'restart');
  });

  it('does not end a holder during the grace period of a restart either', () => {
    const view = { ...running, slotHolder: { pid: 4242, backendStart: quietSince - 1 } };
    assert.equal(recoveryStep(view, { quietSince, lastRestartAt: now - 1_000 }, now, grace).action, 'wait');
  });
});
