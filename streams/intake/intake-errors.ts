/**
 * What can go wrong when an order comes in from a channel, as errors of the engine's one errors module:
 * a body that is not the channel's order shape (names the field, never retried: the same bytes fail the
 * same way), a channel that is briefly unavailable (rate limit, 5xx, timeout: retried, after the channel's
 * own Retry-After when it gives one), and a channel that refuses the caller (auth, a bad query: retrying
 * cannot help until someone changes the configuration).
 */
import { SynclineError } from '../runtime/errors.ts';

export class MalformedOrderError extends SynclineError {
  /** Path of the offending field in the channel's JSON, e.g. `items[0].qty_ordered`. */
  readonly field: string;
  constructor(field: string, problem: string) {
    super('ORDER_MALFORMED', `${field} ${problem}`, false);
    this.field = field;
  }
}

export class ChannelUnavailableError extends SynclineError {
  /** How long the channel asked us to wait (Retry-After), when it said. */
  readonly retryAfterMs: number | null;
  constructor(message: string, retryAfterMs: number | null, options?: { cause?: unknown }) {
    super('CHANNEL_UNAVAILABLE', message, true, options);
    this.retryAfterMs = retryAfterMs;
  }
}

export class ChannelRefusedError extends SynclineError {
  readonly status: number;
  constructor(message: string, status: number) {
    super('CHANNEL_REFUSED', message, false);
    this.status = status;
  }
}
