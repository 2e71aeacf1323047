/**
 * A record's story from its register entries: one version per channel record, newest first, each
 * with its ERP origin and every attempt oldest first, ending in the latest attempt's status.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { storyVersions, type EntryRow } from '../../streams/admin/record-story.ts';

function entry(
  offset: string,
  attempt: number,
  status: string,
  atSecond: number,
  extra: Partial<EntryRow> = {},
): EntryRow {
  return {
    register_partition: 1,
    register_offset: String(100 + atSecond),
    status,
    operation: 'UPSERT',
    content_hash: `hash-${offset}`,
    attempt,
    http_status: status === 'PARKED' ? 400 : 200,
    error_code: status === 'PARKED' ? 'REJECTED' : null,
    channel_error: status === 'PARKED' ? 'The "ean" attribute value is empty.' : null,
    sentence: `sentence ${offset}/${attempt}`,
    offer_topic: 'channel.webshop.offer.v1',
    offer_partition: 3,
    offer_offset: offset,
    erp_source: 'postgres',
    erp_table: 'erp.product',
    erp_position: `lsn-${offset}`,
    erp_tx_id: `tx-${offset}`,
    erp_commit_at: new Date(Date.UTC(2026, 11, 3, 17, 0, 0)),
    recorded_at: new Date(Date.UTC(2026, 11, 3, 17, 0, atSecond)),
    latency_ms: '250',
    ...extra,
  };
}

describe("a record's story", () => {
  it('groups attempts by channel record, newest record first, attempts in the order they happened', () => {
    // As storyEntries returns them: newest first.
    const rows = [
      entry('12', 1, 'DELIVERED', 30),
      entry('9', 3, 'PARKED', 20),
      entry('9', 2, 'FAILED_WILL_RETRY', 15),
      entry('9', 1, 'FAILED_WILL_RETRY', 10),
    ];
    const versions = storyVersions(rows);
    assert.deepEqual(
      versions.map((v) => [v.channelRecord.offset, v.outcome, v.attempts.map((a) => a.attempt)]),
      [
        ['12', 'DELIVERED', [1]],
        ['9', 'PARKED', [1, 2, 3]],
      ],
    );
    const parked = versions[1]!;
    assert.deepEqual(parked.erp, {
      source: 'postgres',
      table: 'erp.product',
      position: 'lsn-9',
      txId: 'tx-9',
      commitAt: '2026-12-03T17:00:00.000Z',
    });
    assert.deepEqual(parked.channelRecord, {
      topic: 'channel.webshop.offer.v1',
      partition: 3,
      offset: '9',
      operation: 'UPSERT',
      contentHash: 'hash-9',
    });
    assert.deepEqual(parked.attempts[2], {
      attempt: 3,
      status: 'PARKED',
      httpStatus: 400,
      errorCode: 'REJECTED',
      channelError: 'The "ean" attribute value is empty.',
      sentence: 'sentence 9/3',
      recordedAt: '2026-12-03T17:00:20.000Z',
      latencyMs: 250,
      register: { partition: 1, offset: '120' },
    });
  });

  it('orders records of one partition by offset, not by text', () => {
    const versions = storyVersions([entry('9', 1, 'DELIVERED', 5), entry('10', 1, 'DELIVERED', 4)]);
    assert.deepEqual(
      versions.map((v) => v.channelRecord.offset),
      ['10', '9'],
    );
  });

  it('is empty without entries', () => {
    assert.deepEqual(storyVersions([]), []);
  });
});
