/**
 * The sink's core, without Kafka: given the records of one fetched batch of a channel topic, make
 * the channel hold them and give every record exactly one fate per attempt, in this order:
 *
 *   1. A key written twice in the batch: only its last record counts, the earlier are SUPERSEDED
 *      (the topic is compacted; the channel only needs the latest state).
 *   2. A record whose content hash the channel already holds is UNCHANGED and not sent; a record
 *      older than the one its key's holding reflects (its revision) is SUPERSEDED (NEWER_HELD) and
 *      not sent either: a newer record of the key was delivered by a replica that took over.
 *   3. The rest goes to the adapter in chunks of the channel's batch size. Per call (call-fates.ts):
 *      - delivered records are recorded as held, then DELIVERED; one whose holding meanwhile
 *        reflects a newer record keeps that holding and is SUPERSEDED (NEWER_HELD);
 *      - rejected records are PARKED (dead letter + register);
 *      - a transient failure (the whole call, or some records) is FAILED_WILL_RETRY and the
 *        records are sent again after a backoff with jitter that honours Retry-After; calls that
 *        fail as a whole feed the circuit breaker, which pauses calls while the channel is down.
 *   A call the channel refuses channel-wide (credentials, permissions, a missing route) is no
 *   attempt of its records: delivery pauses (channel-refusal.ts), one probe goes per interval, and
 *   the register gets one channel-wide entry when it starts and one when it ends.
 *   The ops database going away (budget, holdings) is waited out, never parked for.
 *
 * A batch whose partition goes to another member (the consumer's signal, or `stillAssigned`
 * answering false after a call) is abandoned: the call in flight is aborted, and nothing more of
 * the batch is recorded (SinkStopped); the new owner delivers it again.
 *
 * Returns when every record has its final outcome; the caller then commits the batch's offsets.
 * A channel that is down is retried without end (Kafka holds the records meanwhile); a record that
 * keeps failing transiently on its own (or makes the adapter throw) is parked after
 * `parkAfterAttempts` attempts so it cannot hold up its partition for ever.
 */
import type { Logger } from 'pino';
import { callFates, type CallResult, type RecordFate } from './call-fates.ts';
import { ChannelCallError, type ChannelAdapter, type ChannelHttp } from './channel-adapter.ts';
import type { ChannelRefusal, RefusalDetails } from './channel-refusal.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { replacesHolding, revisionText, type Revision } from './holding-revision.ts';
import type { ChannelHoldings, HoldingWrite } from './ops/channel-holdings.ts';
import type { ChannelChange, SinkRecord } from './register-entry.ts';
import { opsWatch, pause, SinkStopped, type OpsWatch } from './delivery-waits.ts';
import { backoffDelayMs, type RetryPolicy } from './retry-backoff.ts';

export type { RecordFate } from './call-fates.ts';
export { SinkStopped } from './delivery-waits.ts';

/** A change of the whole channel, for the register: delivery paused, or resumed. */
export type ChannelEvent = ChannelChange;

