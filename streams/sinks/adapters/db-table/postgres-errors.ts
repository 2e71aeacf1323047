/**
 * What a PostgreSQL error means for a delivery, by its SQLSTATE (PostgreSQL manual, Appendix A,
 * "PostgreSQL Error Codes"):
 *
 *   - class 22 (data exception) and 23 (integrity constraint violation): this row's data is
 *     wrong for the table; the same data will fail again, so the row is rejected (parked).
 *   - classes 08 (connection), 40 (serialization failure, deadlock), 53 (insufficient
 *     resources), 57 (operator intervention: admin shutdown, statement timeout), 58 (system
 *     error), 55P03 (lock not available), and node's own network errors: the database is busy or
 *     away; the whole call is retried.
 *   - a refused login (class 28), a missing privilege (42501), a missing table or schema (42P01,
 *     3F000), a missing database (3D000): the channel refuses every call, whatever it carries, like
 *     an HTTP 401/404 from an API: channel-wide, so the sink pauses and probes, parking nothing.
 *   - anything else (a missing column, a bad statement): the table is not what the settings
 *     promise for these rows; the call's records are parked until an operator fixes the setup.
 */
import { ChannelCallError, type ItemOutcome } from '../../channel-adapter.ts';

const transientClasses = new Set(['08', '40', '53', '57', '58']);
const transientStates = new Set(['55P03', '55006']);
const channelWideStates = new Set(['42501', '42P01', '3F000', '3D000']);
/** Node socket errors, and pg's own words for a connection that died or never came. */
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const networkMessages =
  /connection terminated|timeout exceeded when trying to connect|not queryable|connection error/i;
/** A constraint's detail repeats the whole failing row, offer JSON included: enough to find the row, not all of it. */
const maxDetailLength = 500;

interface PgErrorFields {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly detail?: unknown;
}

/** The SQLSTATE of a server error, undefined for anything else (pg puts node's errno codes in `code` too). */
export function sqlState(error: unknown): string | undefined {
  const code = (error as PgErrorFields | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** True when the error is about one row's data (class 22 or 23). */
export function isRowError(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}

/** PostgreSQL's message and detail: the channel's own words for the register and the DLQ. */
export function postgresWords(error: unknown): string {
  const { message, detail } = (error ?? {}) as PgErrorFields;
  const text = typeof message === 'string' ? message : String(error);
  if (typeof detail !== 'string' || detail === '') return text;
  return `${text} (${detail.length > maxDetailLength ? `${detail.slice(0, maxDetailLength)}...` : detail})`;
}

export function rowRejection(error: unknown): ItemOutcome {
  const state = sqlState(error) ?? '';
  return {
    kind: 'rejected',
    status: null,
    channelError: postgresWords(error),
    code: state.startsWith('23') ? 'CONSTRAINT_VIOLATION' : 'INVALID_DATA',
  };
}

function isTransient(error: unknown): boolean {
  const state = sqlState(error);
  if (state !== undefined) return transientClasses.has(state.slice(0, 2)) || transientStates.has(state);
  const code = (error as PgErrorFields | null)?.code;
  if (typeof code === 'string' && networkCodes.has(code)) return true;
  return error instanceof Error && networkMessages.test(error.message);
}

/** The error as the runner reads it: a ChannelCallError, transient or not. */
export function callError(error: unknown, table: string): ChannelCallError {
  if (error instanceof ChannelCallError) return error;
  const transient = isTransient(error);
  const state = sqlState(error);
  const channelWide = state !== undefined && (state.startsWith('28') || channelWideStates.has(state));
  const words = postgresWords(error);
  const consequence = transient
    ? ''
    : channelWide
      ? '; delivery to the table pauses until it accepts writes again'
      : '; the records of this call are parked until the table is fixed';
  return new ChannelCallError(
    `writing to ${table} failed${state ? ` (SQLSTATE ${state})` : ''}: ${words}${consequence}`,
    {
      transient,
      status: null,
      channelError: words,
      code: state ? `SQLSTATE_${state}` : transient ? 'NETWORK' : 'DATABASE',
      ...(channelWide ? { channelWide } : {}),
    },
    { cause: error },
  );
}
