/** Reads a YAML config file, refusing an unreadable or unparsable one with the file and line. */
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { SynclineError } from '../errors.ts';

export function readYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SynclineError(
      'CONFIG_UNREADABLE',
      `cannot read the config file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new SynclineError(
      'CONFIG_INVALID',
      `${file} is not valid YAML:\n  - ${document.errors.map((e) => e.message.split('\n')[0]).join('\n  - ')}`,
    );
  }
  return document.toJS() as unknown;
}
