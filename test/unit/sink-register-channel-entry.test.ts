/**
 * The register's channel-wide entries and the schema change that carries them: the evolved
 * schema reads every entry written with the first version (BACKWARD, what the registry enforces
 * for `sync.register.v1-value`), and both kinds of entry round-trip through it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import avsc from 'avsc';
import { channelRegisterEntry, registerEntry, type SinkRecord } from '../../streams/sinks/register-entry.ts';

const record: SinkRecord = {
  topic: 'channel.webshop.offer.v1',
  partition: 1,
  offset: '77',
  key: 'TS-001',
  offer: null,
  contentHash: 'tombstone',
  headers: { 'syncline.commit-ms': '1000' },
  raw: null,
};

const refusal = {
  httpStatus: 401,
  errorCode: 'UNAUTHORIZED',
  channelError: "The consumer isn't authorized to access Magento_Catalog::products.",
  sinceMs: 10_000,
  refusedCalls: 13,
};

type Schema = { fields: { name: string; type: unknown }[] };
const schema = JSON.parse(
  readFileSync(new URL('../../schemas/sync.register.v1.avsc', import.meta.url), 'utf8'),
) as Schema;

/** The first version of the schema: without the channel-wide fields and statuses. */
function firstVersion(): Schema {
  const first = structuredClone(schema);
  first.fields = first.fields.filter((f) => !['scope', 'probeIntervalMs', 'pausedMs'].includes(f.name));
  const status = first.fields.find((f) => f.name === 'status')!.type as { symbols: string[] };
  status.symbols = status.symbols.filter((s) => !s.startsWith('CHANNEL_'));
  return first;
}

describe('channel-wide register entries', () => {
  it('say that the channel refuses every call, in its own words, and how often it is probed', () => {
    const entry = channelRegisterEntry(
      'webshop',
      { kind: 'REFUSED', refusal: { ...refusal, refusedCalls: 1 }, record, atMs: 10_000 },
      30_000,
    );
    assert.equal(entry.scope, 'CHANNEL');
    assert.equal(entry.status, 'CHANNEL_REFUSED');
    assert.equal(entry.key, '*');
    assert.equal(entry.httpStatus, 401);
    assert.equal(entry.channelError, refusal.channelError);
    assert.equal(entry.probeIntervalMs, 30_000);
    assert.equal(entry.offerPartition, 1);
    assert.equal(entry.offerOffset, 77);
    assert.equal(
      entry.sentence,
      "Channel webshop refuses every call (HTTP 401): The consumer isn't authorized to access Magento_Catalog::products. " +
        'Delivery to it is paused and nothing is parked; a call every 30 s checks whether it accepts again ' +
        "(credentials, permissions or the API's address may need fixing).",
    );
  });

  it('say when the channel accepts again and how long delivery was paused', () => {
    const entry = channelRegisterEntry('webshop', { kind: 'RESUMED', refusal, record, atMs: 72_000 }, 5000);
    assert.equal(entry.status, 'CHANNEL_RESUMED');
    assert.equal(entry.pausedMs, 62_000);
    assert.equal(entry.attempt, 13);
    assert.equal(entry.probeIntervalMs, null);
    assert.match(
      entry.sentence,
      /accepts calls again after refusing 13 over 62 s; delivery goes on from TS-001/,
    );
  });
});

describe('sync.register.v1 schema evolution', () => {
  it('reads entries written with the first version (BACKWARD): as record entries', () => {
    const evolved = avsc.Type.forSchema(schema as avsc.Schema);
    const first = avsc.Type.forSchema(firstVersion() as avsc.Schema);
    const resolver = evolved.createResolver(first);
    const old = registerEntry('webshop', record, { status: 'DELIVERED', attempt: 1 }, 2000);
    const { scope: _s, probeIntervalMs: _p, pausedMs: _d, ...written } = old;
    const read = evolved.fromBuffer(first.toBuffer(written), resolver) as Record<string, unknown>;
    assert.equal(read.scope, 'RECORD');
    assert.equal(read.pausedMs, null);
    assert.equal(read.status, 'DELIVERED');
  });

  it('carries both kinds of entry', () => {
    const evolved = avsc.Type.forSchema(schema as avsc.Schema);
    const entries = [
      registerEntry('webshop', record, { status: 'PARKED', attempt: 2, errorCode: 'X' }, 2000),
      channelRegisterEntry('webshop', { kind: 'RESUMED', refusal, record, atMs: 72_000 }, 5000),
    ];
    for (const entry of entries) {
      assert.deepEqual({ ...(evolved.fromBuffer(evolved.toBuffer(entry)) as object) }, entry);
    }
  });
});
