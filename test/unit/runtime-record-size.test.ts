import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import type { Message } from 'kafkajs';
import {
  recordBatchOverheadBytes,
  recordBytes,
  recordTooLarge,
} from '../../streams/runtime/eos/record-size.ts';

// kafkajs's own encoders, to compare the estimate with the bytes it really sends.
const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (args: { records: Encoded[]; transactional: boolean }) => Promise<Encoded>;
};
const Record = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (args: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: Record<string, string>;
}) => Encoded;

async function kafkajsBatchBytes(messages: Message[]): Promise<number> {
  const records = messages.map((m, i) =>
    Record({
      offsetDelta: i,
      timestampDelta: 1_000_000 * i,
      key: m.key ?? null,
      value: m.value ?? null,
      headers: (m.headers ?? {}) as Record<string, string>,
    }),
  );
  return (await RecordBatch({ records, transactional: true })).buffer.length;
}

const estimate = (messages: Message[]) =>
  recordBatchOverheadBytes + messages.reduce((sum, m) => sum + recordBytes(m), 0);

describe('recordBytes', () => {
  const cases: Record<string, Message[]> = {
    'one small record': [{ key: 'SKU-1', value: Buffer.from('{"a":1}') }],
    'a tombstone': [{ key: 'SKU-1', value: null }],
    'records with lineage headers': Array.from({ length: 50 }, (_, i) => ({
      key: `SKU-${i}`,
      value: Buffer.from(JSON.stringify({ i, name: 'Jacke – grün' })),
      headers: { 'syncline.source': 'erp.postgres', 'syncline.position': `0/${i}A2B`, 'syncline.op': 'u' },
    })),
    'a 200 KiB record': [{ key: 'FAM-1', value: Buffer.alloc(200 * 1024, 'x') }],
  };
  for (const [name, messages] of Object.entries(cases)) {
    it(`never counts fewer bytes than kafkajs sends, nor many more: ${name}`, async () => {
      const sent = await kafkajsBatchBytes(messages);
      const counted = estimate(messages);
      assert.ok(counted >= sent, `counted ${counted} < sent ${sent}`);
      // Varints at their widest: at most 40 bytes too many per record and 10 per header.
      const slack = messages.reduce((sum, m) => sum + 40 + 10 * Object.keys(m.headers ?? {}).length, 0);
      assert.ok(counted - sent <= slack, `counted ${counted}, sent ${sent}`);
    });
  }

  it('counts a UTF-8 key by its bytes, not its characters', () => {
    assert.equal(recordBytes({ key: 'ü', value: null }) - recordBytes({ key: 'u', value: null }), 1);
  });
});

describe('recordTooLarge', () => {
  it('names the topic, the key, the size and the limit', () => {
    const reason = recordTooLarge('channel.webshop.offer.v1', 'FAM-7', {
      bytes: 1_203_441,
      limit: 1_048_588,
    });
    assert.equal(reason.code, 'RECORD_TOO_LARGE');
    assert.match(reason.message, /channel\.webshop\.offer\.v1 record for key FAM-7 is 1,203,441 bytes/);
    assert.match(reason.message, /1,048,588 bytes the topic accepts/);
  });
});
