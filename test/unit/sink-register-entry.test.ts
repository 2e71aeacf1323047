import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { registerEntry, type SinkRecord } from '../../streams/sinks/register-entry.ts';

const record: SinkRecord = {
  topic: 'channel.webshop.offer.v1',
  partition: 2,
  offset: '41',
  key: 'TS-001',
  offer: null,
  contentHash: 'tombstone',
  headers: {
    'syncline.source': 'postgres',
    'syncline.table': 'erp.product',
    'syncline.position': 'lsn:2451234',
    'syncline.tx-id': '771',
    'syncline.commit-ms': '1000',
  },
  raw: null,
};

describe('registerEntry', () => {
  it('carries the lineage of the channel record and the latency from the ERP commit', () => {
    const entry = registerEntry(
      'webshop',
      record,
      { status: 'DELIVERED', attempt: 1, httpStatus: 200 },
      1450,
    );
    assert.equal(entry.operation, 'DELIST');
    assert.equal(entry.erpSource, 'postgres');
    assert.equal(entry.erpTable, 'erp.product');
    assert.equal(entry.erpPosition, 'lsn:2451234');
    assert.equal(entry.erpTxId, '771');
    assert.equal(entry.erpCommitMs, 1000);
    assert.equal(entry.latencyMs, 450);
    assert.equal(entry.sentence, 'The delisting of TS-001 was delivered to channel webshop.');
  });

  it("gives a parked record a sentence with the channel's own words and where it waits", () => {
    const entry = registerEntry(
      'webshop',
      { ...record, contentHash: 'abc', offer: {} as never },
      {
        status: 'PARKED',
        attempt: 1,
        httpStatus: 400,
        errorCode: 'MISSING_ATTRIBUTE',
        channelError: 'The "ean" attribute value is empty. Set the attribute and try again.',
      },
      2000,
    );
    assert.equal(
      entry.sentence,
      'Channel webshop refused offer TS-001 (HTTP 400): The "ean" attribute value is empty. Set the attribute and try again. It is parked in channel.webshop.dlq.v1 until the data is fixed or it is resent.',
    );
    assert.equal(entry.errorCode, 'MISSING_ATTRIBUTE');
  });

  it('has no latency for a record without lineage', () => {
    const entry = registerEntry(
      'webshop',
      { ...record, headers: {} },
      { status: 'UNCHANGED', attempt: 0 },
      5,
    );
    assert.equal(entry.latencyMs, null);
    assert.equal(entry.erpSource, null);
  });
});
