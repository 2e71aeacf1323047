/**
 * Reads a secret from a mounted file (a Kubernetes Secret volume, a Docker secret) at start-up.
 * An unreadable file is a config error naming the key and the path, never the content. A single
 * trailing newline is dropped from a password or token, as `echo secret > file` and most secret
 * tools leave one; certificates and keys are read as they are.
 */
import { readFileSync } from 'node:fs';
import { SynclineError } from '../errors.ts';

export function readSecretFile(key: string, path: string, kind: 'word' | 'pem' = 'word'): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SynclineError('CONFIG_INVALID', `${key}: cannot read the file ${path} (${code})`);
  }
  if (kind === 'word') {
    const word = text.replace(/\r?\n$/, '');
    if (word === '') throw new SynclineError('CONFIG_INVALID', `${key}: the file ${path} is empty`);
    return word;
  }
  if (!text.includes('-----BEGIN ')) {
    throw new SynclineError('CONFIG_INVALID', `${key}: the file ${path} holds no PEM block (-----BEGIN ...)`);
  }
  return text;
}
