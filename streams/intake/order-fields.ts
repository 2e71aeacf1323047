/**
 * Typed reads from a channel's order JSON that fail with the path of the field at fault
 * (`line_items[2].quantity must be a number, got "two"`), so a malformed body is answered or parked
 * with a reason a person can act on, never with a TypeError from deep inside a mapper.
 */
import { MalformedOrderError } from './intake-errors.ts';

export type JsonRecord = Record<string, unknown>;

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses a body that must be one JSON object; `root` names it in the error. */
export function parseOrderJson(text: string, root = 'body'): JsonRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new MalformedOrderError(root, `is not JSON (${(error as Error).message})`);
  }
  if (!isRecord(value)) throw new MalformedOrderError(root, `must be a JSON object, got ${describe(value)}`);
  return value;
}

export class OrderFields {
  constructor(
    private readonly value: JsonRecord,
    private readonly path = '',
  ) {}

  private at(key: string): string {
    return this.path === '' ? key : `${this.path}.${key}`;
  }

  private fail(key: string, expected: string): never {
    throw new MalformedOrderError(this.at(key), `must be ${expected}, got ${describe(this.value[key])}`);
  }

  has(key: string): boolean {
    return this.value[key] !== undefined && this.value[key] !== null;
  }

  string(key: string): string {
    const value = this.value[key];
    if (typeof value !== 'string' || value.trim() === '') this.fail(key, 'a non-empty string');
    return value;
  }

  optionalString(key: string): string | null {
    const value = this.value[key];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value !== 'string') this.fail(key, 'a string or null');
    return value;
  }

  /** An id the channel writes as a number or a string; kept as text so large ids stay exact. */
  id(key: string): string {
    const value = this.value[key];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
    if (typeof value === 'string' && /^\d+$/.test(value)) return value;
    return this.fail(key, 'an integer id');
  }

  quantity(key: string): number {
    const value = this.value[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) this.fail(key, 'a number >= 0');
    return value;
  }

  /** A price as a JSON number (Magento) or a decimal string (Shopify), returned as a decimal string. */
  decimal(key: string): string {
    const value = this.value[key];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) return value;
    return this.fail(key, 'a decimal number');
  }

  /** A timestamp the channel writes; `parse` returns ms or NaN. */
  time(key: string, parse: (text: string) => number, form: string): number {
    const value = this.value[key];
    const ms = typeof value === 'string' ? parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) this.fail(key, form);
    return ms;
  }

  object(key: string): OrderFields {
    const value = this.value[key];
    if (!isRecord(value)) this.fail(key, 'an object');
    return new OrderFields(value, this.at(key));
  }

  optionalObject(key: string): OrderFields | null {
    const value = this.value[key];
    if (value === undefined || value === null) return null;
    if (!isRecord(value)) this.fail(key, 'an object or null');
    return new OrderFields(value, this.at(key));
  }

  /** The objects of an array field; `nonEmpty` refuses `[]`. */
  objects(key: string, nonEmpty = false): OrderFields[] {
    const value = this.value[key];
    if (!Array.isArray(value) || (nonEmpty && value.length === 0))
      this.fail(key, nonEmpty ? 'a non-empty array' : 'an array');
    return value.map((entry: unknown, index) => {
      const path = `${this.at(key)}[${index}]`;
      if (!isRecord(entry)) throw new MalformedOrderError(path, `must be an object, got ${describe(entry)}`);
      return new OrderFields(entry, path);
    });
  }

  strings(key: string): string[] {
    const value = this.value[key];
    if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string'))
      this.fail(key, 'an array of strings');
    return value as string[];
  }
}
