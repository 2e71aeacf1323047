/**
 * The db-table adapter's `sink.settings`, as a JSON Schema with defaults (validated once at
 * start-up by the sink config) and the type the validated settings have.
 */

export interface DbTableSettings {
  /** The environment variable holding the database's libpq URL (never the URL itself: it has a password). */
  readonly urlEnv: string;
  /** `schema.table`, lower-case unquoted identifiers; it needs a unique key on `sku`. */
  readonly table: string;
  /** false: a delist sets `listed = false` and keeps the row (the portal may show "no longer sold"); true: deletes it. */
  readonly deleteOnDelist: boolean;
  readonly poolSize: number;
  /** A statement waiting longer (on a lock, say) is cancelled and the batch retried. */
  readonly statementTimeoutMs: number;
}

/** A lower-case SQL identifier that needs no quoting (PostgreSQL's limit is 63 bytes). */
const identifier = '[a-z_][a-z0-9_$]{0,62}';

export const dbTableSettingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['urlEnv'],
  properties: {
    urlEnv: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
      description: "name of the environment variable holding the database's libpq URL",
    },
    table: { type: 'string', pattern: `^${identifier}\\.${identifier}$`, default: 'portal.offer' },
    deleteOnDelist: { type: 'boolean', default: false },
    poolSize: { type: 'integer', minimum: 1, maximum: 32, default: 2 },
    statementTimeoutMs: { type: 'integer', minimum: 100, maximum: 600_000, default: 30_000 },
  },
} as const;

/**
 * The table as SQL text. The schema's pattern already allows only plain identifiers; quoting them
 * anyway means a setting that slipped past validation is an unknown table, never SQL.
 */
export function quotedTable(table: string): string {
  const parts = table.split('.');
  if (parts.length !== 2 || !parts.every((part) => new RegExp(`^${identifier}$`).test(part))) {
    throw new Error(`table ${JSON.stringify(table)} is not a schema.table name of lower-case identifiers`);
  }
  return parts.map((part) => `"${part}"`).join('.');
}
