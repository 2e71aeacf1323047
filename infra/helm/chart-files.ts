/**
 * The chart's generated files, each made from one source so nothing is written twice:
 * - `values.schema.json`: the chart keys from values.yaml's `## @param` lines (types from their
 *   defaults, constraints below), and `config` from syncline's own config schema, so `helm install`
 *   refuses a bad config key as syncline would, naming it;
 * - the values table of the chart's README, from the same `## @param` lines;
 * - `files/connectors/*.json`, copies of the repository's connectors/ (Helm reads no file outside
 *   its chart).
 * `npm run chart:generate` writes them; test/chart/chart-generated-files.test.ts fails when stale.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { synclineConfigSchema } from '../../streams/config/syncline-config.ts';
import { repoRoot } from '../local/stack-config.ts';

export const chartDir = join(repoRoot, 'infra', 'helm', 'syncline');
const connectorsDir = join(repoRoot, 'connectors');

type Schema = Record<string, unknown>;

interface Param {
  readonly path: string;
  readonly description: string;
  readonly section: string;
}

/** `## @section Name` and `## @param a.b.c Description` lines, in file order. */
export function valuesParams(valuesText: string): Param[] {
  const params: Param[] = [];
  let section = '';
  for (const line of valuesText.split('\n')) {
    const sectionMatch = /^\s*## @section (.+)$/.exec(line);
    if (sectionMatch) section = sectionMatch[1]!.trim();
    const paramMatch = /^\s*## @param (\S+) (.+)$/.exec(line);
    if (paramMatch) params.push({ path: paramMatch[1]!, description: paramMatch[2]!.trim(), section });
  }
  return params;
}

function valueAt(values: unknown, path: string): unknown {
  let current = values;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function inferred(value: unknown): Schema {
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    return typeof first === 'string' ? { type: 'array', items: { type: 'string' } } : { type: 'array' };
  }
  return { type: 'object' };
}

const count = { type: 'integer', minimum: 0 } as const;
const intOrPercent = {
  anyOf: [
    { type: 'integer', minimum: 0 },
    { type: 'string', pattern: '^([0-9]+%?)?$' },
  ],
} as const;
const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?([EPTGMK]i?|[mk])?$' } as const;
const duration = { type: 'string', pattern: '^[0-9]+(ms|s|m|h)$' } as const;

/** Constraints a default cannot tell, by key path (`*` = any role with these keys). */
const constraints: Record<string, Schema> = {
  'image.pullPolicy': { enum: ['Always', 'IfNotPresent', 'Never'] },
  'image.pullSecrets': { type: 'array', items: { type: 'string', minLength: 1 } },
  'image.repository': { type: 'string', minLength: 1 },
  'image.digest': { type: 'string', pattern: '^(sha256:[a-f0-9]{64})?$' },
  '*.replicas': count,
  '*.persistence.size': quantity,
  '*.persistence.accessModes': {
    type: 'array',
    minItems: 1,
    items: { enum: ['ReadWriteOnce', 'ReadWriteOncePod', 'ReadWriteMany', 'ReadOnlyMany'] },
  },
  '*.terminationGracePeriodSeconds': { type: 'integer', minimum: 1 },
  '*.pdb.minAvailable': intOrPercent,
  '*.pdb.maxUnavailable': intOrPercent,
  'sink.channels': {
    type: 'object',
    description: 'channel id -> its sink Deployment',
    propertyNames: { pattern: '^[a-z0-9][a-z0-9-]*$' },
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      properties: { replicas: count, resources: { type: 'object' } },
    },
  },
  'topologySpread.whenUnsatisfiable': { enum: ['DoNotSchedule', 'ScheduleAnyway'] },
  'topologySpread.maxSkew': { type: 'integer', minimum: 1 },
  'podSecurityContext.fsGroupChangePolicy': { enum: ['Always', 'OnRootMismatch'] },
  'metrics.containerPort': { type: 'integer', minimum: 1, maximum: 65535 },
  'metrics.service.port': { type: 'integer', minimum: 1, maximum: 65535 },
  'metrics.serviceMonitor.interval': duration,
  'metrics.serviceMonitor.scrapeTimeout': duration,
  'tmpVolume.sizeLimit': quantity,
  'strimzi.apiVersion': { enum: ['kafka.strimzi.io/v1beta2', 'kafka.strimzi.io/v1'] },
  'strimzi.connectors.state': { enum: ['running', 'paused', 'stopped'] },
  'strimzi.connectors.autoRestart.maxRestarts': count,
  'strimzi.connectors.overrides': {
    type: 'object',
    description: 'connector name -> config keys merged over its file',
    additionalProperties: {
      type: 'object',
      additionalProperties: false,
      properties: { config: { type: 'object', additionalProperties: { type: 'string' } } },
    },
  },
  'strimzi.topics.replicas': { type: 'integer', minimum: 1 },
  'strimzi.topics.config': {
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
  'kafkaSasl.mechanism': { enum: ['scram-sha-512', 'scram-sha-256', 'plain'] },
  'registryAuth.type': { enum: ['none', 'basic', 'bearer'] },
  'secrets.env': {
    type: 'object',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    additionalProperties: { type: 'string' },
  },
  'secrets.files': {
    type: 'object',
    propertyNames: { pattern: '^[-._a-zA-Z0-9]+$' },
    additionalProperties: { type: 'string' },
  },
};

