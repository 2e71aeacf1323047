import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { decodeFailure, UnknownSchemaIds } from '../../streams/runtime/codec/registry-errors.ts';
import { RegistryWait, whenRegistryAnswers } from '../../streams/runtime/codec/registry-wait.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { createLogger } from '../../streams/runtime/logger.ts';

/** Shaped as @kafkajs/confluent-schema-registry throws them. */
const responseError = (status: number, message: string) =>
  Object.assign(new Error(`Confluent_Schema_Registry - ${message}`), { name: 'ResponseError', status });

function capturedLogger() {
  const messages: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      messages.push(String((JSON.parse(chunk.toString()) as { msg: string }).msg));
      done();
    },
  });
  return { logger: createLogger({ level: 'info' }, sink), messages };
}

describe('a failed decode: registry outage or bad input', () => {
  it('takes an unreachable registry (reported as status 400 with the socket error) for a transient fault', () => {
    const error = decodeFailure(responseError(400, 'Error, status 400: connect ECONNREFUSED 127.0.0.1:8081'));
    assert.equal(error.code, 'SCHEMA_REGISTRY');
    assert.equal(error.retriable, true);
  });

  it('takes a registry answering 5xx for a transient fault', () => {
    assert.equal(decodeFailure(responseError(503, 'Error, status 503')).retriable, true);
  });

  it('takes a 404 for a schema id for transient until the registry has said so for the confirmation time', () => {
    let now = 1_000;
    const unknownIds = new UnknownSchemaIds(60_000, () => now);
    const bytes = Buffer.from([0, 0, 0, 0x7f, 0xf0, 2]);
    const notFound = responseError(404, "No content with ID '32752' was found.");
    const first = decodeFailure(notFound, bytes, unknownIds);
    assert.equal(first.code, 'SCHEMA_REGISTRY');
    assert.equal(first.retriable, true);
    assert.match(first.message, /schema id 32752/);
    now += 59_999;
    assert.equal(decodeFailure(notFound, bytes, unknownIds).retriable, true);
    now += 1;
    const confirmed = decodeFailure(notFound, bytes, unknownIds);
    assert.equal(confirmed.code, 'DECODE_FAILED');
    assert.equal(confirmed.retriable, false);
  });

  it('starts the confirmation again for an id the registry answered for meanwhile', () => {
    let now = 0;
    const unknownIds = new UnknownSchemaIds(10_000, () => now);
    const bytes = Buffer.from([0, 0, 0, 0, 7, 2]);
    const notFound = responseError(404, 'not found');
    assert.equal(decodeFailure(notFound, bytes, unknownIds).retriable, true);
    now = 9_000;
    unknownIds.found(bytes);
    now = 15_000;
    assert.equal(decodeFailure(notFound, bytes, unknownIds).retriable, true, 'a fresh doubt');
  });

  it('takes a schema id the registry does not know (404) for bad input', () => {
    const error = decodeFailure(responseError(404, "No content with ID '32639' was found."));
    assert.equal(error.code, 'DECODE_FAILED');
    assert.equal(error.retriable, false);
    assert.match(error.message, /32639/);
  });

  it('takes bytes that are not in the wire format, or unreadable Avro, for bad input', () => {
    const wrongMagic = Object.assign(
      new Error(
        'Message encoded with magic byte {"type":"Buffer","data":[123]}, expected {"type":"Buffer","data":[0]}',
      ),
      {
        name: 'ConfluentSchemaRegistryArgumentError',
      },
    );
    assert.equal(decodeFailure(wrongMagic).code, 'DECODE_FAILED');
    assert.equal(decodeFailure(new Error('truncated buffer')).code, 'DECODE_FAILED');
  });
});

describe('waiting out a registry outage', () => {
  it('warns once, pauses longer each time up to 2 s, and says when the registry answers again', async () => {
    const { logger, messages } = capturedLogger();
    const pauses: number[] = [];
    const wait = new RegistryWait(logger, (ms) => Promise.resolve(pauses.push(ms)));
    for (let i = 0; i < 6; i += 1) await wait.pause(new Error('down'));
    assert.deepEqual(pauses, [250, 500, 1000, 2000, 2000, 2000]);
    assert.equal(wait.waiting, true);
    wait.answered();
    await wait.pause(new Error('down again'));
    assert.equal(pauses.at(-1), 250);
    assert.deepEqual(messages, [
      'the schema registry does not answer; waiting for it (records wait, nothing is parked or skipped)',
      'the schema registry answers again',
      'the schema registry does not answer; waiting for it (records wait, nothing is parked or skipped)',
    ]);
  });

  it('retries a start-up registration until the registry answers, but not an incompatible schema', async () => {
    const { logger } = capturedLogger();
    let calls = 0;
    const result = await whenRegistryAnswers(() => {
      calls += 1;
      return calls < 3
        ? Promise.reject(new SynclineError('SCHEMA_REGISTRY', 'could not register', true))
        : Promise.resolve('codecs');
    }, logger);
    assert.equal(result, 'codecs');
    assert.equal(calls, 3);
    const incompatible = new SynclineError('SCHEMA_INCOMPATIBLE', 'not BACKWARD compatible');
    await assert.rejects(
      whenRegistryAnswers(() => Promise.reject(incompatible), logger),
      incompatible,
    );
  });
});
