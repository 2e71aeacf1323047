/**
 * The ops database (budgets, holdings) being away is an outage of syncline's own, not a fault of a
 * record or of the channel: the sink waits for it and tries again, and parks nothing for it. Only a
 * lost or refused connection counts; any other database error (a bad statement, a missing table)
 * is a defect and surfaces as one.
 *
 * Which errors mean "the database is not there" (PostgreSQL manual, Appendix A, "PostgreSQL Error
 * Codes"): class 08 (connection exception), 57P01..57P03 (admin or crash shutdown, cannot connect
 * now: a server stopping or starting), 53300 (too many connections), node's socket errors, and
 * pg's own words for a connection that died or never came (the pool's connect timeout).
 */
import { SynclineError } from '../../runtime/errors.ts';

const unreachableStates = new Set(['57P01', '57P02', '57P03', '53300']);
const socketCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const lostConnectionWords =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection error|client has encountered a connection error/i;

/** The ops database did not answer: retriable, by definition. */
export class OpsUnavailable extends SynclineError {
  constructor(what: string, cause: unknown) {
    super('OPS_DATABASE', `the ops database did not answer (${what}): ${describe(cause)}`, true, { cause });
  }
}

/** True when the error says the database is unreachable, not that the statement is wrong. */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (code.startsWith('08') && code.length === 5) return true;
    if (unreachableStates.has(code) || socketCodes.has(code)) return true;
  }
  // pg wraps a refused connect in an AggregateError (one per address tried) with the codes inside.
  if (error instanceof AggregateError && error.errors.some(isConnectionLoss)) return true;
  return error instanceof Error && lostConnectionWords.test(error.message);
}

/** Runs one ops query; a lost connection becomes OpsUnavailable, anything else is rethrown as is. */
export async function opsCall<T>(what: string, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (isConnectionLoss(error)) throw new OpsUnavailable(what, error);
    throw error;
  }
}

function describe(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return describe(error.errors[0]);
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
