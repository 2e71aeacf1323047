/**
 * The ingest processor as a pure function: one CDC record in, canonical records, a park decision
 * or "ignore" out. No I/O, no Kafka: the engine decodes nothing for it (it reads the raw key and
 * value), writes the records to `canonicalTopics[record.entity]` with the lineage as headers, and
 * parks with the reason.
 *
 * Per Debezium op:
 *  - `r` (snapshot read), `c` (insert): the canonical record of `after`.
 *  - `u` (update): the record of `after`; when the row's canonical key changed (a SKU, warehouse
 *    or price list column updated, possible when they are not the table's primary key, else
 *    Debezium itself emits a delete and an insert), first a tombstone for the old key.
 *  - `d` (delete): a tombstone for the key read from `before`, or from the CDC key when `before`
 *    lacks it.
 *  - the null-value record Debezium writes after each delete: ignored. It exists only so that log
 *    compaction can drop the CDC key; the `d` event before it already produced the canonical
 *    tombstone, and a second one would be a duplicate on the canonical topic.
 *  - `t` (truncate): parked; a truncate names no rows, so the canonical records cannot be
 *    deleted one by one from here. The operator resyncs the source.
 *  - `m` (logical decoding message), heartbeats, transaction metadata, unmapped tables: ignored.
 */
import type { CanonicalEntity, CanonicalRecord, Lineage, ParkReason } from '../../contracts/canonical.ts';
import {
  readCdcRecord,
  type CdcPayload,
  type CdcRead,
  type ChangeEvent,
  type RowOp,
} from './debezium-envelope.ts';
import {
  keyOfValue,
  mapRow,
  readIdentity,
  type CanonicalValue,
  type FieldProblem,
  type Identity,
} from './map-row.ts';
import { entityNotOwned, identityNotOwned } from './ownership.ts';
import { parkReason, type IngestParkCode, type RecordRef } from './park-reasons.ts';
import { routeTopic } from './route-topic.ts';
import type { IngestConfig, SourceConfig, TableMapping } from './source-config.ts';
import { lineagePosition } from './source-position.ts';

/**
 * What to do with one CDC record. A `park` may still carry records to write: when an update moves
 * a row to a new key and the new row is parked, the old key's tombstone is still true and must be
 * written, or the canonical topic would keep a row the ERP no longer has.
 */
export type IngestOutcome =
  | { readonly kind: 'records'; readonly records: readonly CanonicalRecord[] }
  | { readonly kind: 'park'; readonly reason: ParkReason; readonly records: readonly CanonicalRecord[] }
  | { readonly kind: 'ignore'; readonly why: string };

const ignore = (why: string): IngestOutcome => ({ kind: 'ignore', why });

function park(
  code: IngestParkCode,
  ref: RecordRef,
  problem: string,
  sku?: string | null,
  records: readonly CanonicalRecord[] = [],
): IngestOutcome {
  return { kind: 'park', reason: parkReason(code, ref, problem, sku), records };
}

function parkProblems(
  entity: CanonicalEntity,
  ref: RecordRef,
  problems: readonly FieldProblem[],
  sku: string | null,
  records: readonly CanonicalRecord[] = [],
  hint = '',
): IngestOutcome {
  const code = problems[0]?.code ?? 'MISSING_FIELD';
  const what = sku === null ? `the ${entity} row` : `the ${entity} row of SKU ${sku}`;
  const sentence = `${what} cannot be mapped: ${problems.map((p) => p.sentence).join('; ')}${hint}`;
  return park(code, ref, sentence, sku, records);
}

/** `<schema>.<table>` for PostgreSQL (and SQL Server, Oracle), `<db>.<table>` for MariaDB/MySQL. */
function erpTableOf(event: ChangeEvent): string {
  const info = event.source;
  const schema = 'schema' in info && info.schema !== null && info.schema !== '' ? info.schema : info.db;
  return `${schema}.${info.table}`;
}

function lineageOf(source: SourceConfig, event: ChangeEvent, op: RowOp): Lineage {
  const info = event.source;
  const txId =
    ('txId' in info ? info.txId : null) ?? ('gtid' in info ? info.gtid : null) ?? event.transactionId;
  return {
    source: source.id,
    table: erpTableOf(event),
    position: lineagePosition(info),
    txId,
    commitTimeMs: info.tsMs,
    op,
  };
}

function recordOf(mapped: CanonicalValue, lineage: Lineage): CanonicalRecord {
  const key = keyOfValue(mapped);
  switch (mapped.entity) {
    case 'product':
      return { entity: 'product', key, value: mapped.value, lineage };
    case 'stock':
      return { entity: 'stock', key, value: mapped.value, lineage };
    case 'price':
      return { entity: 'price', key, value: mapped.value, lineage };
  }
}

