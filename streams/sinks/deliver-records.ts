/**
 * The sink's core, without Kafka: given the records of one fetched batch of a channel topic, make
 * the channel hold them and give every record an outcome (invariant 3), in this order:
 *
 *   1. A key written twice in the batch: only its last record counts, the earlier are SUPERSEDED
 *      (the topic is compacted; the channel only needs the latest state).
 *   2. A record whose content hash the channel already holds is UNCHANGED and not sent.
 *   3. The rest goes to the adapter in chunks of the channel's batch size. Per call:
 *      - delivered records are recorded as held, then DELIVERED;
 *      - rejected records are PARKED (dead letter + register);
 *      - a transient failure (the whole call, or some records) is FAILED_WILL_RETRY and the
 *        records are sent again after a backoff with jitter that honours Retry-After; calls that
 *        fail as a whole feed the circuit breaker, which pauses calls while the channel is down.
 *
 * Returns when every record has its final outcome; the caller then commits the batch's offsets.
 * A channel that is down is retried without end (Kafka holds the records meanwhile); a record that
 * keeps failing transiently on its own (or makes the adapter throw) is parked after
 * `parkAfterAttempts` attempts so it cannot hold up its partition for ever.
 */
import type { Logger } from 'pino';
import {
  ChannelCallError,
  type ChannelAdapter,
  type ChannelHttp,
  type ItemOutcome,
} from './channel-adapter.ts';
import type { ChannelRefusal, Refusal } from './channel-refusal.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { ChannelHoldings } from './ops/channel-holdings.ts';
import type { Fate, SinkRecord } from './register-entry.ts';
import { backoffDelayMs, type RetryPolicy } from './retry-backoff.ts';

export interface RecordFate {
  readonly record: SinkRecord;
  readonly fate: Fate;
}

/**
 * A change of the whole channel, for the register: delivery paused because the channel refuses
 * every call, or resumed because it accepted one. `record` is the first record of the call that
 * met the change: where delivery stopped, or where it went on.
 */
export interface ChannelEvent {
  readonly kind: 'REFUSED' | 'RESUMED';
  readonly refusal: Refusal;
  readonly record: SinkRecord;
  readonly atMs: number;
}

export interface DeliverDependencies {
  readonly channel: string;
  readonly adapter: ChannelAdapter;
  readonly http: ChannelHttp;
  readonly holdings: ChannelHoldings;
  readonly breaker: CircuitBreaker;
  /** The channel's refusal state, shared by the partitions a process delivers side by side. */
  readonly refusal: ChannelRefusal;
  readonly retry: RetryPolicy & { readonly parkAfterAttempts: number };
  /** Records per adapter call (at most the adapter's maxBatch). */
  readonly batchSize: number;
  /** Durably records fates (register; dead letters for PARKED) before the function goes on. */
  readonly record: (fates: readonly RecordFate[]) => Promise<void>;
  /** Durably records a channel-wide change (register) before the function goes on. */
  readonly recordChannel: (event: ChannelEvent) => Promise<void>;
  /** Told when the ops database stops answering (true) and answers again (false). */
  readonly opsOutage?: (down: boolean) => void;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  /** Keeps the consumer's group membership alive while waiting. */
  readonly heartbeat: () => Promise<void>;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
}

/** Waits in slices, with a heartbeat between them, so a long wait does not cost the group membership. */
async function pause(ms: number, deps: DeliverDependencies): Promise<void> {
  const sleep = deps.sleep ?? defaultSleep;
  let left = ms;
  while (left > 0 && !deps.signal.aborted) {
    const slice = Math.min(left, 1000);
    await sleep(slice, deps.signal);
    left -= slice;
    await deps.heartbeat();
  }
}

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

export class SinkStopped extends Error {
  override readonly name = 'SinkStopped';
}

export async function deliverRecords(
  records: readonly SinkRecord[],
  deps: DeliverDependencies,
): Promise<void> {
  const latest = new Map<string, SinkRecord>();
  const superseded: RecordFate[] = [];
  for (const record of records) {
    const earlier = latest.get(record.key);
    if (earlier) superseded.push({ record: earlier, fate: { status: 'SUPERSEDED', attempt: 0 } });
    latest.set(record.key, record);
  }
  const held = await deps.holdings.hashes([...latest.keys()]);
  const unchanged: RecordFate[] = [];
  const toSend: SinkRecord[] = [];
  for (const record of latest.values()) {
    if (held.get(record.key) === record.contentHash) {
      unchanged.push({ record, fate: { status: 'UNCHANGED', attempt: 0 } });
    } else {
      toSend.push(record);
    }
  }
  await deps.record([...superseded, ...unchanged]);
  for (let start = 0; start < toSend.length; start += deps.batchSize) {
    await deliverChunk(toSend.slice(start, start + deps.batchSize), deps);
    // A fetched batch can take minutes at a channel's pace: the group must hear from us.
    await deps.heartbeat();
  }
}

