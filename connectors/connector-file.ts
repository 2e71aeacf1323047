/**
 * Connector definitions as files: `{ "name": ..., "config": { "connector.class": ..., ... } }`,
 * the body Kafka Connect's `POST /connectors` takes. Secrets and addresses stay `${env:NAME}`
 * placeholders that the Connect worker resolves (its EnvVarConfigProvider), so they are never
 * stored in Connect's config topic in clear.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConnectorError } from './connector-error.ts';

export interface ConnectorDefinition {
  readonly name: string;
  readonly config: Readonly<Record<string, string>>;
  /** Where it was read from, for messages. */
  readonly file: string;
}

export const connectorsDir = resolve(fileURLToPath(new URL('.', import.meta.url)));

/** The connectors `npm run connectors:apply` applies: every `*.json` directly in `connectors/`. */
export function defaultConnectorFiles(dir = connectorsDir): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

export function readConnectorFile(file: string): ConnectorDefinition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConnectorError(
      'BAD_CONNECTOR_FILE',
      `${file} is not readable JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parseConnectorDefinition(parsed, file);
}

export function parseConnectorDefinition(parsed: unknown, file: string): ConnectorDefinition {
  const bad = (what: string): never => {
    throw new ConnectorError('BAD_CONNECTOR_FILE', `${file}: ${what}`);
  };
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return bad('expected an object with "name" and "config"');
  }
  const { name, config } = parsed as { name?: unknown; config?: unknown };
  if (typeof name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(name)) {
    return bad('"name" must be a connector name of letters, digits, ".", "_" or "-"');
  }
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return bad('"config" must be an object of connector settings');
  }
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    // Connect stores every setting as text; a number or boolean here would be sent back as text
    // and then always look changed, so the file must say what Connect will say.
    if (typeof value !== 'string') bad(`config."${key}" must be a string (Connect keeps settings as text)`);
    settings[key] = value as string;
  }
  if (!settings['connector.class']) bad('config."connector.class" is missing');
  if ('name' in settings && settings.name !== name)
    bad(`config.name "${settings.name}" differs from name "${name}"`);
  return { name, config: settings, file: basename(file) };
}
