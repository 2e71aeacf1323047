/**
 * Reads one record of a CDC topic as Debezium writes it with the JsonConverter, schemas disabled:
 * key = JSON of the table's primary key columns; value = the change event envelope
 * `{before, after, source, op, ts_ms, transaction?}`, or null, the tombstone Debezium writes after
 * a delete so that compaction can drop the key (Debezium docs, "tombstone events").
 *
 * It checks the shape the ingest relies on and nothing else: the rows are checked column by column
 * when they are mapped. The `source` block is kept per connector family, because what orders
 * events differs: an LSN for PostgreSQL, binlog coordinates and GTID for MariaDB/MySQL.
 */

export type DebeziumOp = 'c' | 'r' | 'u' | 'd' | 't' | 'm';
export type RowOp = 'c' | 'r' | 'u' | 'd';
export type Row = Readonly<Record<string, unknown>>;

interface SourceCommon {
  readonly db: string;
  readonly table: string;
  /** Commit time in the database (snapshot reads: the read time), epoch milliseconds. */
  readonly tsMs: number;
  /** Debezium's `snapshot` marker as text ("true", "last", "incremental", ...), null when streaming. */
  readonly snapshot: string | null;
}

export interface PostgresSource extends SourceCommon {
  readonly connector: 'postgresql';
  readonly schema: string;
  /** The change's WAL position as exact decimal text (Debezium writes a 64-bit number). */
  readonly lsn: string;
  readonly txId: string | null;
}

export interface BinlogSource extends SourceCommon {
  readonly connector: 'mariadb' | 'mysql';
  readonly file: string;
  readonly pos: number;
  /** The row's index within a multi-row binlog event. */
  readonly row: number;
  /** MariaDB `domain-server-seq` or MySQL `uuid:seq`; null when GTIDs are off or in a snapshot. */
  readonly gtid: string | null;
}

/** SQL Server, Oracle and others: lineage only; their events are never judged replays. */
export interface OtherSource extends SourceCommon {
  readonly connector: string;
  readonly schema: string | null;
  readonly position: string | null;
  readonly txId: string | null;
}

export type SourceInfo = PostgresSource | BinlogSource | OtherSource;

export interface ChangeEvent {
  readonly op: DebeziumOp;
  readonly before: Row | null;
  readonly after: Row | null;
  readonly source: SourceInfo;
  /** The Kafka key's columns, null for a table without a primary key. */
  readonly key: Row | null;
  /** The Kafka key as it came, for messages. */
  readonly keyText: string | null;
  /** `transaction.id` when the connector provides transaction metadata. */
  readonly transactionId: string | null;
}

export type CdcRead =
  | { readonly kind: 'change'; readonly event: ChangeEvent }
  | { readonly kind: 'tombstone'; readonly keyText: string | null }
  | { readonly kind: 'not-a-change'; readonly why: string }
  | { readonly kind: 'malformed'; readonly problem: string; readonly keyText: string | null };

/** What a CDC record's key or value may be handed over as: bytes, text, or JSON already parsed. */
export type CdcPayload = Uint8Array | string | Readonly<Record<string, unknown>> | null | undefined;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const ops = new Set<string>(['c', 'r', 'u', 'd', 't', 'm']);

type Parsed =
  { ok: true; value: unknown; text: string | null } | { ok: false; problem: string; text: string | null };

