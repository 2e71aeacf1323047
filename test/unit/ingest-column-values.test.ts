import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  toAmount,
  toAttributes,
  toBoolean,
  toCode,
  toCurrency,
  toEpochMs,
  toInteger,
  toText,
} from '../../streams/processors/ingest/column-values.ts';

const value = <T>(coerced: { ok: true; value: T } | { ok: false; expected: string }): T | 'refused' =>
  coerced.ok ? coerced.value : 'refused';

describe('column values', () => {
  it('codes: text trimmed (char(n) padding), integers as text, blank as null', () => {
    assert.equal(value(toCode('SKU-1')), 'SKU-1');
    assert.equal(value(toCode('WH1   ')), 'WH1');
    assert.equal(value(toCode(10023)), '10023');
    assert.equal(value(toCode('  ')), null);
    assert.equal(value(toCode(1.5)), 'refused');
    assert.equal(value(toCode(true)), 'refused');
    assert.equal(value(toCode('A\u001fB')), 'refused');
  });

  it('text: kept as it is', () => {
    assert.equal(value(toText('  Bolt M6 ')), '  Bolt M6 ');
    assert.equal(value(toText(42)), '42');
    assert.equal(value(toText({})), 'refused');
  });

  it('integers: numbers and numeric text without a fraction', () => {
    assert.equal(value(toInteger(42)), 42);
    assert.equal(value(toInteger(-3)), -3);
    assert.equal(value(toInteger('17')), 17);
    assert.equal(value(toInteger('17.000')), 17);
    assert.equal(value(toInteger('abc')), 'refused');
    assert.equal(value(toInteger('2.5')), 'refused');
    assert.equal(value(toInteger(2.5)), 'refused');
    assert.equal(value(toInteger('')), 'refused');
    assert.equal(value(toInteger(2 ** 60)), 'refused');
  });

  it('amounts: non-negative decimal text, exact and with its scale', () => {
    assert.equal(value(toAmount('19.90')), '19.90');
    assert.equal(value(toAmount('0.0000')), '0.0000');
    assert.equal(value(toAmount('+5')), '5');
    assert.equal(value(toAmount(12)), '12');
    assert.equal(value(toAmount('12345678901234567890.12')), '12345678901234567890.12');
    assert.equal(value(toAmount('-1.00')), 'refused');
    assert.equal(value(toAmount(19.9)), 'refused');
    assert.equal(value(toAmount('1e3')), 'refused');
    assert.equal(value(toAmount('19,90')), 'refused');
  });

  it('currencies: three letters, upper-cased', () => {
    assert.equal(value(toCurrency('EUR')), 'EUR');
    assert.equal(value(toCurrency('pln ')), 'PLN');
    assert.equal(value(toCurrency('EURO')), 'refused');
    assert.equal(value(toCurrency(978)), 'refused');
  });

  it('booleans: PostgreSQL true/false, MariaDB 0/1, Y/N flags', () => {
    assert.deepEqual(
      [true, false, 1, 0, 't', 'f', 'Y', 'n', 'yes', 'FALSE', '1'].map((raw) => value(toBoolean(raw))),
      [true, false, true, false, true, false, true, false, true, false, true],
    );
    assert.equal(value(toBoolean(2)), 'refused');
    assert.equal(value(toBoolean('maybe')), 'refused');
  });

  it('timestamps: ZonedTimestamp text, MicroTimestamp, Timestamp and NanoTimestamp numbers', () => {
    const at = Date.UTC(2026, 0, 1, 12, 30, 45, 123);
    assert.equal(value(toEpochMs('2026-01-01T12:30:45.123456Z')), at);
    assert.equal(value(toEpochMs('2026-01-01T14:30:45.123+02:00')), at);
    assert.equal(value(toEpochMs('2026-01-01T14:30:45.123+0200')), at);
    assert.equal(value(toEpochMs('2026-01-01 12:30:45.123')), at);
    assert.equal(value(toEpochMs('2026-01-01')), Date.UTC(2026, 0, 1));
    assert.equal(value(toEpochMs(at)), at);
    assert.equal(value(toEpochMs(at * 1000 + 456)), at);
    assert.equal(value(toEpochMs(at * 1_000_000 + 456_789)), at);
    assert.equal(value(toEpochMs(String(at * 1000))), at);
    assert.equal(value(toEpochMs('yesterday')), 'refused');
    assert.equal(value(toEpochMs('2026-13-45T00:00:00Z')), 'refused');
    assert.equal(value(toEpochMs(true)), 'refused');
  });

  it('attributes: JSON text or object to a map of text, nulls left out', () => {
    assert.deepEqual(value(toAttributes('{"size":"M","weight":180,"eco":true,"tags":["a"],"gone":null}')), {
      size: 'M',
      weight: '180',
      eco: 'true',
      tags: '["a"]',
    });
    assert.deepEqual(value(toAttributes({ size: 'L' })), { size: 'L' });
    assert.deepEqual(value(toAttributes('{}')), {});
    assert.equal(value(toAttributes('{bad')), 'refused');
    assert.equal(value(toAttributes('[1]')), 'refused');
    assert.equal(value(toAttributes('"text"')), 'refused');
  });
});
