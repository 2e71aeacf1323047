/**
 * Coercion of one column value, as Debezium's JsonConverter (schemas disabled) writes it, to a
 * canonical field's kind. The connectors run with `decimal.handling.mode=string`, so numerics
 * arrive as text; the rest follows Debezium's default type mappings:
 *  - PostgreSQL timestamptz: io.debezium.time.ZonedTimestamp, ISO-8601 text;
 *    timestamp: MicroTimestamp, epoch microseconds;
 *  - MariaDB datetime(6): MicroTimestamp, epoch microseconds; datetime(0..3): Timestamp, epoch
 *    milliseconds; timestamp: ZonedTimestamp text;
 *  - PostgreSQL jsonb and MariaDB JSON: io.debezium.data.Json, JSON as text;
 *  - PostgreSQL boolean: true/false; MariaDB boolean is tinyint(1): 0/1 (true/false with the
 *    TinyIntOneToBooleanConverter); many ERPs keep flags as 'Y'/'N' text.
 * A value that cannot be read as the kind is refused with what was expected, never guessed at.
 */
import type { FieldKind, KindValue } from './canonical-fields.ts';

export type Coerced<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly expected: string };

const ok = <T>(value: T): Coerced<T> => ({ ok: true, value });
const refuse = <T>(expected: string): Coerced<T> => ({ ok: false, expected });

const unitSeparator = '\u001f';

/**
 * An identifier. Null when blank: char(n) columns come padded and an empty code is no code.
 * Integers are accepted (ERPs with numeric item numbers); U+001F is refused because canonical keys
 * join their parts with it.
 */
export function toCode(raw: unknown): Coerced<string | null> {
  let text: string;
  if (typeof raw === 'string') text = raw.trim();
  else if (typeof raw === 'number' && Number.isSafeInteger(raw)) text = String(raw);
  else return refuse('an identifier (text or an integer)');
  if (text.includes(unitSeparator)) return refuse('an identifier without the U+001F character');
  return ok(text === '' ? null : text);
}

export function toText(raw: unknown): Coerced<string> {
  if (typeof raw === 'string') return ok(raw);
  if (typeof raw === 'number' && Number.isFinite(raw)) return ok(String(raw));
  return refuse('text');
}

const integerText = /^[-+]?\d+(\.0*)?$/;

/** An integer; "12" and "12.000" (a numeric column as text) are 12, "12.5" is refused. */
export function toInteger(raw: unknown): Coerced<number> {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && integerText.test(raw.trim())) value = Number(raw.trim());
  else return refuse('an integer');
  return Number.isSafeInteger(value) ? ok(value) : refuse('an integer');
}

const decimalText = /^\+?(\d+(\.\d+)?)$/;

/**
 * A non-negative decimal as exact text ("19.90", scale kept). A JSON number with a fraction means
 * the connector sent a double (`decimal.handling.mode=double`): refused, money never goes through
 * a float. Integers are exact and accepted.
 */
export function toAmount(raw: unknown): Coerced<string> {
  if (typeof raw === 'number') {
    if (Number.isSafeInteger(raw) && raw >= 0) return ok(String(raw));
    return refuse('a non-negative decimal as text (set decimal.handling.mode=string on the connector)');
  }
  const match = typeof raw === 'string' ? decimalText.exec(raw.trim()) : null;
  return match?.[1] !== undefined ? ok(match[1]) : refuse('a non-negative decimal such as "19.90"');
}

export function toCurrency(raw: unknown): Coerced<string> {
  const text = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
  return /^[A-Z]{3}$/.test(text) ? ok(text) : refuse('an ISO 4217 currency code such as "EUR"');
}

const trueWords = new Set(['true', 't', '1', 'y', 'yes']);
const falseWords = new Set(['false', 'f', '0', 'n', 'no']);

export function toBoolean(raw: unknown): Coerced<boolean> {
  if (typeof raw === 'boolean') return ok(raw);
  if (raw === 0 || raw === 1) return ok(raw === 1);
  if (typeof raw === 'string') {
    const word = raw.trim().toLowerCase();
    if (trueWords.has(word)) return ok(true);
    if (falseWords.has(word)) return ok(false);
  }
  return refuse('a boolean (true/false, 1/0, Y/N)');
}

// Epoch milliseconds reach 1e14 in the year 5138 and epoch microseconds pass it in 1973, so the
// magnitude tells Timestamp (ms), MicroTimestamp (us) and NanoTimestamp (ns) apart for any date
// an ERP row holds.
const microsFrom = 1e14;
const nanosFrom = 1e17;

const isoTimestamp =
  /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** A time as epoch milliseconds: ISO-8601 text (UTC when no offset is given) or an epoch number. */
export function toEpochMs(raw: unknown): Coerced<number> {
  const expected = 'a timestamp (ISO-8601 text or epoch milliseconds/microseconds)';
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return refuse(expected);
    const size = Math.abs(raw);
    return ok(Math.floor(size < microsFrom ? raw : size < nanosFrom ? raw / 1e3 : raw / 1e6));
  }
  if (typeof raw !== 'string') return refuse(expected);
  const text = raw.trim();
  if (/^-?\d+$/.test(text)) return toEpochMs(Number(text));
  const match = isoTimestamp.exec(text);
  if (!match) return refuse(expected);
  const [, date, time = '00:00:00', fraction = '', zone = 'Z'] = match;
  const seconds = time.length === 5 ? `${time}:00` : time;
  const millis = fraction.padEnd(3, '0').slice(0, 3);
  const offset =
    zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.length === 3
        ? `${zone}:00`
        : zone.replace(/(\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(`${date}T${seconds}.${millis}${offset}`);
  return Number.isFinite(ms) ? ok(ms) : refuse(expected);
}

/**
 * Attributes from a JSON object, or JSON text of one (io.debezium.data.Json). Scalars become text,
 * nested values their JSON, and null members are left out: a map of text has no null.
 */
export function toAttributes(raw: unknown): Coerced<Record<string, string>> {
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return refuse('a JSON object');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return refuse('a JSON object');
  const attributes: Record<string, string> = {};
  for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
    if (member === null || member === undefined) continue;
    attributes[name] = typeof member === 'string' ? member : JSON.stringify(member);
  }
  return ok(attributes);
}

type Coercer<K extends FieldKind> = (raw: unknown) => Coerced<KindValue[K] | null>;

/** The coercion of each kind; a code may come out null (blank), which counts as absent. */
export const coerce: { readonly [K in FieldKind]: Coercer<K> } = {
  code: toCode,
  text: toText,
  integer: toInteger,
  amount: toAmount,
  currency: toCurrency,
  boolean: toBoolean,
  timestamp: toEpochMs,
  attributes: toAttributes,
};
