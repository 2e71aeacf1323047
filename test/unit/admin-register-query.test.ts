/**
 * The register search's filters as SQL: every value a parameter (never SQL text), each filter one
 * condition, the keyset cursor continuing strictly after the last row, and counts per key taking
 * each key's latest entry before the status filter.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AdminError } from '../../streams/admin/admin-errors.ts';
import { problemCursorAfter, problemGroups, problemPage } from '../../streams/admin/open-problems.ts';
import {
  registerConditions,
  registerCounts,
  registerCursorAfter,
  registerSearch,
} from '../../streams/admin/register-query.ts';

const squash = (sql: string) => sql.replace(/\s+/g, ' ').trim();

describe('register search as SQL', () => {
  it('has no condition without filters', () => {
    const where = registerConditions({});
    assert.equal(where.where(), '');
    assert.deepEqual(where.values, []);
  });

  it('turns each filter into one condition with its value as a parameter', () => {
    const where = registerConditions({
      channel: 'webshop',
      key: "SKU-1'; DROP TABLE sync_register; --",
      status: ['PARKED', 'FAILED_WILL_RETRY'],
      errorCode: 'REJECTED',
      from: '2026-12-01T00:00:00Z',
      to: '2026-12-02T00:00:00Z',
      scope: 'RECORD',
    });
    assert.equal(
      where.where(),
      'WHERE r.channel = $1 AND r.key = $2 AND r.status = ANY($3::text[]) AND r.error_code = $4 AND r.recorded_at >= $5::timestamptz AND r.recorded_at < $6::timestamptz AND r.scope = $7',
    );
    assert.deepEqual(where.values, [
      'webshop',
      "SKU-1'; DROP TABLE sync_register; --",
      ['PARKED', 'FAILED_WILL_RETRY'],
      'REJECTED',
      '2026-12-01T00:00:00Z',
      '2026-12-02T00:00:00Z',
      'RECORD',
    ]);
  });

  it('refuses a time range that ends before it starts, naming both ends', () => {
    assert.throws(
      () => registerConditions({ from: '2026-12-02T00:00:00Z', to: '2026-12-01T00:00:00Z' }),
      (error: unknown) =>
        error instanceof AdminError &&
        error.code === 'RANGE_INVALID' &&
        /2026-12-02T00:00:00Z.*2026-12-01T00:00:00Z/.test(error.message),
    );
  });

  it('asks one row more than the page, newest first with a unique tie-break', () => {
    const query = registerSearch({ channel: 'webshop' }, 50);
    assert.match(
      squash(query.text),
      /ORDER BY r\.recorded_at DESC, r\.register_partition DESC, r\.register_offset DESC LIMIT 51$/,
    );
    assert.deepEqual(query.values, ['webshop']);
  });

  it('continues strictly after the last row of the previous page', () => {
    const filters = { channel: 'webshop', status: ['PARKED'] };
    const cursor = registerCursorAfter(filters, {
      recorded_at_exact: '2026-12-03T17:00:00.123456Z',
      register_partition: 2,
      register_offset: '981',
    });
    const query = registerSearch(filters, 10, cursor);
    assert.match(
      squash(query.text),
      /AND \(r\.recorded_at, r\.register_partition, r\.register_offset\) < \(\$3::timestamptz, \$4::integer, \$5::bigint\)/,
    );
    assert.deepEqual(query.values, ['webshop', ['PARKED'], '2026-12-03T17:00:00.123456Z', 2, '981']);
  });

  it('refuses the cursor of one search in another', () => {
    const cursor = registerCursorAfter(
      { channel: 'webshop' },
      { recorded_at_exact: '2026-12-03T17:00:00.000000Z', register_partition: 0, register_offset: '1' },
    );
    assert.throws(
      () => registerSearch({ channel: 'marketplace' }, 10, cursor),
      (error: unknown) => error instanceof AdminError && error.code === 'CURSOR_MISMATCH',
    );
  });

  it('counts entries per channel and status', () => {
    const query = registerCounts({ from: '2026-12-01T00:00:00Z' }, 'entry');
    assert.match(
      squash(query.text),
      /WHERE r\.recorded_at >= \$1::timestamptz GROUP BY r\.channel, r\.status/,
    );
    assert.deepEqual(query.values, ['2026-12-01T00:00:00Z']);
  });

  it("counts keys under their latest entry's status, filtering by status after picking it", () => {
    const query = registerCounts({ channel: 'webshop', status: ['PARKED'] }, 'key');
    const text = squash(query.text);
    assert.match(
      text,
      /SELECT DISTINCT ON \(r\.channel, r\.key\) .* WHERE r\.channel = \$1 AND r\.scope = \$2 ORDER BY/,
    );
    assert.match(text, /\) latest WHERE latest\.status = ANY\(\$3::text\[\]\) GROUP BY/);
    assert.deepEqual(query.values, ['webshop', 'RECORD', ['PARKED']]);
  });
});

describe('open problems as SQL', () => {
  it('filters the dead letters before taking the latest per stage, channel and key', () => {
    const query = problemGroups({ channel: 'marketplace', code: 'MISSING_REQUIRED_FIELDS', state: 'open' });
    const text = squash(query.text);
    assert.match(text, /FROM dead_letter d WHERE d\.channel = \$1 AND d\.code = \$2 ORDER BY d\.stage/);
    assert.match(text, /WHERE closing\.recorded_at IS NULL/);
    assert.deepEqual(query.values, ['marketplace', 'MISSING_REQUIRED_FIELDS']);
  });

  it('lists every problem, open or closed, with state all', () => {
    assert.doesNotMatch(squash(problemGroups({ state: 'all' }).text), /closing\.recorded_at IS (NOT )?NULL/);
    assert.match(squash(problemGroups({ state: 'closed' }).text), /WHERE closing\.recorded_at IS NOT NULL/);
  });

  it('pages problems by a keyset on when and where they were parked', () => {
    const filters = { stage: 'sink', state: 'open' } as const;
    const cursor = problemCursorAfter(filters, {
      parked_at_exact: '2026-12-03T17:00:00.000000Z',
      dlq_topic: 'channel.webshop.dlq.v1',
      dlq_partition: 1,
      dlq_offset: '7',
    });
    const query = problemPage(filters, 20, cursor);
    assert.match(
      squash(query.text),
      /WHERE \(parked_at, dlq_topic, dlq_partition, dlq_offset\) < \(\$2::timestamptz, \$3::text, \$4::integer, \$5::bigint\) ORDER BY parked_at DESC, dlq_topic DESC, dlq_partition DESC, dlq_offset DESC LIMIT 21$/,
    );
    assert.deepEqual(query.values, ['sink', '2026-12-03T17:00:00.000000Z', 'channel.webshop.dlq.v1', 1, '7']);
  });
});
