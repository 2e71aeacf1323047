import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChannelRefusal, type ChannelAccess } from '../../streams/sinks/channel-refusal.ts';

const unauthorized = {
  httpStatus: 401,
  errorCode: 'UNAUTHORIZED',
  channelError: "The consumer isn't authorized to access Magento_Catalog::products.",
};

describe('ChannelRefusal', () => {
  it('lets every call go while the channel accepts', () => {
    const refusal = new ChannelRefusal({ probeIntervalMs: 1000 });
    assert.equal(refusal.access, 'accepting');
    assert.equal(refusal.waitMs(0), 0);
    assert.equal(refusal.waitMs(0), 0);
  });

  it('after a refusal, lets one probe through per interval, whoever asks', () => {
    const refusal = new ChannelRefusal({ probeIntervalMs: 1000 });
    assert.equal(refusal.refused(100, unauthorized), true);
    assert.equal(refusal.waitMs(100), 1000);
    assert.equal(refusal.waitMs(1100), 0, 'the probe slot');
    assert.equal(refusal.waitMs(1100), 1000, 'a second caller in the same interval waits');
    assert.equal(refusal.waitMs(1600), 500);
    assert.equal(refusal.waitMs(2100), 0, 'the next interval has its probe');
  });

  it('counts refused calls of one refusal and keeps when it started', () => {
    const refusal = new ChannelRefusal({ probeIntervalMs: 1000 });
    refusal.refused(100, unauthorized);
    assert.equal(refusal.refused(1100, { ...unauthorized, httpStatus: 403 }), false);
    assert.deepEqual(refusal.refusal, {
      ...unauthorized,
      httpStatus: 403,
      sinceMs: 100,
      refusedCalls: 2,
    });
  });

  it('resumes on the first accepted call and says which refusal it ended', () => {
    const changes: ChannelAccess[] = [];
    const refusal = new ChannelRefusal({ probeIntervalMs: 1000 }, (access) => changes.push(access));
    assert.equal(refusal.accepted(), undefined, 'nothing to end while accepting');
    refusal.refused(100, unauthorized);
    refusal.refused(1100, unauthorized);
    const ended = refusal.accepted();
    assert.equal(ended?.sinceMs, 100);
    assert.equal(ended?.refusedCalls, 2);
    assert.equal(refusal.access, 'accepting');
    assert.equal(refusal.waitMs(1200), 0);
    assert.deepEqual(changes, ['refused', 'accepting']);
  });
});
