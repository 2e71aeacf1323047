/**
 * One task of a processor: one partition number across its input topics, with its own
 * transactional producer, local state store and Kafka transaction.
 *
 * A batch is decoded, processed against the task's state, and its outputs, dead letters and input
 * offsets go to Kafka in one transaction; only after that commit are the state changes written to
 * the local store with the offsets they reflect. The producer's transactional id is fixed per task
 * (`<group>-task-<n>`), so whichever instance starts the task next fences a zombie (kafkajs sends
 * offsets without the consumer generation of KIP-447; fencing rests on that id alone).
 *
 * A task that starts with a local store behind Kafka first replays the missing input into state
 * (restore-plan.ts); until every input partition is restored, no live record is processed, as a
 * joining processor would join it with state from before the replay.
 *
 * Lifecycle: starting -> running -> closed. Any failure of a transaction closes the task and is
 * rethrown; the processing loop then starts the task again from its last commit, which is always
 * consistent (or, fenced, leaves it to the instance that fenced it).
 */
import type { Admin, Batch, ICustomPartitioner, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { RegistryWait } from '../codec/registry-wait.ts';
import type { Codecs } from '../codec/topic-codec.ts';
import { isFencing, SynclineError } from '../errors.ts';
import { textHeaders } from '../kafka/text-headers.ts';
import { commitTimeOf, onlyLineage } from '../lineage-headers.ts';
import type { EngineMetrics } from '../metrics.ts';
import type { Emission, InputRecord, Parked, Processor } from '../processor.ts';
import { TaskState } from '../state/task-state.ts';
import { TaskStore, topicPartition } from '../state/task-store.ts';
import { openOutputSession, type CommitOffsets, type OutputSession } from './output-session.ts';
import { messageSizeLimits, type MessageSizeLimits } from './message-size-limits.ts';
import { parkedRecord } from './parked-record.ts';
import { recordBatchOverheadBytes, recordBytes, recordTooLarge } from './record-size.ts';
import { restorePlan, type PartitionOffsets } from './restore-plan.ts';
import { settledOffsets } from './settled-offsets.ts';
import { TaskLock } from './task-lock.ts';

export interface TaskDependencies {
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly groupId: string;
  readonly processor: Processor;
  readonly codecs: Codecs;
  readonly stateDir: string;
  readonly metrics: EngineMetrics;
  readonly logger: Logger;
  readonly createPartitioner: ICustomPartitioner;
  readonly transactionTimeoutMs: number;
  /** False = at least once (output-session.ts): no transactions, offsets committed after the outputs. */
  readonly exactlyOnce: boolean;
  /** Commits input offsets through the consumer group (at-least-once only). */
  readonly commitOffsets: CommitOffsets;
  /** Move the consumer's position of one input partition (the engine's consumer). */
  readonly seek: (topic: string, partition: number, offset: string) => void;
  /** Replaces every output topic's max.message.bytes as read from the broker (message-size-limits.ts). */
  readonly maxMessageBytes?: number;
  readonly now?: () => number;
}

const parkLogIntervalMs = 10_000;
const restoreWarnAfterMs = 30_000;

/**
 * Outputs are sent to the broker, inside the open transaction, whenever this many bytes are
 * pending, so a backlog does not pile up in memory. The broker's limit on a batch is kept apart,
 * per topic (append()): kafkajs puts all of one call's messages for a partition into one record
 * batch, and a batch over the topic's max.message.bytes is refused, which fails the transaction.
 */
const flushBytes = 256 * 1024;

type TaskPhase = 'starting' | 'running' | 'closed';

interface Pending {
  /** Outputs not yet sent to the broker (sent in chunks of flushBytes, see append()). */
  readonly messages: Map<string, Message[]>;
  /** Bytes of the records in `messages` (record-size.ts), in all and per topic. */
  bytes: number;
  readonly topicBytes: Map<string, number>;
  /** Outputs of this transaction already sent, per topic (for the records-out metric). */
  readonly sent: Map<string, number>;
  /** Next offset to read per input partition, as of this transaction's records. */
  readonly offsets: Map<string, { topic: string; partition: number; offset: string }>;
  readonly commitTimes: number[];
  readonly parked: Map<string, number>;
}

const emptyPending = (): Pending => ({
  messages: new Map(),
  bytes: 0,
  topicBytes: new Map(),
  sent: new Map(),
  offsets: new Map(),
  commitTimes: [],
  parked: new Map(),
});

export class Task {
  readonly lock = new TaskLock();
  private phase: TaskPhase = 'starting';
  private wasFenced = false;
  /** A store write failed: the store is removed on close, and rebuilt from Kafka on the next start. */
  private storeUntrusted = false;
  private transaction: OutputSession | undefined;
  private transactionOpenedAt = 0;
  private pending: Pending = emptyPending();
  private readonly checkpoint = new Map<string, string>();
  private readonly lastParkLogged = new Map<string, number>();
  private readonly replayUntil = new Map<string, bigint>();
  private readonly startedAt: number;
  private restoreWaitLogged = false;
  private registryWait: RegistryWait | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly sizeLimits: MessageSizeLimits;

  private constructor(
    readonly id: number,
    private readonly deps: TaskDependencies,
    private readonly producer: Producer,
    private readonly store: TaskStore,
    private readonly state: TaskState,
  ) {
    this.log = deps.logger.child({ task: id });
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.sizeLimits = messageSizeLimits(deps.admin, this.log, deps.maxMessageBytes);
  }

  static async start(
    deps: TaskDependencies,
    id: number,
    inputs: ReadonlyArray<{ topic: string; partition: number }>,
  ): Promise<Task> {
    const { processor } = deps;
    const store = TaskStore.open(`${deps.stateDir}/${deps.groupId}`, id, processor.stateSignature);
    const producer = deps.kafka.producer({
      ...(deps.exactlyOnce
        ? { transactionalId: `${deps.groupId}-task-${id}`, transactionTimeout: deps.transactionTimeoutMs }
        : {}),
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: deps.createPartitioner,
    });
    try {
      // Connecting a transactional producer runs InitProducerId: from here on, an older instance
      // of this task (a zombie) can no longer commit.
      await producer.connect();
    } catch (error) {
      await store.close();
      throw error;
    }
    const task = new Task(id, deps, producer, store, new TaskState(store));
    try {
      await task.planRestore(inputs);
    } catch (error) {
      await task.close();
      throw error;
    }
    task.phase = 'running';
    return task;
  }

  private async planRestore(inputs: ReadonlyArray<{ topic: string; partition: number }>): Promise<void> {
    const topics = [...new Set(inputs.map((i) => i.topic))];
    // Throws (retriable) rather than answer offsets that never agreed: the task's start fails,
    // and the processing loop starts it again with its next batch or the consumer's restart.
    const committed = await settledOffsets(
      (topics) => this.deps.admin.fetchOffsets({ groupId: this.deps.groupId, topics }),
      inputs,
      topicPartition,
      {
        onWaiting: (moving, waitedMs) =>
          this.log.warn(
            { moving, waitedMs },
            'waiting for the committed offsets to settle before the task starts',
          ),
      },
    );
    const saved = this.store.checkpoint();
    const partitions = new Map<string, PartitionOffsets>();
    for (const [tp, offset] of committed)
      partitions.set(tp, { committed: offset, checkpoint: saved?.get(tp) });
    const plan = restorePlan(partitions);
    if (plan.wipe) {
      this.log.warn(
        { store: this.store.path },
        'local state does not match the committed offsets; rebuilding it from Kafka',
      );
      try {
        this.store.wipe();
      } catch (error) {
        // Task.start closes the task, which then removes the store.
        this.storeUntrusted = true;
        throw error;
      }
    } else if (saved) {
      for (const [tp, offset] of saved) this.checkpoint.set(tp, offset);
    }
    const lowWatermarks = new Map<string, bigint>();
    for (const topic of topics) {
      for (const { partition, low } of await this.deps.admin.fetchTopicOffsets(topic)) {
        lowWatermarks.set(topicPartition(topic, partition), BigInt(low));
      }
    }
    // Every input partition is moved to where this task must start, whatever the consumer's
    // position was: the committed offset, or earlier to replay into state. Batches fetched before
    // the move are stale and skipped.
    for (const { topic, partition } of inputs) {
      const tp = topicPartition(topic, partition);
      const replay = plan.replay.get(tp);
      const low = lowWatermarks.get(tp) ?? 0n;
      const committedOffset = partitions.get(tp)?.committed;
      const from = replay
        ? BigInt(replay.from)
        : committedOffset !== undefined
          ? BigInt(committedOffset)
          : low;
      const start = from < low ? low : from;
      if (replay && start < BigInt(replay.until)) this.replayUntil.set(tp, BigInt(replay.until));
      this.deps.seek(topic, partition, start.toString());
    }
    if (this.replayUntil.size > 0) {
      this.log.info(
        { replay: Object.fromEntries([...this.replayUntil].map(([tp, until]) => [tp, until.toString()])) },
        'restoring local state',
      );
    }
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  /** Closed because another instance started this task: it must not be restarted here unasked. */
  get fenced(): boolean {
    return this.wasFenced;
  }

  /** Processes one fetched batch; returns the offset to resolve in the consumer (the last message). */
  async handleBatch(
    batch: Batch,
    heartbeat: () => Promise<void>,
    commitIntervalMs: number,
  ): Promise<string | undefined> {
    if (this.phase !== 'running') throw new SynclineError('WRONG_STATE', `task ${this.id} is ${this.phase}`);
    const tp = topicPartition(batch.topic, batch.partition);
    const started = this.now();
    const { processor, metrics } = this.deps;
    let last: string | undefined;
    let replayed = 0;
    // Counted per batch, not per record: a labelled counter lookup per record is hot-path work.
    let processed = 0;
    for (const message of batch.messages) {
      const until = this.replayUntil.get(tp);
      const replaying = until !== undefined && BigInt(message.offset) < until;
      if (until !== undefined && !replaying) await this.finishReplay(tp);
      // A live record waits until every input partition of the task is restored: a processor that
      // joins its inputs (offers: product, stock and prices of a SKU) would otherwise join it with
      // another partition's state from before the replay, emit a wrong record and, through
      // suppression, keep it. Not resolved, the rest of the batch is fetched again.
      if (!replaying && this.replayUntil.size > 0) {
        this.noteWaitingForRestore();
        break;
      }
      const record = await this.decode(batch, message, replaying);
      // The registry cannot be asked for the record's schema: neither park nor skip it. End the
      // batch unresolved after a short pause (its transaction can commit meanwhile) and meet the
      // record again in the next fetch.
      if (record === 'registry-unavailable') break;
      const next = (BigInt(message.offset) + 1n).toString();
      if (replaying) {
        if (record !== undefined) this.safeProcess(record.input, true);
        this.checkpoint.set(tp, next);
        replayed += 1;
      } else {
        await this.ensureTransaction();
        if (record !== undefined) {
          for (const emission of this.safeProcess(record.input, false))
            await this.emit(emission, record.input, record.raw);
        }
        this.pending.offsets.set(tp, { topic: batch.topic, partition: batch.partition, offset: next });
        processed += 1;
      }
      last = message.offset;
      if (replayed > 0 && replayed % 5000 === 0) await heartbeat();
    }
    if (processed > 0) metrics.recordsIn.inc({ processor: processor.name, topic: batch.topic }, processed);
    if (replayed > 0) metrics.restoredRecords.inc({ processor: processor.name }, replayed);
    // Still replaying at the end of the batch: save the progress. A batch that went past the
    // replay's end saved it in finishReplay, and its later records' state changes belong to the
    // open transaction: written here, a store would hold state its checkpoint does not cover, and
    // a crash before the commit would leave it ahead of Kafka (the engine fault test caught counts
    // jumping from 24 to 129).
    const until = this.replayUntil.get(tp);
    if (replayed > 0 && until !== undefined) {
      await this.saveState();
      // The batch's last offset counts the transaction markers after its last record: the replay
      // is over once the position reaches its end, even if no record follows for a long time
      // (the other partitions' live records wait for it).
      if (BigInt(batch.lastOffset()) + 1n >= until) await this.finishReplay(tp);
    }
    if (this.transaction && this.now() - this.transactionOpenedAt >= commitIntervalMs) await this.commit();
    metrics.batchSeconds.observe({ processor: processor.name }, (this.now() - started) / 1000);
    return last;
  }

  /** No transaction is open during a replay: live records wait for every replay to end. */
  private async finishReplay(tp: string): Promise<void> {
    this.replayUntil.delete(tp);
    await this.saveState();
    this.log.info({ partition: tp }, 'local state restored');
    if (this.replayUntil.size === 0 && this.restoreWaitLogged) {
      this.log.info('every input partition restored; live records flow again');
    }
  }

  /**
   * Says, once per restore and after `restoreWarnAfterMs`, which partitions live records have been
   * waiting for: a restore that long is a backlog worth seeing (or a replay whose last records
   * were compacted away, which ends with the partition's next record).
   */
  private noteWaitingForRestore(): void {
    if (this.restoreWaitLogged || this.now() - this.startedAt < restoreWarnAfterMs) return;
    this.restoreWaitLogged = true;
    this.log.warn(
      { restoring: Object.fromEntries([...this.replayUntil].map(([tp, until]) => [tp, until.toString()])) },
      'live records are waiting for the local state to be restored',
    );
  }

  private async decode(batch: Batch, message: Batch['messages'][number], replaying: boolean) {
    const key = message.key === null || message.key === undefined ? null : message.key.toString();
    const headers = textHeaders(message.headers);
    // kafkajs hands over a Buffer already; no copy is needed (it is only read, and kept for a park).
    const raw = message.value ?? null;
    let value: unknown = null;
    try {
      value = raw === null ? null : await this.deps.codecs.input(batch.topic).decode(raw);
      this.registryWait?.answered();
    } catch (error) {
      if ((error as SynclineError).code === 'SCHEMA_REGISTRY' && (error as SynclineError).retriable) {
        this.registryWait ??= new RegistryWait(this.log);
        await this.registryWait.pause(error);
        return 'registry-unavailable' as const;
      }
      // Parked when first seen; a replay only rebuilds state.
      if (replaying) return undefined;
      const reason: Parked = {
        code: 'DECODE_FAILED',
        message: `the record at ${batch.topic}/${batch.partition}@${message.offset} could not be decoded: ${(error as Error).message}`,
      };
      await this.ensureTransaction();
      await this.park(reason, {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key,
        raw,
      });
      return undefined;
    }
    const input: InputRecord = {
      topic: batch.topic,
      partition: batch.partition,
      offset: message.offset,
      key,
      value,
      headers,
      timestampMs: Number(message.timestamp),
    };
    return { input, raw };
  }

  /** A processor that throws on one record parks that record; the line goes on (invariant 5). */
  private safeProcess(input: InputRecord, restoring: boolean): readonly Emission[] {
    try {
      return this.deps.processor.process(input, { state: this.state, restoring });
    } catch (error) {
      if (restoring) return [];
      this.log.error(
        { err: error, topic: input.topic, partition: input.partition, offset: input.offset },
        'processor failed on a record; parking it',
      );
      return [
        {
          kind: 'park',
          reason: {
            code: 'PROCESSING_FAILED',
            message: `processing ${input.topic}/${input.partition}@${input.offset} failed: ${(error as Error).message}`,
          },
        },
      ];
    }
  }

  private async emit(emission: Emission, input: InputRecord, raw: Buffer | null): Promise<void> {
    const source = {
      topic: input.topic,
      partition: input.partition,
      offset: input.offset,
      key: input.key,
      raw,
    };
    if (emission.kind === 'park') return this.park(emission.reason, source);
    const { record } = emission;
    let value: Buffer | null = null;
    try {
      value = record.value === null ? null : await this.deps.codecs.output(record.topic).encode(record.value);
    } catch (error) {
      const reason: Parked = {
        code: 'SCHEMA_VIOLATION',
        message: `the ${record.topic} record for key ${record.key} does not fit the topic's schema: ${(error as Error).message}`,
      };
      return this.park(reason, source);
    }
    const headers = record.headers ?? onlyLineage(input.headers);
    // Refused by the broker, it would fail this transaction and every retry of it: parked instead.
    const refused = await this.append(record.topic, { key: record.key, value, headers });
    if (refused) return this.park(recordTooLarge(record.topic, record.key, refused), source);
    const commitTime = commitTimeOf(headers);
    if (commitTime !== undefined) this.pending.commitTimes.push(commitTime);
  }

  private async park(
    reason: Parked,
    source: { topic: string; partition: number; offset: string; key: string | null; raw: Buffer | null },
  ): Promise<void> {
    const { processor } = this.deps;
    const topic = processor.dlqTopic(reason);
    const key = reason.sku ?? source.key ?? `${source.topic}/${source.partition}@${source.offset}`;
    const encode = (omitValue: boolean) =>
      this.deps.codecs
        .output(topic)
        .encode(parkedRecord(processor.name, reason, source, this.now(), omitValue));
    // An input too large for the dead-letter topic is named by its position instead of copied.
    const withInput = await this.append(topic, { key, value: await encode(false), headers: {} });
    if (withInput) {
      const refused = await this.append(topic, { key, value: await encode(true), headers: {} });
      if (refused) {
        this.log.error(
          {
            code: reason.code,
            topic: source.topic,
            partition: source.partition,
            offset: source.offset,
            dlq: topic,
          },
          `even without its input the dead-letter record is larger than ${topic} accepts; not written: ${reason.message}`,
        );
      }
    }
    this.pending.parked.set(reason.code, (this.pending.parked.get(reason.code) ?? 0) + 1);
    // The DLQ record is the durable account of every park; the log shows one per code every
    // parkLogIntervalMs at warn (the rest at debug), so a bulk of parks does not drown the log.
    const now = this.now();
    const loud = now - (this.lastParkLogged.get(reason.code) ?? -Infinity) >= parkLogIntervalMs;
    if (loud) this.lastParkLogged.set(reason.code, now);
    this.log[loud ? 'warn' : 'debug'](
      {
        code: reason.code,
        sku: reason.sku,
        channel: reason.channel,
        topic: source.topic,
        offset: source.offset,
      },
      reason.message,
    );
  }

  /**
   * Queues an output, sending what is pending first when the topic's pending records and this one
   * would together make a batch larger than the topic accepts. Returns its size and the topic's
   * limit, queuing nothing, when the record alone is larger.
   */
  private async append(
    topic: string,
    message: Message,
  ): Promise<{ bytes: number; limit: number } | undefined> {
    const limit = await this.sizeLimits.limitOf(topic);
    const bytes = recordBytes(message);
    if (recordBatchOverheadBytes + bytes > limit) return { bytes: recordBatchOverheadBytes + bytes, limit };
    if (recordBatchOverheadBytes + (this.pending.topicBytes.get(topic) ?? 0) + bytes > limit)
      await this.flush();
    const pending = this.pending;
    let messages = pending.messages.get(topic);
    if (!messages) {
      messages = [];
      pending.messages.set(topic, messages);
    }
    messages.push(message);
    pending.bytes += bytes;
    pending.topicBytes.set(topic, (pending.topicBytes.get(topic) ?? 0) + bytes);
    if (pending.bytes >= flushBytes) await this.flush();
    return undefined;
  }

  /** Sends the pending outputs now; a failure aborts the transaction and closes the task. */
  private async flush(): Promise<void> {
    const pending = this.pending;
    const transaction = this.transaction;
    if (!transaction) return;
    try {
      await this.send(transaction, pending);
    } catch (error) {
      this.transaction = undefined;
      this.pending = emptyPending();
      await this.fail(transaction, error);
      throw error;
    }
  }

  /** Sends the pending outputs within the transaction, and forgets them (they count as sent). */
  private async send(transaction: OutputSession, pending: Pending): Promise<void> {
    const topicMessages = [...pending.messages].map(([topic, messages]) => ({ topic, messages }));
    pending.messages.clear();
    pending.bytes = 0;
    pending.topicBytes.clear();
    if (topicMessages.length === 0) return;
    await transaction.sendBatch({ topicMessages, acks: -1 });
    for (const { topic, messages } of topicMessages) {
      pending.sent.set(topic, (pending.sent.get(topic) ?? 0) + messages.length);
    }
  }

  /** A transaction that failed: aborted, the task closed; the caller rethrows. */
  private async fail(transaction: OutputSession, error: unknown): Promise<void> {
    const { processor, metrics } = this.deps;
    metrics.transactionsAborted.inc({
      processor: processor.name,
      reason: (error as { type?: string }).type ?? (error as Error).name,
    });
    this.wasFenced = isFencing(error);
    this.log.error({ err: error }, 'transaction failed; the task restarts from its last commit');
    await transaction.abort().catch(() => undefined);
    await this.close();
  }

  private async ensureTransaction(): Promise<void> {
    if (this.transaction) return;
    this.transaction = await openOutputSession(this.producer, this.deps.exactlyOnce, this.deps.commitOffsets);
    this.transactionOpenedAt = this.now();
  }

  /**
   * Sends the transaction's outputs and input offsets and commits; then, and only then, writes the
   * state changes and their checkpoint to the local store.
   */
  async commit(): Promise<void> {
    const transaction = this.transaction;
    if (!transaction) return;
    const { processor, metrics, groupId } = this.deps;
    const pending = this.pending;
    const started = this.now();
    try {
      await this.send(transaction, pending);
      const byTopic = new Map<string, { partition: number; offset: string }[]>();
      for (const { topic, partition, offset } of pending.offsets.values()) {
        byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
      }
      await transaction.sendOffsets({
        consumerGroupId: groupId,
        topics: [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
      });
      await transaction.commit();
    } catch (error) {
      await this.fail(transaction, error);
      throw error;
    } finally {
      this.transaction = undefined;
      this.pending = emptyPending();
    }
    for (const [tp, { offset }] of pending.offsets) this.checkpoint.set(tp, offset);
    await this.saveState();
    const committedAt = this.now();
    metrics.commitSeconds.observe({ processor: processor.name }, (committedAt - started) / 1000);
    for (const [topic, count] of pending.sent)
      metrics.recordsOut.inc({ processor: processor.name, topic }, count);
    for (const [code, count] of pending.parked)
      metrics.recordsParked.inc({ processor: processor.name, code }, count);
    for (const commitTime of pending.commitTimes) {
      metrics.endToEndSeconds.observe(
        { processor: processor.name },
        Math.max(0, committedAt - commitTime) / 1000,
      );
    }
    metrics.stateRows.set({ processor: processor.name, task: String(this.id) }, this.store.size());
  }

  /**
   * Writes the state changes and their checkpoint to the local store. A write that fails (a full
   * disk, EIO) after the Kafka commit has lost those changes from memory while Kafka holds the
   * outputs and offsets they go with: processing on, or the consumer fetching the batch again,
   * would count from a state behind Kafka (duplicates, and checkpoints covering changes never
   * stored). So the store is no longer trusted: the task closes and removes it, and the
   * processing loop starts the task again, which rebuilds the state from Kafka. Should the removal
   * fail, LMDB's failed transaction left the store at its last good checkpoint, which the restart
   * replays from.
   */
  private async saveState(): Promise<void> {
    try {
      this.store.commit(this.state.takeChanges(), this.checkpoint);
    } catch (error) {
      this.storeUntrusted = true;
      this.log.error(
        { err: error, store: this.store.path },
        'local state could not be written; the task removes it, restarts and rebuilds it from Kafka',
      );
      await this.close();
      throw new SynclineError(
        'STATE_STORE',
        `task ${this.id} could not write its local state store at ${this.store.path}: ${(error as Error).message}`,
        true,
        { cause: error },
      );
    }
  }

  /** Whether a transaction has been open for at least `intervalMs` (the engine's commit timer). */
  due(intervalMs: number): boolean {
    return this.transaction !== undefined && this.now() - this.transactionOpenedAt >= intervalMs;
  }

  /** Commits what is pending (on a clean stop or a revoke), then releases producer and store. */
  async stop(): Promise<void> {
    if (this.phase === 'closed') return;
    try {
      await this.commit();
    } catch {
      // commit() already closed the task and logged why.
    }
    await this.close();
  }

  private async close(): Promise<void> {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.state.discard();
    await this.producer.disconnect().catch(() => undefined);
    if (!this.storeUntrusted) {
      await this.store.close().catch(() => undefined);
      return;
    }
    await this.store
      .discard()
      .catch((error: unknown) =>
        this.log.error({ err: error, store: this.store.path }, 'could not remove the local state store'),
      );
  }
}