function parseJson(payload: CdcPayload, what: string): Parsed {
  if (payload === null || payload === undefined) return { ok: true, value: null, text: null };
  let text: string;
  if (payload instanceof Uint8Array) {
    try {
      text = utf8.decode(payload);
    } catch {
      return { ok: false, problem: `the ${what} is not UTF-8 text`, text: null };
    }
  } else if (typeof payload === 'string') {
    text = payload;
  } else {
    return { ok: true, value: payload, text: JSON.stringify(payload) };
  }
  try {
    return { ok: true, value: JSON.parse(text), text };
  } catch (error) {
    return { ok: false, problem: `the ${what} is not JSON (${(error as Error).message})`, text };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `{schema, payload}` is what the JsonConverter writes with schemas enabled: read the payload. */
function unwrapSchema(value: unknown): unknown {
  return isObject(value) && 'payload' in value && 'schema' in value ? value.payload : value;
}

const textOf = (value: unknown): string | null =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;

/** The last element of Debezium's `sequence` (["lastCommitLsn","lsn"]), exact where `lsn` may not be. */
function exactLsn(source: Record<string, unknown>): string | null {
  if (typeof source.sequence === 'string') {
    try {
      const sequence: unknown = JSON.parse(source.sequence);
      const last = Array.isArray(sequence) ? textOf(sequence[sequence.length - 1]) : null;
      if (last !== null && /^\d+$/.test(last)) return last;
    } catch {
      // fall back to the number
    }
  }
  return typeof source.lsn === 'number' && Number.isSafeInteger(source.lsn) && source.lsn >= 0
    ? String(source.lsn)
    : null;
}

function readSource(raw: unknown): SourceInfo | string {
  if (!isObject(raw)) return 'it has no "source" block';
  const connector = raw.connector;
  const table = raw.table;
  const tsMs = raw.ts_ms;
  if (typeof connector !== 'string') return 'source.connector is missing';
  if (typeof table !== 'string' || table === '') return 'source.table is missing';
  if (typeof tsMs !== 'number' || !Number.isFinite(tsMs)) return 'source.ts_ms is missing';
  const common: SourceCommon = {
    db: typeof raw.db === 'string' ? raw.db : '',
    table,
    tsMs,
    // Text since Debezium 1.x ("true", "last", "incremental"); a boolean before.
    snapshot:
      typeof raw.snapshot === 'string' || typeof raw.snapshot === 'boolean' ? String(raw.snapshot) : null,
  };
  if (connector === 'postgresql') {
    const lsn = exactLsn(raw);
    if (lsn === null) return 'source.lsn is missing or not a non-negative integer';
    if (typeof raw.schema !== 'string') return 'source.schema is missing';
    return { ...common, connector, schema: raw.schema, lsn, txId: textOf(raw.txId) };
  }
  if (connector === 'mariadb' || connector === 'mysql') {
    const { file, pos, row } = raw;
    if (typeof file !== 'string' || file === '') return 'source.file is missing';
    if (typeof pos !== 'number' || !Number.isSafeInteger(pos)) return 'source.pos is missing';
    const gtid = typeof raw.gtid === 'string' && raw.gtid !== '' ? raw.gtid : null;
    return { ...common, connector, file, pos, row: typeof row === 'number' ? row : 0, gtid };
  }
  const position = textOf(raw.commit_lsn) ?? textOf(raw.change_lsn) ?? textOf(raw.scn) ?? textOf(raw.lsn);
  const schema = typeof raw.schema === 'string' ? raw.schema : null;
  return { ...common, connector, schema, position, txId: textOf(raw.txId) };
}

function readRow(raw: unknown, name: string): Row | null | string {
  if (raw === null || raw === undefined) return null;
  return isObject(raw) ? raw : `"${name}" is not an object`;
}

/**
 * Reads a CDC record. Never throws: what cannot be read comes back `malformed` with a sentence
 * saying what is wrong, for the park reason.
 */
export function readCdcRecord(key: CdcPayload, value: CdcPayload): CdcRead {
  const parsedKey = parseJson(key, 'key');
  const keyText = parsedKey.text;
  if (value === null || value === undefined) return { kind: 'tombstone', keyText };
  if (!parsedKey.ok) return { kind: 'malformed', problem: parsedKey.problem, keyText };
  const keyRow = unwrapSchema(parsedKey.value);
  if (keyRow !== null && !isObject(keyRow)) {
    return { kind: 'malformed', problem: 'the key is not a JSON object of primary key columns', keyText };
  }

  const parsed = parseJson(value, 'value');
  if (!parsed.ok) return { kind: 'malformed', problem: parsed.problem, keyText };
  const envelope = unwrapSchema(parsed.value);
  if (!isObject(envelope)) {
    return {
      kind: 'malformed',
      problem: 'the value is not a Debezium change event (not a JSON object)',
      keyText,
    };
  }
  if (envelope.op === undefined) {
    // Debezium's other record kinds; they land here only when a table topic is misrouted.
    if (envelope.status === 'BEGIN' || envelope.status === 'END') {
      return { kind: 'not-a-change', why: 'a transaction metadata event (BEGIN/END)' };
    }
    if (Object.keys(envelope).length === 1 && typeof envelope.ts_ms === 'number') {
      return { kind: 'not-a-change', why: 'a Debezium heartbeat' };
    }
    if ('ddl' in envelope || 'tableChanges' in envelope) {
      return { kind: 'not-a-change', why: 'a schema change event' };
    }
    return {
      kind: 'malformed',
      problem: 'the value is not a Debezium change event (no "op" field)',
      keyText,
    };
  }
  if (typeof envelope.op !== 'string' || !ops.has(envelope.op)) {
    return {
      kind: 'malformed',
      problem: `the value has an unknown op ${JSON.stringify(envelope.op)}`,
      keyText,
    };
  }
  const op = envelope.op as DebeziumOp;
  // A logical decoding message (PostgreSQL pg_logical_emit_message) is no row of any table.
  if (op === 'm') return { kind: 'not-a-change', why: 'a logical decoding message (op "m")' };
  const source = readSource(envelope.source);
  if (typeof source === 'string') return { kind: 'malformed', problem: `the value's ${source}`, keyText };
  const before = readRow(envelope.before, 'before');
  const after = readRow(envelope.after, 'after');
  if (typeof before === 'string') return { kind: 'malformed', problem: `the value's ${before}`, keyText };
  if (typeof after === 'string') return { kind: 'malformed', problem: `the value's ${after}`, keyText };
  if ((op === 'c' || op === 'r' || op === 'u') && after === null) {
    return { kind: 'malformed', problem: `the value is an op "${op}" event without "after"`, keyText };
  }
  const transaction = envelope.transaction;
  const transactionId = isObject(transaction) ? textOf(transaction.id) : null;
  return {
    kind: 'change',
    event: { op, before, after, source, key: keyRow, keyText, transactionId },
  };
}
