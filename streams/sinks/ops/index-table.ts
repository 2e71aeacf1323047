/**
 * What the ops database's index tables (the sync register's and the dead letters') share: rows
 * inserted a batch at a time, each once by its Kafka position, and rows past the retention
 * deleted every few minutes (Kafka keeps the topics by their own retention).
 */
import type pg from 'pg';
import type { Logger } from 'pino';

const retentionEveryMs = 5 * 60_000;

export interface IndexTable {
  readonly name: string;
  readonly columns: readonly string[];
  /** The columns of the row's Kafka position, its identity. */
  readonly positionColumns: readonly string[];
  /** The time a row's age is measured from. */
  readonly timeColumn: string;
  /** How a log line names the index. */
  readonly what: string;
}

/** Inserts a batch of rows in one statement (a JSON array expanded in the database); a row already held is skipped. */
export async function insertIndexRows(
  ops: pg.Pool,
  table: IndexTable,
  rows: readonly object[],
): Promise<void> {
  if (rows.length === 0) return;
  const columns = table.columns.join(', ');
  await ops.query(
    `INSERT INTO ${table.name} (${columns})
     SELECT ${columns} FROM jsonb_populate_recordset(NULL::${table.name}, $1::jsonb)
     ON CONFLICT (${table.positionColumns.join(', ')}) DO NOTHING`,
    [JSON.stringify(rows)],
  );
}

/** Deletes the rows past the retention now and every few minutes after; the returned function stops it. */
export async function keepRetention(
  ops: pg.Pool,
  table: IndexTable,
  retentionDays: number,
  logger: Logger,
): Promise<() => void> {
  const purge = async () => {
    const result = await ops.query(
      `DELETE FROM ${table.name} WHERE ${table.timeColumn} < now() - $1 * interval '1 day'`,
      [retentionDays],
    );
    if ((result.rowCount ?? 0) > 0) logger.info({ rows: result.rowCount }, `${table.what}: old rows deleted`);
  };
  await purge();
  const timer = setInterval(
    () => void purge().catch((error: unknown) => logger.warn({ err: error }, 'purge failed')),
    retentionEveryMs,
  );
  return () => clearInterval(timer);
}
