/**
 * The ingest's park codes and the sentence an operator reads (ARCHITECTURE invariant 3). Every
 * sentence names the record (topic and CDC key) and says what is wrong and, where it helps, what
 * to change.
 */
import type { ParkReason } from '../../contracts/canonical.ts';

export type IngestParkCode =
  /** Not JSON, not a Debezium envelope, or an envelope without what every event carries. */
  | 'MALFORMED_CDC'
  /** A required canonical field has no value: its column is null or absent and nothing else fills it. */
  | 'MISSING_FIELD'
  /** A column holds a value the field cannot take ("abc" as stock, a negative price, bad JSON). */
  | 'SCHEMA_VIOLATION'
  /** The source is not the truth for this entity, warehouse or price list (ARCHITECTURE decision). */
  | 'NOT_OWNED'
  /** The table was truncated: its canonical records were not deleted; the source needs a resync. */
  | 'TABLE_TRUNCATED';

export interface RecordRef {
  readonly topic: string;
  readonly keyText: string | null;
}

export function parkReason(
  code: IngestParkCode,
  record: RecordRef,
  problem: string,
  sku?: string | null,
): ParkReason {
  const message = `${record.topic} key ${record.keyText ?? '(none)'}: ${problem}`;
  return sku === null || sku === undefined ? { code, message } : { code, message, sku };
}