async function deliverChunk(chunk: readonly SinkRecord[], deps: DeliverDependencies): Promise<void> {
  const now = deps.now ?? Date.now;
  const attempts = new Map<SinkRecord, number>();
  let pending = chunk;
  let callFailures = 0;
  while (pending.length > 0) {
    if (deps.signal.aborted) throw new SinkStopped('the sink is stopping');
    const breakerWait = deps.breaker.waitMs(now());
    if (breakerWait > 0) {
      await pause(breakerWait, deps);
      continue;
    }
    for (const record of pending) attempts.set(record, (attempts.get(record) ?? 0) + 1);
    const fates: RecordFate[] = [];
    const retry: SinkRecord[] = [];
    let retryAfterMs: number | undefined;
    try {
      const outcomes = await deps.adapter.deliver(
        pending.map(({ key, offer, contentHash, partition, offset }) => ({
          key,
          offer,
          contentHash,
          revision: `${partition}:${offset}`,
        })),
        { http: deps.http, logger: deps.logger, signal: deps.signal },
      );
      if (outcomes.length !== pending.length) {
        throw new Error(
          `adapter ${deps.adapter.kind} returned ${outcomes.length} outcomes for ${pending.length} records`,
        );
      }
      deps.breaker.succeeded();
      callFailures = 0;
      const delivered: SinkRecord[] = [];
      pending.forEach((record, index) => {
        const outcome = outcomes[index] as ItemOutcome;
        const attempt = attempts.get(record) ?? 1;
        if (outcome.kind === 'delivered') {
          delivered.push(record);
          fates.push({ record, fate: { status: 'DELIVERED', attempt, httpStatus: outcome.status } });
        } else if (outcome.kind === 'rejected') {
          fates.push({ record, fate: parked(attempt, outcome.status, outcome.code, outcome.channelError) });
        } else if (attempt >= deps.retry.parkAfterAttempts) {
          fates.push({
            record,
            fate: parked(attempt, outcome.status, 'RETRIES_EXHAUSTED', outcome.channelError),
          });
        } else {
          retry.push(record);
          retryAfterMs = Math.max(retryAfterMs ?? 0, outcome.retryAfterMs ?? 0) || undefined;
          fates.push({
            record,
            fate: {
              status: 'FAILED_WILL_RETRY',
              attempt,
              httpStatus: outcome.status,
              errorCode: 'CHANNEL_BUSY',
              channelError: outcome.channelError,
            },
          });
        }
      });
      // Held first: a crash between the two re-sends nothing that was delivered.
      await deps.holdings.record(delivered.map(({ key, contentHash }) => ({ key, contentHash })));
    } catch (error) {
      if (error instanceof SinkStopped || deps.signal.aborted) throw new SinkStopped('the sink is stopping');
      const call = error instanceof ChannelCallError ? error.details : undefined;
      if (call && !call.transient) {
        for (const record of pending) {
          const attempt = attempts.get(record) ?? 1;
          fates.push({
            record,
            fate: parked(attempt, call.status, call.code ?? 'CALL_REFUSED', call.channelError),
          });
        }
      } else {
        // A channel that fails the whole call: retried without end, paced by backoff and breaker.
        // An adapter that throws something else (a defect): parked after parkAfterAttempts.
        if (call) deps.breaker.failed(now());
        callFailures += 1;
        retryAfterMs = call?.retryAfterMs;
        for (const record of pending) {
          const attempt = attempts.get(record) ?? 1;
          const message = call ? call.channelError : `adapter failed: ${(error as Error).message}`;
          if (!call && attempt >= deps.retry.parkAfterAttempts) {
            fates.push({ record, fate: parked(attempt, null, 'ADAPTER_FAILED', message) });
            continue;
          }
          retry.push(record);
          fates.push({
            record,
            fate: {
              status: 'FAILED_WILL_RETRY',
              attempt,
              httpStatus: call?.status ?? null,
              errorCode: call?.code ?? (call ? 'CALL_FAILED' : 'ADAPTER_FAILED'),
              channelError: message,
            },
          });
        }
        deps.logger.warn(
          { err: error, records: pending.length, failures: callFailures, breaker: deps.breaker.state },
          `channel ${deps.channel} call failed; retrying`,
        );
      }
    }
    await deps.record(fates);
    pending = retry;
    if (pending.length > 0) {
      const attempt = Math.max(...pending.map((r) => attempts.get(r) ?? 1));
      await pause(backoffDelayMs(attempt, deps.retry, retryAfterMs, deps.random), deps);
    }
  }
}

function parked(attempt: number, status: number | null, code: string, channelError: string): Fate {
  return { status: 'PARKED', attempt, httpStatus: status, errorCode: code, channelError };
}
