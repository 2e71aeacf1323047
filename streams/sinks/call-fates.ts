/**
 * What the runner makes of one adapter call: exactly one fate per record the call carried, the
 * records to send again (each once), and the records the channel now holds. Pure, so the rule
 * "one fate per record per attempt" lives in one place. A channel-wide refusal never gets here:
 * it is no attempt of the records (deliver-records.ts).
 *
 *   - delivered: DELIVERED;  rejected: PARKED with the channel's code and words;
 *   - transient (one record, or a whole call the channel failed): FAILED_WILL_RETRY;
 *   - the ops database away (OpsUnavailable): FAILED_WILL_RETRY (OPS_UNAVAILABLE), never parked:
 *     it says nothing about the record or the channel;
 *   - refused as a whole for what it carries (a non-transient ChannelCallError): PARKED;
 *   - anything else the adapter threw is a defect: retried, parked as ADAPTER_FAILED in the end.
 *
 * A record is parked for retries only after `parkAfterAttempts` strikes, a strike being a failure
 * that may be the record's own (a transient outcome of its own, an adapter defect). A channel
 * that is down or an ops outage is retried without end, Kafka holding the records meanwhile.
 */
import { ChannelCallError, type ItemOutcome } from './channel-adapter.ts';
import { OpsUnavailable } from './ops/ops-outage.ts';
import type { Fate, SinkRecord } from './register-entry.ts';

export interface RecordFate {
  readonly record: SinkRecord;
  readonly fate: Fate;
}

/** A call answered record by record, or one that failed as a whole (what it threw). */
export type CallResult =
  | { readonly kind: 'answered'; readonly outcomes: readonly ItemOutcome[] }
  | { readonly kind: 'failed'; readonly error: unknown };

export interface CallFates {
  /** One per record of the call, in the call's order. */
  readonly fates: RecordFate[];
  /** The records to send again, each once, in the call's order. */
  readonly retry: SinkRecord[];
  /** The records the channel holds now: recorded as held before their fates are registered. */
  readonly delivered: SinkRecord[];
  /** The longest Retry-After the channel asked for, if any. */
  readonly retryAfterMs?: number;
  /** The channel failed the call as a whole (timeout, 5xx, 429): what the circuit breaker counts. */
  readonly channelDown: boolean;
  readonly opsUnavailable: boolean;
}

export interface Attempts {
  /** The record's attempt number (1 = the first call that carried it). */
  readonly attempt: (record: SinkRecord) => number;
  /** Counts one strike against the record and returns its strikes so far. */
  readonly strike: (record: SinkRecord) => number;
  readonly parkAfterAttempts: number;
}

export function callFates(records: readonly SinkRecord[], result: CallResult, attempts: Attempts): CallFates {
  const fates: RecordFate[] = [];
  const retry: SinkRecord[] = [];
  const delivered: SinkRecord[] = [];
  let retryAfterMs: number | undefined;
  const again = (record: SinkRecord, fate: Fate, wait?: number) => {
    fates.push({ record, fate });
    retry.push(record);
    if (wait !== undefined) retryAfterMs = Math.max(retryAfterMs ?? 0, wait);
  };

  if (result.kind === 'answered') {
    records.forEach((record, index) => {
      const outcome = result.outcomes[index] as ItemOutcome;
      const attempt = attempts.attempt(record);
      if (outcome.kind === 'delivered') {
        delivered.push(record);
        fates.push({ record, fate: { status: 'DELIVERED', attempt, httpStatus: outcome.status } });
      } else if (outcome.kind === 'rejected') {
        fates.push({ record, fate: parked(attempt, outcome.status, outcome.code, outcome.channelError) });
      } else if (attempts.strike(record) >= attempts.parkAfterAttempts) {
        fates.push({
          record,
          fate: parked(attempt, outcome.status, 'RETRIES_EXHAUSTED', outcome.channelError),
        });
      } else {
        const fate: Fate = {
          status: 'FAILED_WILL_RETRY',
          attempt,
          httpStatus: outcome.status,
          errorCode: 'CHANNEL_BUSY',
          channelError: outcome.channelError,
        };
        again(record, fate, outcome.retryAfterMs);
      }
    });
    return { fates, retry, delivered, retryAfterMs, channelDown: false, opsUnavailable: false };
  }

  const { error } = result;
  if (error instanceof OpsUnavailable) {
    for (const record of records) {
      again(record, {
        status: 'FAILED_WILL_RETRY',
        attempt: attempts.attempt(record),
        errorCode: 'OPS_UNAVAILABLE',
        channelError: error.message,
      });
    }
    return { fates, retry, delivered, channelDown: false, opsUnavailable: true };
  }
  const call = error instanceof ChannelCallError ? error.details : undefined;
  for (const record of records) {
    const attempt = attempts.attempt(record);
    if (call && !call.transient) {
      fates.push({
        record,
        fate: parked(attempt, call.status, call.code ?? 'CALL_REFUSED', call.channelError),
      });
    } else if (call) {
      const fate: Fate = {
        status: 'FAILED_WILL_RETRY',
        attempt,
        httpStatus: call.status,
        errorCode: call.code ?? 'CALL_FAILED',
        channelError: call.channelError,
      };
      again(record, fate, call.retryAfterMs);
    } else {
      const message = `adapter failed: ${(error as Error).message}`;
      if (attempts.strike(record) >= attempts.parkAfterAttempts) {
        fates.push({ record, fate: parked(attempt, null, 'ADAPTER_FAILED', message) });
        continue;
      }
      again(record, {
        status: 'FAILED_WILL_RETRY',
        attempt,
        httpStatus: null,
        errorCode: 'ADAPTER_FAILED',
        channelError: message,
      });
    }
  }
  return {
    fates,
    retry,
    delivered,
    retryAfterMs,
    channelDown: call?.transient === true,
    opsUnavailable: false,
  };
}

function parked(attempt: number, status: number | null, code: string, channelError: string): Fate {
  return { status: 'PARKED', attempt, httpStatus: status, errorCode: code, channelError };
}
