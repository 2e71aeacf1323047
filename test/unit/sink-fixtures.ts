/**
 * The deterministic harness of the sink's unit tests: deliverRecords with a scripted adapter (a
 * stand-in for a channel: the runner's contract with it is the ChannelAdapter interface, tested
 * for real against simulators in the integration tests), in-memory holdings that can be made to
 * fail, an injected clock, sleep and random, and every recorded fate and channel event kept.
 */
import pino from 'pino';
import type { Offer } from '../../streams/processors/offers/index.ts';
import type {
  ChannelAdapter,
  ChannelHttp,
  Delivery,
  ItemOutcome,
} from '../../streams/sinks/channel-adapter.ts';
import { ChannelRefusal } from '../../streams/sinks/channel-refusal.ts';
import { CircuitBreaker } from '../../streams/sinks/circuit-breaker.ts';
import {
  deliverRecords,
  type ChannelEvent,
  type DeliverDependencies,
  type RecordFate,
} from '../../streams/sinks/deliver-records.ts';
import { replacesHolding, type Revision } from '../../streams/sinks/holding-revision.ts';
import type { ChannelHoldings } from '../../streams/sinks/ops/channel-holdings.ts';
import type { SinkRecord } from '../../streams/sinks/register-entry.ts';

export const offer = (sku: string): Offer => ({
  channel: 'webshop',
  sku,
  parentSku: null,
  name: `Product ${sku}`,
  description: null,
  ean: null,
  brand: null,
  category: null,
  attributes: {},
  price: { amount: '10.00', currency: 'EUR' },
  quantity: 3,
  variants: [],
  fields: {},
});

let offset = 0;
export const rec = (key: string, hash = `h-${key}`, value: Offer | null = offer(key)): SinkRecord => ({
  topic: 'channel.webshop.offer.v1',
  partition: 0,
  offset: String(offset++),
  key,
  offer: value,
  contentHash: hash,
  headers: { 'syncline.commit-ms': '1000' },
  raw: null,
});

/**
 * The channel's answer to the n-th call (1-based) made at `nowMs` on the injected clock; throw for
 * a call that fails as a whole.
 */
export type Script = (
  batch: readonly Delivery[],
  call: number,
  nowMs: number,
  http: ChannelHttp,
) => ItemOutcome[];

export interface HarnessOptions {
  readonly held?: Record<string, string>;
  /** The revision each held key's holding reflects (none when absent, as for a row from before). */
  readonly heldRevisions?: Record<string, Revision>;
  readonly batchSize?: number;
  readonly parkAfter?: number;
  readonly probeIntervalMs?: number;
  /** Thrown by the n-th holdings.hashes / holdings.record call (1-based) when it returns an error. */
  readonly hashesFailure?: (call: number) => Error | undefined;
  readonly recordFailure?: (call: number) => Error | undefined;
  /** The HTTP lent to the adapter (the scripted adapter may call it, e.g. to meet a budget failure). */
  readonly http?: ChannelHttp;
}

export function harness(script: Script, options: HarnessOptions = {}) {
  const calls: string[][] = [];
  const held = new Map(Object.entries(options.held ?? {}));
  /** The revision of each holding; written by the rule the ops database applies (replacesHolding). */
  const revisions = new Map<string, Revision>(Object.entries(options.heldRevisions ?? {}));
  /** Every holdings write asked for, with the partition end it was given. */
  const holdingWrites: { keys: string[]; partitionEnd: bigint | undefined }[] = [];
  const fates: RecordFate[] = [];
  const events: ChannelEvent[] = [];
  const sleeps: number[] = [];
  /** When each adapter call was made, on the injected clock. */
  const callTimes: number[] = [];
  let clock = 0;
  let hashesCalls = 0;
  let recordCalls = 0;
  const http: ChannelHttp = options.http ?? { request: () => Promise.reject(new Error('not used')) };
  const adapter: ChannelAdapter = {
    kind: 'scripted',
    maxBatch: 100,
    deliver: (batch) => {
      calls.push(batch.map((d) => d.key));
      callTimes.push(clock);
      const call = calls.length;
      const at = clock;
      return Promise.resolve().then(() => script(batch, call, at, http));
    },
    close: () => Promise.resolve(),
  };
  const holdings: ChannelHoldings = {
    held: (keys) => {
      const failure = options.hashesFailure?.(++hashesCalls);
      if (failure) return Promise.reject(failure);
      return Promise.resolve(
        new Map(
          keys.flatMap((k) =>
            held.has(k)
              ? [[k, { contentHash: held.get(k)!, revision: revisions.get(k) ?? null }] as const]
              : [],
          ),
        ),
      );
    },
    record: (writes, partitionEnd) => {
      if (writes.length === 0) return Promise.resolve([]);
      const failure = options.recordFailure?.(++recordCalls);
      if (failure) return Promise.reject(failure);
      holdingWrites.push({ keys: writes.map((w) => w.key), partitionEnd });
      const lost: string[] = [];
      for (const w of writes) {
        if (held.has(w.key) && !replacesHolding(revisions.get(w.key) ?? null, w.revision, partitionEnd)) {
          lost.push(w.key);
          continue;
        }
        held.set(w.key, w.contentHash);
        revisions.set(w.key, w.revision);
      }
      return Promise.resolve(lost);
    },
  };
  const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, maxOpenMs: 8000 });
  const refusal = new ChannelRefusal({ probeIntervalMs: options.probeIntervalMs ?? 5000 });
  const deps: DeliverDependencies = {
    channel: 'webshop',
    adapter,
    http,
    holdings,
    breaker,
    refusal,
    retry: {
      initialDelayMs: 100,
      maxDelayMs: 5000,
      multiplier: 2,
      parkAfterAttempts: options.parkAfter ?? 5,
    },
    batchSize: options.batchSize ?? 100,
    record: (batch) => (fates.push(...batch), Promise.resolve()),
    recordChannel: (event) => (events.push(event), Promise.resolve()),
    logger: pino({ level: 'silent' }),
    signal: new AbortController().signal,
    heartbeat: () => Promise.resolve(),
    now: () => clock,
    sleep: (ms) => {
      sleeps.push(ms);
      clock += ms;
      return Promise.resolve();
    },
    random: () => 0.5,
  };
  const run = (records: SinkRecord[], overrides: Partial<DeliverDependencies> = {}) =>
    deliverRecords(records, { ...deps, ...overrides });
  const statuses = () => fates.map((f) => `${f.record.key}:${f.fate.status}:${f.fate.attempt}`);
  return {
    run,
    calls,
    callTimes,
    held,
    revisions,
    holdingWrites,
    fates,
    events,
    sleeps,
    statuses,
    breaker,
    refusal,
    deps,
  };
}

export const delivered = (batch: readonly Delivery[]): ItemOutcome[] =>
  batch.map(() => ({ kind: 'delivered', status: 200 }));