export interface DeliverDependencies {
  readonly channel: string;
  readonly adapter: ChannelAdapter;
  readonly http: ChannelHttp;
  readonly holdings: ChannelHoldings;
  /** The end offset of the records' partition when they were fetched (see replacesHolding). */
  readonly partitionEnd?: bigint;
  /**
   * Whether the records' partition is still this replica's (a heartbeat): asked after every call,
   * before its result is recorded. Absent: always.
   */
  readonly stillAssigned?: () => Promise<boolean>;
  /** Told of records found older than their key's holding: before a call (not sent) or after it. */
  readonly stale?: (stage: 'before-call' | 'after-call', keys: readonly string[]) => void;
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

export async function deliverRecords(
  records: readonly SinkRecord[],
  deps: DeliverDependencies,
): Promise<void> {
  // A batch fetched before this replica lost its partition (kafkajs hands over what it fetched
  // already) is not looked at: even its UNCHANGED entries would be a stale replica's word.
  if (deps.signal.aborted || (deps.stillAssigned && !(await deps.stillAssigned()))) {
    throw new SinkStopped('the partition went to another member before the batch began');
  }
  const latest = new Map<string, SinkRecord>();
  const superseded: RecordFate[] = [];
  for (const record of records) {
    const earlier = latest.get(record.key);
    if (earlier) superseded.push({ record: earlier, fate: { status: 'SUPERSEDED', attempt: 0 } });
    latest.set(record.key, record);
  }
  const ops = opsWatch(deps);
  const held = await ops.waitFor('channel holdings', () => deps.holdings.held([...latest.keys()]));
  const unchanged: RecordFate[] = [];
  const overtaken: RecordFate[] = [];
  const toSend: SinkRecord[] = [];
  /** Unchanged content at a newer revision: the holding now reflects the newer record. */
  const newerRevisions: HoldingWrite[] = [];
  for (const record of latest.values()) {
    const holding = held.get(record.key);
    const revision = revisionOf(record);
    if (holding === undefined) {
      toSend.push(record);
    } else if (holding.contentHash === record.contentHash) {
      unchanged.push({ record, fate: { status: 'UNCHANGED', attempt: 0 } });
      if (
        holding.revision?.offset !== revision.offset &&
        replacesHolding(holding.revision, revision, deps.partitionEnd)
      )
        newerRevisions.push({ key: record.key, contentHash: record.contentHash, revision });
    } else if (!replacesHolding(holding.revision, revision, deps.partitionEnd)) {
      overtaken.push({ record, fate: newerHeld(0, null, holding.revision) });
    } else {
      toSend.push(record);
    }
  }
  if (overtaken.length > 0)
    deps.stale?.(
      'before-call',
      overtaken.map((f) => f.record.key),
    );
  // A holding that loses here reflects an even newer record with the same content: nothing to do.
  await ops.waitFor('channel holdings', () => deps.holdings.record(newerRevisions, deps.partitionEnd));
  await deps.record([...superseded, ...unchanged, ...overtaken]);
  for (let start = 0; start < toSend.length; start += deps.batchSize) {
    await deliverChunk(toSend.slice(start, start + deps.batchSize), deps, ops);
    // A fetched batch can take minutes at a channel's pace: the group must hear from us.
    await deps.heartbeat();
  }
}

async function deliverChunk(
  chunk: readonly SinkRecord[],
  deps: DeliverDependencies,
  ops: OpsWatch,
): Promise<void> {
  const now = deps.now ?? Date.now;
  const attemptOf = new Map<SinkRecord, number>();
  const strikesOf = new Map<SinkRecord, number>();
  const attempts = {
    attempt: (record: SinkRecord) => attemptOf.get(record) ?? 1,
    strike: (record: SinkRecord) => {
      const strikes = (strikesOf.get(record) ?? 0) + 1;
      strikesOf.set(record, strikes);
      return strikes;
    },
    parkAfterAttempts: deps.retry.parkAfterAttempts,
  };
  let pending = chunk;
  let callFailures = 0;
  let opsFailures = 0;
  while (pending.length > 0) {
    if (deps.signal.aborted) throw new SinkStopped('the sink is stopping');
    // While the channel refuses, a call goes only as the interval's probe; while it is down, only
    // when the breaker lets it.
    const wait = deps.breaker.waitMs(now()) || deps.refusal.waitMs(now());
    if (wait > 0) {
      await pause(wait, deps);
      continue;
    }
    for (const record of pending) attemptOf.set(record, (attemptOf.get(record) ?? 0) + 1);
    const result = await call(pending, deps);
    // A result that took long may be a batch that is no longer ours (this process was paused, the
    // group moved the partition): then nothing of it is recorded, the new owner sends it again.
    if (deps.signal.aborted || (deps.stillAssigned && !(await deps.stillAssigned()))) {
      throw new SinkStopped('the partition went to another member during the call');
    }
    const refusal = channelWideRefusal(result);
    if (refusal) {
      // The channel looked at none of these records: not an attempt of theirs, no fate, no park.
      for (const record of pending) attemptOf.set(record, (attemptOf.get(record) ?? 1) - 1);
      await refused(refusal, pending[0] as SinkRecord, deps);
      continue;
    }
    if (result.kind === 'answered' || isRefusalOfContent(result)) {
      await accepted(pending[0] as SinkRecord, deps);
    }
    const outcome = callFates(pending, result, attempts);
    if (result.kind === 'answered') {
      deps.breaker.succeeded();
      callFailures = 0;
    } else if (outcome.channelDown) {
      deps.breaker.failed(now());
    }
    if (outcome.opsUnavailable) {
      opsFailures += 1;
      ops.down((result as { error: unknown }).error);
    } else {
      opsFailures = 0;
    }
    if (result.kind === 'failed' && !outcome.opsUnavailable) {
      callFailures += 1;
      deps.logger.warn(
        { err: result.error, records: pending.length, failures: callFailures, breaker: deps.breaker.state },
        `channel ${deps.channel} call failed${outcome.retry.length > 0 ? '; retrying' : ''}`,
      );
    }
    // Held first: a crash between the two re-sends nothing that was delivered. An ops outage here
    // waits: the records are delivered, and say so only once the holdings know it. With nothing
    // delivered there is nothing to write, and no query: that must not pass for the database
    // answering again while an outage failed the call.
    const lost =
      outcome.delivered.length === 0
        ? []
        : await ops.waitFor('channel holdings', () =>
            deps.holdings.record(
              outcome.delivered.map((record) => ({
                key: record.key,
                contentHash: record.contentHash,
                revision: revisionOf(record),
              })),
              deps.partitionEnd,
            ),
          );
    let fates = outcome.fates;
    if (lost.length > 0) {
      // A newer record of these keys was delivered meanwhile (by the replica that took the
      // partition over): the holding stays with it, and this older one is no delivery to show.
      deps.stale?.('after-call', lost);
      const losers = new Set(lost);
      fates = fates.map((f) =>
        f.fate.status === 'DELIVERED' && losers.has(f.record.key)
          ? { record: f.record, fate: newerHeld(f.fate.attempt, f.fate.httpStatus ?? null, null) }
          : f,
      );
    }
    await deps.record(fates);
    pending = outcome.retry;
    if (pending.length > 0) {
      const attempt = outcome.opsUnavailable
        ? opsFailures
        : Math.max(...pending.map((r) => attemptOf.get(r) ?? 1));
      await pause(backoffDelayMs(attempt, deps.retry, outcome.retryAfterMs, deps.random), deps);
    }
  }
}

/** One adapter call; what it threw is its result too, unless the sink is stopping. */
async function call(pending: readonly SinkRecord[], deps: DeliverDependencies): Promise<CallResult> {
  try {
    const outcomes = await deps.adapter.deliver(
      pending.map(({ key, offer, contentHash, partition, offset }) => ({
        key,
        offer,
        contentHash,
        revision: revisionText({ partition, offset: BigInt(offset) }),
      })),
      { http: deps.http, logger: deps.logger, signal: deps.signal },
    );
    if (outcomes.length !== pending.length) {
      throw new Error(
        `adapter ${deps.adapter.kind} returned ${outcomes.length} outcomes for ${pending.length} records`,
      );
    }
    return { kind: 'answered', outcomes };
  } catch (error) {
    if (error instanceof SinkStopped || deps.signal.aborted) throw new SinkStopped('the sink is stopping');
    return { kind: 'failed', error };
  }
}

function channelWideRefusal(result: CallResult): RefusalDetails | undefined {
  if (result.kind !== 'failed' || !(result.error instanceof ChannelCallError)) return undefined;
  const { details } = result.error;
  if (details.channelWide !== true) return undefined;
  return {
    httpStatus: details.status,
    errorCode: details.code ?? 'CHANNEL_REFUSED',
    channelError: details.channelError,
  };
}

/** The channel read the call and refused what it carries: it accepts calls, so a refusal is over. */
function isRefusalOfContent(result: CallResult): boolean {
  return (
    result.kind === 'failed' && result.error instanceof ChannelCallError && !result.error.details.transient
  );
}

async function refused(details: RefusalDetails, record: SinkRecord, deps: DeliverDependencies) {
  const now = (deps.now ?? Date.now)();
  const { refusal } = deps;
  if (!refusal.refused(now, details)) {
    deps.logger.debug({ refusedCalls: refusal.refusal?.refusedCalls }, 'probe refused');
    return;
  }
  await deps.recordChannel({ kind: 'REFUSED', refusal: refusal.refusal!, record, atMs: now });
}

async function accepted(record: SinkRecord, deps: DeliverDependencies) {
  const ended = deps.refusal.accepted();
  if (ended === undefined) return;
  await deps.recordChannel({ kind: 'RESUMED', refusal: ended, record, atMs: (deps.now ?? Date.now)() });
}

function revisionOf(record: SinkRecord): Revision {
  return { partition: record.partition, offset: BigInt(record.offset) };
}

/** SUPERSEDED by a newer record of the key that the channel's holding already reflects. */
function newerHeld(attempt: number, httpStatus: number | null, held: Revision | null): RecordFate['fate'] {
  return {
    status: 'SUPERSEDED',
    attempt,
    httpStatus,
    errorCode: 'NEWER_HELD',
    channelError: held === null ? null : `the holding reflects revision ${revisionText(held)}`,
  };
}
