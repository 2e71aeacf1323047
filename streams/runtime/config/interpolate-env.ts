/**
 * Replaces `${env:NAME}` in every string of a parsed config with that environment variable, so
 * credentials and addresses come from the environment (or Kubernetes secrets mounted as env) and
 * never sit in the file. An unset variable is an error naming the key that uses it. Each value
 * filled in is noted in `sources`, so that no error ever prints it.
 */
import { SynclineError } from '../errors.ts';
import type { SecretSources } from './secret-values.ts';

const reference = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function interpolateEnv(
  document: unknown,
  env: NodeJS.ProcessEnv = process.env,
  file = 'config',
  sources?: SecretSources,
): unknown {
  const missing: string[] = [];
  const walk = (value: unknown, path: string, pointer: string): unknown => {
    if (typeof value === 'string') {
      const filled: string[] = [];
      const result = value.replace(reference, (_match, name: string) => {
        const found = env[name];
        if (found === undefined) {
          missing.push(`${path}: environment variable ${name} is not set`);
          return '';
        }
        filled.push(found);
        return found;
      });
      if (filled.length > 0) sources?.add(pointer, result, ...filled);
      return result;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, `${path}[${i}]`, `${pointer}/${i}`));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [
          k,
          walk(
            v,
            path === '' ? k : `${path}.${k}`,
            `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`,
          ),
        ]),
      );
    }
    return value;
  };
  const result = walk(document, '', '');
  if (missing.length > 0)
    throw new SynclineError(
      'CONFIG_INVALID',
      `${file} refers to unset environment variables:\n  - ${missing.join('\n  - ')}`,
    );
  return result;
}
