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