function tombstoneOf(entity: CanonicalEntity, identity: Identity, lineage: Lineage): CanonicalRecord {
  switch (entity) {
    case 'product':
      return { entity: 'product', key: identity.key, value: null, lineage };
    case 'stock':
      return { entity: 'stock', key: identity.key, value: null, lineage };
    case 'price':
      return { entity: 'price', key: identity.key, value: null, lineage };
  }
}

/** The row a delete is identified by: `before`'s non-null columns over the CDC key's. */
function deletedRow(event: ChangeEvent): Record<string, unknown> {
  const row: Record<string, unknown> = { ...(event.key ?? {}) };
  for (const [column, value] of Object.entries(event.before ?? {})) {
    if (value !== null && value !== undefined) row[column] = value;
  }
  return row;
}

function ingestDelete(
  source: SourceConfig,
  mapping: TableMapping,
  ref: RecordRef,
  event: ChangeEvent,
): IngestOutcome {
  const identity = readIdentity(mapping, deletedRow(event));
  if (!identity.ok) {
    const hint =
      '. A delete carries the whole old row only with REPLICA IDENTITY FULL (PostgreSQL) or binlog_row_image=FULL (MariaDB); without it only the primary key columns, so map the canonical key to them';
    return parkProblems(mapping.entity, ref, identity.problems, null, [], hint);
  }
  const notOwned = identityNotOwned(source, identity.value);
  if (notOwned !== null) return park('NOT_OWNED', ref, notOwned, identity.value.sku);
  return {
    kind: 'records',
    records: [tombstoneOf(mapping.entity, identity.value, lineageOf(source, event, 'd'))],
  };
}

function ingestUpsert(
  source: SourceConfig,
  mapping: TableMapping,
  ref: RecordRef,
  event: ChangeEvent & { op: 'c' | 'r' | 'u' },
): IngestOutcome {
  const after = event.after ?? {};
  const lineage = lineageOf(source, event, event.op);
  const identity = readIdentity(mapping, after);
  const records: CanonicalRecord[] = [];

  if (event.op === 'u' && event.before !== null && identity.ok) {
    const old = readIdentity(mapping, event.before);
    // The old key's row is gone from the ERP; a key the source does not own was never written.
    if (old.ok && old.value.key !== identity.value.key && identityNotOwned(source, old.value) === null) {
      records.push(tombstoneOf(mapping.entity, old.value, lineage));
    }
  }

  if (identity.ok) {
    const notOwned = identityNotOwned(source, identity.value);
    if (notOwned !== null) return park('NOT_OWNED', ref, notOwned, identity.value.sku, records);
  }
  const mapped = mapRow(mapping, after);
  if (!mapped.ok)
    return parkProblems(
      mapping.entity,
      ref,
      mapped.problems,
      identity.ok ? identity.value.sku : null,
      records,
    );
  records.push(recordOf(mapped.value, lineage));
  return { kind: 'records', records };
}

function ingestChange(
  source: SourceConfig,
  mapping: TableMapping,
  ref: RecordRef,
  event: ChangeEvent,
): IngestOutcome {
  const { op } = event;
  if (op === 'm') return ignore('a logical decoding message (op "m")');
  if (op === 't') {
    return park(
      'TABLE_TRUNCATED',
      ref,
      `table ${erpTableOf(event)} of source ${source.id} was truncated; its canonical ${mapping.entity} records were not deleted, so resync source ${source.id}`,
    );
  }
  const notOwned = entityNotOwned(source, mapping.entity);
  if (notOwned !== null) {
    const identity = readIdentity(mapping, event.after ?? deletedRow(event));
    return park('NOT_OWNED', ref, notOwned, identity.ok ? identity.value.sku : null);
  }
  if (op === 'd') return ingestDelete(source, mapping, ref, event);
  return ingestUpsert(source, mapping, ref, { ...event, op });
}

/** The ingest of a CDC record already read by `readCdcRecord` (the engine reads it once for `decideReplay`). */
export function ingestRead(config: IngestConfig, topic: string, read: CdcRead): IngestOutcome {
  const route = routeTopic(config, topic);
  if (!route.mapped) return ignore(route.why);
  switch (read.kind) {
    case 'tombstone':
      return ignore(
        'a Debezium tombstone: the delete event before it already produced the canonical tombstone',
      );
    case 'not-a-change':
      return ignore(read.why);
    case 'malformed':
      return park('MALFORMED_CDC', { topic, keyText: read.keyText }, read.problem);
    case 'change':
      return ingestChange(route.source, route.mapping, { topic, keyText: read.event.keyText }, read.event);
  }
}

/**
 * One CDC record of `topic` to its outcome. `key` and `value` as they came from Kafka (bytes or
 * text; JSON already parsed is accepted too); a null value is Debezium's tombstone.
 */
export function ingestEvent(
  config: IngestConfig,
  topic: string,
  key: CdcPayload,
  value: CdcPayload,
): IngestOutcome {
  return ingestRead(config, topic, readCdcRecord(key, value));
}