function constraintFor(path: string): Schema | undefined {
  if (constraints[path]) return constraints[path];
  const [, ...rest] = path.split('.');
  return constraints[`*.${rest.join('.')}`];
}

/** An env reference, which syncline fills in before it validates: any pattern must let it by. */
const envReference = '\\$\\{env:[A-Za-z_][A-Za-z0-9_]*\\}';

function allowEnvReferences(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(allowEnvReferences);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === 'pattern' && typeof value === 'string' && (schema as Schema).type === 'string'
        ? `${value}|${envReference}`
        : key === 'properties' || key === 'patternProperties'
          ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, allowEnvReferences(v)]))
          : allowEnvReferences(value);
  }
  return out;
}

/**
 * syncline's config schema as the chart takes it: `metrics` and `processing.stateDir` are the
 * chart's to set (the probes, Services and volumes depend on them), so they are refused here.
 */
export function chartConfigSchema(): Schema {
  const schema = structuredClone(synclineConfigSchema) as unknown as {
    properties: Record<string, Schema & { properties?: Record<string, unknown> }>;
  };
  delete schema.properties.metrics;
  delete schema.properties.processing!.properties!.stateDir;
  return {
    ...(allowEnvReferences(schema) as Schema),
    description:
      'The syncline config (streams/config/syncline-config.ts); strings may hold ${env:NAME} references',
  };
}

export function valuesSchema(valuesText: string): Schema {
  const values: unknown = parse(valuesText);
  const root: Schema = { type: 'object', additionalProperties: false, properties: {} };
  for (const param of valuesParams(valuesText)) {
    const keys = param.path.split('.');
    let node = root;
    for (const key of keys.slice(0, -1)) {
      const properties = node.properties as Record<string, Schema>;
      properties[key] ??= { type: 'object', additionalProperties: false, properties: {} };
      node = properties[key];
    }
    const leaf = keys.at(-1)!;
    const fallback = valueAt(values, param.path);
    if (fallback === undefined) throw new Error(`values.yaml documents ${param.path}, which it does not set`);
    const base =
      param.path === 'config' ? chartConfigSchema() : (constraintFor(param.path) ?? inferred(fallback));
    (node.properties as Record<string, Schema>)[leaf] = {
      ...base,
      description: param.description,
    };
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'syncline chart values', ...root };
}

function shownDefault(value: unknown): string {
  const text = typeof value === 'string' ? (value === '' ? '""' : value) : JSON.stringify(value);
  return `\`${text.replaceAll('|', '\\|')}\``;
}

/** The README's values table, a section per `## @section`. */
export function valuesTable(valuesText: string): string {
  const values: unknown = parse(valuesText);
  const lines: string[] = [];
  let section: string | undefined;
  for (const param of valuesParams(valuesText)) {
    if (param.section !== section) {
      section = param.section;
      lines.push('', `### ${section}`, '', '| Key | Description | Default |', '| --- | --- | --- |');
    }
    const shown = param.path === 'config' ? '(see values.yaml)' : shownDefault(valueAt(values, param.path));
    lines.push(`| \`${param.path}\` | ${param.description.replaceAll('|', '\\|')} | ${shown} |`);
  }
  return `${lines.join('\n').trim()}\n`;
}

export const tableStart =
  '<!-- values-table:start (generated by npm run chart:generate from values.yaml) -->';
export const tableEnd = '<!-- values-table:end -->';

export function readmeWithTable(readme: string, table: string): string {
  const start = readme.indexOf(tableStart);
  const end = readme.indexOf(tableEnd);
  if (start < 0 || end < start)
    throw new Error(`the chart README lacks the markers ${tableStart} ... ${tableEnd}`);
  return `${readme.slice(0, start + tableStart.length)}\n\n${table}\n${readme.slice(end)}`;
}

/** Every generated file: path relative to the chart -> its expected content. */
export function expectedChartFiles(): Map<string, string> {
  const valuesText = readFileSync(join(chartDir, 'values.yaml'), 'utf8');
  const files = new Map<string, string>();
  files.set('values.schema.json', `${JSON.stringify(valuesSchema(valuesText), null, 2)}\n`);
  files.set(
    'README.md',
    readmeWithTable(readFileSync(join(chartDir, 'README.md'), 'utf8'), valuesTable(valuesText)),
  );
  for (const name of readdirSync(connectorsDir)
    .filter((n) => n.endsWith('.json'))
    .sort()) {
    files.set(join('files', 'connectors', name), readFileSync(join(connectorsDir, name), 'utf8'));
  }
  return files;
}
