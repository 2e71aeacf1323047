/**
 * Validates a parsed config document against a JSON Schema once, at start-up (STYLE habit 4):
 * defaults filled in, every problem reported at once, each naming the key and what was expected,
 * the result frozen. A value is shown only when it is no secret (secret-values.ts).
 */
import { Ajv, type ErrorObject } from 'ajv';
import { SynclineError } from '../errors.ts';
import { printable, redacted, SecretSources } from './secret-values.ts';

function keyPath(instancePath: string): string {
  if (instancePath === '') return '(top level)';
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce(
      (path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path === '' ? part : `${path}.${part}`),
      '',
    );
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === redacted) return 'a secret value (not shown)';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(document: unknown, instancePath: string): unknown {
  let current: unknown = document;
  for (const part of instancePath.split('/').slice(1)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return current;
}

/**
 * One sentence per problem: `channels[1].safetyStock: expected integer, got "two"`; a secret is
 * named, never shown: `kafka.sasl.password: expected string, got [redacted]`.
 */
export function explain(error: ErrorObject, document: unknown, sources = new SecretSources()): string {
  const at = keyPath(error.instancePath);
  const got = describe(printable(valueAt(document, error.instancePath), error.instancePath, sources));
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `${at === '(top level)' ? '' : `${at}.`}${String(params.missingProperty)}: required but missing`;
    case 'additionalProperties':
      return `${at === '(top level)' ? '' : `${at}.`}${String(params.additionalProperty)}: unknown key (check its spelling)`;
    case 'type':
      return `${at}: expected ${String(params.type)}, got ${got}`;
    case 'enum':
      return `${at}: expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${got}`;
    case 'pattern':
      return `${at}: ${got} does not match the pattern ${String(params.pattern)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `${at}: expected a number ${String(params.comparison)} ${String(params.limit)}, got ${got}`;
    case 'minItems':
      return `${at}: expected at least ${String(params.limit)} item(s), got ${got}`;
    default:
      return `${at}: ${error.message ?? 'is invalid'} (got ${got})`;
  }
}

export function validateConfig<T>(
  schema: object,
  document: unknown,
  file: string,
  sources = new SecretSources(),
): Readonly<T> {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
  const validate = ajv.compile<T>(schema);
  const copy: unknown = structuredClone(document ?? {});
  if (!validate(copy)) {
    const problems = [...new Set((validate.errors ?? []).map((e) => explain(e, copy, sources)))];
    throw new SynclineError(
      'CONFIG_INVALID',
      sources.scrub(`${file} is not a valid syncline config:\n  - ${problems.join('\n  - ')}`),
    );
  }
  return deepFreeze(copy);
}

function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
