/**
 * One channel's sink worker: its consumer group on `channel.<id>.offer.v1`, its adapter, the
 * shared budget and holdings in the ops database, the circuit breaker, and the recording of every
 * fate in the sync register (and of parked records in `channel.<id>.dlq.v1`) before the batch's
 * offsets are committed. Several workers of one channel (replicas) share the partitions and the
 * budget; the core does not change for a new channel, only the adapter does.
 */
import type { Kafka } from 'kafkajs';
import type pg from 'pg';
import type { Logger } from 'pino';
import { contentHash, contentHashHeader } from '../contracts/content-hash.ts';
import { channelDlqTopicOf } from '../contracts/topics.ts';
import type { Offer } from '../contracts/channel-offer.ts';
import type { TopicCodec } from '../runtime/codec/topic-codec.ts';
import type { ConsumerLagReporting } from '../runtime/kafka/consumer-lag.ts';
import { parkedRecord } from '../runtime/eos/parked-record.ts';
import {
  consumeInBatches,
  type ConsumedRecord,
  type RunningConsumer,
} from '../runtime/sink/batch-consumer.ts';
import type { OutgoingRecord, RecordWriter } from '../runtime/sink/record-writer.ts';
import type { ChannelAdapter } from './channel-adapter.ts';
import { channelHttp } from './channel-http.ts';
import { ChannelRefusal } from './channel-refusal.ts';
import { CircuitBreaker } from './circuit-breaker.ts';
import { deliverRecords, SinkStopped, type RecordFate } from './deliver-records.ts';
import { postgresHoldings, tombstoneHash } from './ops/channel-holdings.ts';
import { postgresRateBudget } from './ops/rate-budget.ts';
import {
  channelRegisterEntry,
  channelWideKey,
  registerEntry,
  registerKeyOf,
  registerTopic,
  type SinkRecord,
} from './register-entry.ts';
import { channelRefusalDefaults, type SinkConfig } from './sink-config.ts';
import { channelSinkTopology } from './sink-topology.ts';
import type { SinkMetrics } from './sink-metrics.ts';

export { tombstoneHash } from './ops/channel-holdings.ts';
export const sinkGroupOf = (channel: string) => channelSinkTopology.group.replace('<id>', channel);

export interface ChannelSinkOptions {
  readonly kafka: Kafka;
  readonly channel: string;
  readonly topic: string;
  readonly sink: SinkConfig;
  readonly adapter: ChannelAdapter;
  /** Decodes the channel topic's values (Avro through the registry). */
  readonly offerCodec: TopicCodec;
  readonly writer: RecordWriter;
  readonly ops: pg.Pool;
  readonly metrics: SinkMetrics;
  /** Exports the channel group's lag (records and seconds behind) per partition. */
  readonly lag?: ConsumerLagReporting;
  readonly logger: Logger;
  readonly now?: () => number;
  /** The consumer gave up for good (see consumeInBatches). */
  readonly onFatal?: (error: Error) => void;
}

