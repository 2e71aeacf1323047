/**
 * The rule that fences sink replicas in the holdings: a holding is replaced only by a record at
 * least as new as the one it reflects (its partition and offset in the channel topic). The ops
 * database applies the same rule in SQL (streams/sinks/ops/channel-holdings.ts, proven on the real
 * database in test/integration/sink-channel-holdings.test.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replacesHolding, revisionText } from '../../streams/sinks/holding-revision.ts';

const at = (partition: number, offset: number) => ({ partition, offset: BigInt(offset) });

describe('replacesHolding', () => {
  it('lets a newer record of the key replace the holding', () => {
    assert.equal(replacesHolding(at(2, 10), at(2, 11)), true);
  });

  it('refuses an older record: a late answer cannot overwrite what a successor delivered', () => {
    assert.equal(replacesHolding(at(2, 10), at(2, 9)), false);
    assert.equal(replacesHolding(at(2, 10), at(2, 9), 50n), false);
  });

  it('lets the same record be recorded again (a re-delivery after a crash or a rebalance)', () => {
    assert.equal(replacesHolding(at(2, 10), at(2, 10)), true);
  });

  it('lets any record replace a holding written before holdings carried revisions', () => {
    assert.equal(replacesHolding(null, at(0, 0)), true);
  });

  it('lets a record replace a holding from a former topic of the same name (offsets started over)', () => {
    // The stored offset is at or past the partition's end: no record of this topic is there.
    assert.equal(replacesHolding(at(1, 900), at(1, 3), 40n), true);
    assert.equal(replacesHolding(at(1, 40), at(1, 3), 40n), true);
    assert.equal(replacesHolding(at(1, 39), at(1, 3), 40n), false);
  });

  it('lets a record on another partition replace it (the topic was repartitioned)', () => {
    assert.equal(replacesHolding(at(1, 900), at(3, 3)), true);
  });

  it('writes a revision the way adapters send it', () => {
    assert.equal(revisionText(at(3, 42)), '3:42');
  });
});
