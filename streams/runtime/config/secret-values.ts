/**
 * What a config error may print. A value under a secret key (a password, a token, a database URL
 * with its login) or any value that came from an environment variable (how Kubernetes Secrets reach
 * the file) is never printed: the error names the key and the problem instead. URL logins are cut
 * from any value that is printed.
 */

export const redacted = '[redacted]';

/** Keys whose value is a credential, in any config section (compared case-insensitively). */
const secretKey =
  /(password|passphrase|secret|token|apikey|api_key|credentials?|authorization|databaseurl|connectionstring)$/i;

export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}

const urlLogin = /([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi;

/**
 * The values of a config that came from a secret source, by JSON pointer (`/kafka/sasl/password`,
 * the form ajv reports paths in). Filled by `interpolateEnv`, read by the validator.
 */
export class SecretSources {
  private readonly pointers = new Set<string>();
  private readonly values = new Set<string>();

  /** The value at `pointer` came from a secret source; `values` are the secret parts of it. */
  add(pointer: string, ...values: string[]): void {
    this.pointers.add(pointer);
    // Very short values (a port, "1") would blank unrelated text when scrubbed: too common to hide.
    for (const value of values) if (value.length >= 4) this.values.add(value);
  }

  has(pointer: string): boolean {
    return this.pointers.has(pointer);
  }

  /** `text` with every secret value found in it replaced: the last guard of a message. */
  scrub(text: string): string {
    let result = text;
    for (const value of [...this.values].sort((a, b) => b.length - a.length)) {
      result = result.split(value).join(redacted);
    }
    return result.replace(urlLogin, `$1${redacted}@`);
  }
}

const none = new SecretSources();

/**
 * A copy of `value` (found at `pointer`) fit to print: strings under secret keys or from secret
 * sources replaced, URL logins cut, in nested objects and lists too.
 */
export function printable(value: unknown, pointer = '', sources: SecretSources = none): unknown {
  const key = pointer.slice(pointer.lastIndexOf('/') + 1);
  if (pointer !== '' && (sources.has(pointer) || (isSecretKey(key) && typeof value !== 'object'))) {
    return value === undefined ? undefined : redacted;
  }
  if (typeof value === 'string') return value.replace(urlLogin, `$1${redacted}@`);
  if (Array.isArray(value)) return value.map((item, i) => printable(item, `${pointer}/${i}`, sources));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        printable(v, `${pointer}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`, sources),
      ]),
    );
  }
  return value;
}
