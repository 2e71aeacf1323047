/**
 * The one error the sample ERP's commands show to a person: a stable code and a sentence that
 * names the problem and the fix. Anything else escaping seed-cli.ts is a bug and printed in full.
 */
export type ErpErrorCode =
  /** The database does not answer at its address. */
  | 'DB_UNREACHABLE'
  /** It answers but refuses the login or the database. */
  | 'LOGIN_REFUSED'
  /** It holds a complete sample of another size or seed. */
  | 'SEEDED_DIFFERENTLY'
  /** It holds ERP tables with rows but no sample mark (an interrupted load, or someone else's). */
  | 'UNFINISHED_SAMPLE'
  /** Its order interchange tables have an older layout and hold orders, so they are not replaced. */
  | 'ORDERS_OUTDATED'
  /** The live activity found nothing to edit. */
  | 'NO_SAMPLE'
  | 'LOAD_FAILED'
  | 'BAD_USAGE';

export class ErpError extends Error {
  override readonly name = 'ErpError';
  constructor(
    readonly code: ErpErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Older order tables are replaced only while they hold no order: orders are not sample data. The
 * seeder puts the database's name in front.
 */
export const outdatedOrders = (table: string): ErpError =>
  new ErpError(
    'ORDERS_OUTDATED',
    `its order interchange tables have an older layout and ${table} holds rows: ` +
      'run with --reset to drop them and load the sample again',
  );