export async function runChannelSink(options: ChannelSinkOptions): Promise<RunningConsumer> {
  const { channel, sink, adapter, metrics, writer } = options;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ channel });
  const stopping = new AbortController();
  const breakerGauge = { closed: 0, 'half-open': 0.5, open: 1 } as const;
  const breaker = new CircuitBreaker(sink.circuitBreaker, (state) => {
    metrics.breakerOpen.set({ channel }, breakerGauge[state]);
    log[state === 'open' ? 'warn' : 'info'](
      { breaker: state },
      `channel ${channel}: circuit breaker ${state}`,
    );
  });
  metrics.breakerOpen.set({ channel }, 0);
  const probeIntervalMs = sink.channelRefusal?.probeIntervalMs ?? channelRefusalDefaults.probeIntervalMs;
  const refusal = new ChannelRefusal({ probeIntervalMs }, (access, refused) => {
    metrics.channelRefused.set({ channel }, access === 'refused' ? 1 : 0);
    const said = {
      httpStatus: refused.httpStatus,
      code: refused.errorCode,
      channelError: refused.channelError,
    };
    if (access === 'refused') {
      log.error(
        { ...said, probeIntervalMs },
        `channel ${channel} refuses every call${refused.httpStatus ? ` (HTTP ${refused.httpStatus})` : ''}: ${refused.channelError}; delivery paused, nothing parked, one probe every ${probeIntervalMs} ms`,
      );
    } else {
      log.info(
        { ...said, refusedCalls: refused.refusedCalls, pausedMs: now() - refused.sinceMs },
        `channel ${channel} accepts calls again; delivery resumed`,
      );
    }
  });
  metrics.channelRefused.set({ channel }, 0);
  metrics.opsUnavailable.set({ channel }, 0);
  const budget = postgresRateBudget(options.ops, channel, sink.rateLimit);
  /**
   * Per batch, so every request also heartbeats that batch's consumer (a bulk poll can be long),
   * and a request in flight is aborted when the batch is (the sink stops, or the partition goes to
   * another member in a rebalance): its answer would be the result of a batch no longer ours.
   */
  const httpFor = (heartbeat: () => Promise<void>, signal: AbortSignal) =>
    channelHttp({
      budget,
      timeoutMs: sink.requestTimeoutMs,
      signal,
      beforeRequest: heartbeat,
      observe: (status, seconds, waitedMs) => {
        metrics.requests.inc({ channel, status: status === null ? 'none' : String(status) });
        metrics.requestSeconds.observe({ channel }, seconds);
        if (waitedMs > 0) metrics.budgetWaitSeconds.inc({ channel }, waitedMs / 1000);
      },
    });
  const holdings = postgresHoldings(options.ops, channel);
  const batchSize = Math.min(sink.batchSize ?? adapter.maxBatch, adapter.maxBatch);

  /** Register entries for every fate, dead letters for the parked ones: durable before going on. */
  async function record(fates: readonly RecordFate[]): Promise<void> {
    if (fates.length === 0) return;
    const at = now();
    const out: OutgoingRecord[] = [];
    for (const { record, fate } of fates) {
      const entry = registerEntry(channel, record, fate, at);
      out.push({ topic: registerTopic, key: registerKeyOf(channel, record.key), value: entry });
      metrics.outcomes.inc({ channel, status: fate.status });
      if (fate.status === 'DELIVERED' && entry.latencyMs !== null) {
        metrics.endToEndSeconds.observe({ channel }, entry.latencyMs / 1000);
      }
      if (fate.status === 'PARKED') {
        out.push({
          topic: channelDlqTopicOf(channel),
          key: record.key,
          value: parkedRecord(
            `sink.${channel}`,
            { code: fate.errorCode ?? 'PARKED', message: entry.sentence, sku: record.key, channel },
            {
              topic: record.topic,
              partition: record.partition,
              offset: record.offset,
              key: record.key,
              raw: record.raw,
              headers: record.headers,
            },
            at,
          ),
        });
        log.warn({ key: record.key, code: fate.errorCode, offset: record.offset }, entry.sentence);
      }
    }
    await writer.write(out);
  }

  const consumer = await consumeInBatches({
    kafka: options.kafka,
    groupId: sinkGroupOf(channel),
    topic: options.topic,
    codec: options.offerCodec,
    logger: log,
    maxWaitTimeMs: sink.maxWaitTimeMs,
    concurrency: sink.concurrency,
    onFatal: options.onFatal,
    lag: options.lag,
    async onBatch(consumed, context) {
      const { records, unreadable } = sinkRecords(consumed);
      await record(unreadable);
      const signal = AbortSignal.any([stopping.signal, context.signal]);
      try {
        await deliverRecords(records, {
          channel,
          adapter,
          http: httpFor(context.heartbeat, signal),
          holdings,
          partitionEnd: context.partitionEnd,
          stillAssigned: context.stillAssigned,
          stale: (stage, keys) => {
            metrics.staleRecords.inc({ channel, stage }, keys.length);
            log.info(
              { stage, keys: keys.slice(0, 20), count: keys.length, partition: records[0]?.partition },
              stage === 'before-call'
                ? `channel ${channel}: ${keys.length} records older than what the holdings reflect; not sent (a replica that lost its partition was overtaken)`
                : `channel ${channel}: ${keys.length} delivered records were overtaken by newer holdings; the holdings keep the newer ones (a replica that lost its partition answered late)`,
            );
          },
          breaker,
          refusal,
          recordChannel: (change) =>
            writer.write([
              {
                topic: registerTopic,
                key: registerKeyOf(channel, channelWideKey),
                value: channelRegisterEntry(channel, change, probeIntervalMs),
              },
            ]),
          opsOutage: (down) => metrics.opsUnavailable.set({ channel }, down ? 1 : 0),
          retry: sink.retry,
          batchSize,
          record,
          logger: log,
          signal,
          heartbeat: context.heartbeat,
          now,
        });
      } catch (error) {
        // Stopping mid-batch, or the partition is another member's now: its offsets stay
        // uncommitted and the batch is delivered again, by whoever holds the partition.
        if (error instanceof SinkStopped) {
          if (!stopping.signal.aborted) {
            metrics.abandonedBatches.inc({ channel });
            log.info(
              { partition: records[0]?.partition, records: records.length, reason: error.message },
              `channel ${channel}: batch abandoned; nothing more of it is recorded, whoever holds the partition delivers it again`,
            );
          }
          return false;
        }
        throw error;
      }
      return true;
    },
  });
  log.info(
    { topic: options.topic, adapter: adapter.kind, batchSize, rateLimit: sink.rateLimit },
    'sink running',
  );
  return {
    async stop() {
      stopping.abort();
      await consumer.stop();
      await adapter.close();
    },
  };
}

/** Kafka records as the sink sees them; a record without a key or a readable value is parked at once. */
function sinkRecords(consumed: readonly ConsumedRecord[]): {
  records: SinkRecord[];
  unreadable: RecordFate[];
} {
  const records: SinkRecord[] = [];
  const unreadable: RecordFate[] = [];
  for (const c of consumed) {
    const offer = c.value === undefined ? null : (c.value as Offer | null);
    const record: SinkRecord = {
      topic: c.topic,
      partition: c.partition,
      offset: c.offset,
      key: c.key ?? `${c.topic}/${c.partition}@${c.offset}`,
      offer,
      // The offers processor sets the header; computed the same way for a record written without it.
      contentHash: c.headers[contentHashHeader] ?? (offer === null ? tombstoneHash : contentHash(offer)),
      headers: c.headers,
      raw: c.raw,
    };
    if (c.key === null || c.decodeError !== undefined) {
      const why =
        c.key === null ? 'the record has no key' : `its value could not be decoded: ${c.decodeError}`;
      unreadable.push({
        record,
        fate: {
          status: 'PARKED',
          attempt: 0,
          errorCode: c.key === null ? 'NO_KEY' : 'DECODE_FAILED',
          channelError: why,
        },
      });
      continue;
    }
    records.push(record);
  }
  return { records, unreadable };
}
