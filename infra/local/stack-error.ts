/**
 * The one error the stack CLI shows to a person: a sentence that names the problem and the fix,
 * never a stack trace. Anything else escaping the CLI is a bug and is printed in full.
 */
export type StackErrorCode =
  | 'MISSING_TOOL'
  | 'PORT_TAKEN'
  | 'DOWNLOAD_FAILED'
  | 'START_FAILED'
  | 'NOT_HEALTHY'
  | 'BAD_SETTING'
  | 'BAD_USAGE';

export class StackError extends Error {
  override readonly name = 'StackError';
  constructor(
    readonly code: StackErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
