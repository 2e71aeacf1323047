/**
 * Rows as tab-separated text, the bulk format both databases read fastest: PostgreSQL's COPY text
 * format and MariaDB's LOAD DATA defaults agree on it (tab between fields, newline between rows,
 * backslash escapes, `\N` for NULL). Only booleans and timestamps are spelled differently.
 */
import type { FieldValue } from './rows.ts';

export type Dialect = 'postgres' | 'mariadb';

/** Columns that hold a Timestamp (epoch ms) and must be written as a date-time. */
const timestampColumns = new Set(['created_at', 'updated_at', 'ordered_at']);

const escapes: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const needsEscape = /[\\\t\n\r]/;

function text(value: string): string {
  return needsEscape.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => escapes[c] ?? c) : value;
}

/** PostgreSQL takes ISO 8601 with a zone; MariaDB's datetime(6) wants `YYYY-MM-DD hh:mm:ss.ffffff` (UTC here). */
function timestamp(ms: number, dialect: Dialect): string {
  // Rows of one product share timestamps (its prices carry its updated_at): formatting is a third
  // of the client's work on a load, so the last one is kept.
  if (ms === last.ms && dialect === last.dialect) return last.text;
  const iso = new Date(ms).toISOString();
  const text = dialect === 'postgres' ? iso : `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  last = { ms, dialect, text };
  return text;
}

let last = { ms: NaN, dialect: 'postgres' as Dialect, text: '' };

function field(column: string, value: FieldValue, dialect: Dialect): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return dialect === 'postgres' ? (value ? 't' : 'f') : value ? '1' : '0';
  if (typeof value === 'number')
    return timestampColumns.has(column) ? timestamp(value, dialect) : String(value);
  if (typeof value === 'string') return text(value);
  return text(JSON.stringify(value));
}

/** The rows' given columns as TSV, one line per row, each line ending in a newline. */
export function toTsv(rows: readonly object[], columns: readonly string[], dialect: Dialect): string {
  let out = '';
  for (const row of rows as readonly Record<string, FieldValue>[]) {
    let line = '';
    for (let i = 0; i < columns.length; i++) {
      const column = columns[i] ?? '';
      if (i > 0) line += '\t';
      line += field(column, row[column] ?? null, dialect);
    }
    out += line + '\n';
  }
  return out;
}
