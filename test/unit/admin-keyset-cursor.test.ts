/**
 * The admin API's keyset cursors: a cursor gives back the sort key it was made from, and a cursor
 * that is not ours, was tampered with, or was made under other filters is refused by name.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminError } from '../../streams/admin/admin-errors.ts';
import { decodeCursor, encodeCursor, filtersFingerprint } from '../../streams/admin/keyset-cursor.ts';

const shape = ['string', 'number', 'string'] as const;
const refused = (code: string) => (error: unknown) =>
  error instanceof AdminError && error.code === code && error.statusCode === 400;

describe('keyset cursor', () => {
  it('gives back the exact sort key it was made from', () => {
    const fp = filtersFingerprint({ channel: 'webshop', status: ['PARKED'] });
    const position = ['2026-12-03T17:00:00.123456Z', 3, '18446744073709551615'];
    const cursor = encodeCursor(position, fp);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/, 'URL-safe without escaping');
    assert.deepEqual(decodeCursor(cursor, fp, shape), position);
  });

  it('fingerprints filters regardless of key order and of absent values', () => {
    assert.equal(
      filtersFingerprint({ channel: 'a', key: 'SKU-1', status: undefined }),
      filtersFingerprint({ key: 'SKU-1', channel: 'a' }),
    );
    assert.notEqual(filtersFingerprint({ channel: 'a' }), filtersFingerprint({ channel: 'b' }));
    assert.notEqual(
      filtersFingerprint({ status: ['PARKED'] }),
      filtersFingerprint({ status: ['DELIVERED'] }),
    );
  });

  it('refuses a cursor made under other filters as CURSOR_MISMATCH', () => {
    const cursor = encodeCursor(
      ['2026-12-03T17:00:00.000000Z', 0, '1'],
      filtersFingerprint({ channel: 'a' }),
    );
    assert.throws(
      () => decodeCursor(cursor, filtersFingerprint({ channel: 'b' }), shape),
      refused('CURSOR_MISMATCH'),
    );
  });

  it('refuses what is not a cursor of ours as CURSOR_INVALID', () => {
    const fp = filtersFingerprint({});
    for (const bad of [
      'not a cursor!',
      Buffer.from('{"a":1}').toString('base64url'),
      Buffer.from(JSON.stringify([2, fp, 'x', 1, '2'])).toString('base64url'),
      Buffer.from(JSON.stringify([1, fp, 'x', '1', '2'])).toString('base64url'),
      Buffer.from(JSON.stringify([1, fp, 'x', 1])).toString('base64url'),
    ]) {
      assert.throws(() => decodeCursor(bad, fp, shape), refused('CURSOR_INVALID'), bad);
    }
  });
});
