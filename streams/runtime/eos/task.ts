/**
 * One task of a processor: one partition number across its input topics, with its own
 * transactional producer, local state store and Kafka transaction.
 *
 * A batch is decoded, processed against the task's state, and its outputs, dead letters and input
 * offsets go to Kafka in one transaction; only after that commit are the state changes written to
 * the local store with the offsets they reflect (task-local-state.ts). The producer's transactional
 * id is fixed per task, so whichever instance starts the task next fences a zombie.
 *
 * A task that starts with a local store behind Kafka first replays the missing input into state
 * (task-restore.ts); until every input partition is restored, no live record is processed.
 *
 * The task reaches Kafka only through its seam (task-kafka.ts): kafkajs in the engine, a double in
 * unit tests. Its other parts, one concern each: task-transaction.ts (the open transaction and its
 * buffered outputs), dead-letters.ts (parks), input-decoder.ts (records and registry outages),
 * task-restore.ts, task-local-state.ts.
 *
 * Lifecycle: starting -> running -> closed. Any failure of a transaction, or of a store write after
 * a commit, closes the task and is rethrown; the processing loop then starts the task again from
 * its last commit, which is always consistent (or, fenced, leaves it to the instance that fenced
 * it).
 */
import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { Codecs } from '../codec/topic-codec.ts';
import { isFencing, SynclineError } from '../errors.ts';
import { commitTimeOf, onlyLineage } from '../lineage-headers.ts';
import type { EngineMetrics } from '../metrics.ts';
import type { Emission, InputRecord, Parked, Processor } from '../processor.ts';
import { TaskStore, topicPartition } from '../state/task-store.ts';
import { DeadLetters } from './dead-letters.ts';
import { InputDecoder } from './input-decoder.ts';
import { messageSizeLimits, type MessageSizeLimits } from './message-size-limits.ts';
import type { ParkedInput } from './parked-record.ts';
import { recordTooLarge } from './record-size.ts';
import { TaskLocalState, type LocalStore } from './task-local-state.ts';
import type { FetchedBatch, TaskKafka } from './task-kafka.ts';
import { TaskLock } from './task-lock.ts';
import { TaskRestore } from './task-restore.ts';
import { TaskTransaction, type Refused } from './task-transaction.ts';

export interface TaskDependencies {
  /** The seam to Kafka for one run of a task (kafkajs-task-kafka.ts). */
  readonly kafkaFor: (taskId: number) => TaskKafka;
  readonly groupId: string;
  readonly processor: Processor;
  readonly codecs: Codecs;
  readonly stateDir: string;
  readonly metrics: EngineMetrics;
  readonly logger: Logger;
  /** False = at least once (output-session.ts): no transactions, offsets committed after the outputs. */
  readonly exactlyOnce: boolean;
  /** Replaces every output topic's max.message.bytes as read from the broker (message-size-limits.ts). */
  readonly maxMessageBytes?: number;
  readonly now?: () => number;
  /** Pauses while the schema registry is away or offsets settle; a timer by default. */
  readonly sleep?: (ms: number) => Promise<unknown>;
  /** Opens the task's store; LMDB (TaskStore) by default. */
  readonly openStore?: (baseDir: string, taskId: number, signature: string) => LocalStore;
}

type TaskPhase = 'starting' | 'running' | 'closed';

export class Task {
  readonly lock = new TaskLock();
  private phase: TaskPhase = 'starting';
  private wasFenced = false;
  private transaction: TaskTransaction | undefined;
  private restore: TaskRestore | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly sizeLimits: MessageSizeLimits;
  private readonly decoder: InputDecoder;
  private readonly deadLetters: DeadLetters;
  private readonly local: TaskLocalState;

  private constructor(
    readonly id: number,
    private readonly deps: TaskDependencies,
    private readonly kafka: TaskKafka,
    store: LocalStore,
  ) {
    this.log = deps.logger.child({ task: id });
    this.local = new TaskLocalState(store, id, this.log);
    this.now = deps.now ?? Date.now;
    this.sizeLimits = messageSizeLimits(kafka.configs, this.log, deps.maxMessageBytes);
    this.decoder = new InputDecoder(deps.codecs, this.log, deps.sleep);
    this.deadLetters = new DeadLetters(deps.processor, deps.codecs, this.log, this.now);
  }

  static async start(
    deps: TaskDependencies,
    id: number,
    inputs: ReadonlyArray<{ topic: string; partition: number }>,
  ): Promise<Task> {
    const open = deps.openStore ?? ((dir, task, signature) => TaskStore.open(dir, task, signature));
    const store = open(`${deps.stateDir}/${deps.groupId}`, id, deps.processor.stateSignature);
    const kafka = deps.kafkaFor(id);
    try {
      // Connecting runs InitProducerId with the task's transactional id (kafkajs-task-kafka.ts):
      // from here on, an older instance of this task (a zombie) can no longer commit.
      await kafka.connectProducer();
    } catch (error) {
      await store.close();
      throw error;
    }
    const task = new Task(id, deps, kafka, store);
    try {
      task.restore = await TaskRestore.start(kafka, task.local, inputs, task.log, {
        now: task.now,
        wait: deps.sleep,
      });
    } catch (error) {
      await task.close();
      throw error;
    }
    task.phase = 'running';
    return task;
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
    batch: FetchedBatch,
    heartbeat: () => Promise<void>,
    commitIntervalMs: number,
  ): Promise<string | undefined> {
    const restore = this.restore;
    if (this.phase !== 'running' || !restore)
      throw new SynclineError('WRONG_STATE', `task ${this.id} is ${this.phase}`);
    const tp = topicPartition(batch.topic, batch.partition);
    const started = this.now();
    const { processor, metrics } = this.deps;
    let last: string | undefined;
    let replayed = 0;
    // Counted per batch, not per record: a labelled counter lookup per record is hot-path work.
    let processed = 0;
    /** The batch was left before its end, whose records are met again in the next fetch. */
    let leftEarly = false;
    for (const message of batch.messages) {
      const until = restore.until(tp);
      const replaying = until !== undefined && BigInt(message.offset) < until;
      if (until !== undefined && !replaying) await this.finishReplay(tp);
      // A live record waits until every input partition of the task is restored (task-restore.ts).
      // Not resolved, the rest of the batch is fetched again.
      if (!replaying && restore.restoring) {
        restore.noteLiveRecordWaiting();
        break;
      }
      const decoded = await this.decoder.decode(batch, message);
      // The registry cannot be asked for the record's schema: neither park nor skip it. End the
      // batch unresolved after a short pause (its transaction can commit meanwhile) and meet the
      // record again in the next fetch.
      if (decoded.kind === 'registry-unavailable') {
        leftEarly = true;
        break;
      }
      const next = (BigInt(message.offset) + 1n).toString();
      if (replaying) {
        // Bad input was parked when first seen; a replay only rebuilds state.
        if (decoded.kind === 'record') this.safeProcess(decoded.input, true);
        this.local.advance(tp, next);
        replayed += 1;
      } else {
        const transaction = await this.ensureTransaction();
        if (decoded.kind === 'record') {
          for (const emission of this.safeProcess(decoded.input, false))
            await this.emit(emission, decoded.input, decoded.raw);
        } else {
          await this.park(decoded.reason, decoded.source);
        }
        transaction.consumed(tp, batch.topic, batch.partition, next);
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
    const until = restore.until(tp);
    if (replayed > 0 && until !== undefined) {
      await this.saveState();
      // The batch's last offset counts the transaction markers after its last record: the replay
      // is over once the position reaches its end, even if no record follows for a long time
      // (the other partitions' live records wait for it). Not when the batch was left early: its
      // end is not the position, and the records not replayed yet would be processed as live,
      // their outputs written a second time.
      if (!leftEarly && BigInt(batch.lastOffset()) + 1n >= until) await this.finishReplay(tp);
    }
    if (this.transaction && this.now() - this.transaction.openedAt >= commitIntervalMs) await this.commit();
    metrics.batchSeconds.observe({ processor: processor.name }, (this.now() - started) / 1000);
    return last;
  }

  /** No transaction is open during a replay: live records wait for every replay to end. */
  private async finishReplay(tp: string): Promise<void> {
    await this.saveState();
    this.restore?.finished(tp);
  }

  /** A processor that throws on one record parks that record; the line goes on. */
  private safeProcess(input: InputRecord, restoring: boolean): readonly Emission[] {
    try {
      return this.deps.processor.process(input, { state: this.local.view, restoring });
    } catch (error) {
      if (restoring) return [];
      this.log.error(
        { err: error, topic: input.topic, partition: input.partition, offset: input.offset },
        'processor failed on a record; parking it',
      );
      const message = `processing ${input.topic}/${input.partition}@${input.offset} failed: ${(error as Error).message}`;
      return [{ kind: 'park', reason: { code: 'PROCESSING_FAILED', message } }];
    }
  }

  private async emit(emission: Emission, input: InputRecord, raw: Buffer | null): Promise<void> {
    const { topic, partition, offset, key, headers: inputHeaders } = input;
    const source: ParkedInput = { topic, partition, offset, key, raw, headers: inputHeaders };
    if (emission.kind === 'park') return this.park(emission.reason, source);
    const { record } = emission;
    // Outside the try: a topic the processor did not declare is its bug, not the record's, so it
    // fails the batch (TOPIC_UNDECLARED) rather than being parked; tombstones are checked too.
    const codec = this.deps.codecs.output(record.topic);
    let value: Buffer | null = null;
    try {
      value = record.value === null ? null : await codec.encode(record.value);
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
    if (commitTime !== undefined) this.transaction?.noteCommitTime(commitTime);
  }

  private async park(reason: Parked, source: ParkedInput): Promise<void> {
    await this.deadLetters.park(reason, source, (topic, message) => this.append(topic, message));
    this.transaction?.noteParked(reason.code);
  }

  /** Queues an output in the open transaction; a failed send aborts it and closes the task. */
  private async append(topic: string, message: Message): Promise<Refused | undefined> {
    const transaction = await this.ensureTransaction();
    try {
      return await transaction.append(topic, message);
    } catch (error) {
      this.transaction = undefined;
      await this.fail(transaction, error);
      throw error;
    }
  }

  /** A transaction that failed: aborted, the task closed; the caller rethrows. */
  private async fail(transaction: TaskTransaction, error: unknown): Promise<void> {
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

  private async ensureTransaction(): Promise<TaskTransaction> {
    this.transaction ??= await TaskTransaction.open(
      this.kafka,
      this.deps.exactlyOnce,
      this.sizeLimits,
      this.now(),
    );
    return this.transaction;
  }

  /**
   * Sends the transaction's outputs and input offsets and commits; then, and only then, writes the
   * state changes and their checkpoint to the local store.
   */
  async commit(): Promise<void> {
    const transaction = this.transaction;
    if (!transaction) return;
    const { processor, metrics } = this.deps;
    const started = this.now();
    try {
      await transaction.commit();
    } catch (error) {
      await this.fail(transaction, error);
      throw error;
    } finally {
      this.transaction = undefined;
    }
    for (const [tp, { offset }] of transaction.offsets) this.local.advance(tp, offset);
    await this.saveState();
    const committedAt = this.now();
    metrics.commitSeconds.observe({ processor: processor.name }, (committedAt - started) / 1000);
    for (const [topic, count] of transaction.sent)
      metrics.recordsOut.inc({ processor: processor.name, topic }, count);
    for (const [code, count] of transaction.parked)
      metrics.recordsParked.inc({ processor: processor.name, code }, count);
    for (const commitTime of transaction.commitTimes) {
      metrics.endToEndSeconds.observe(
        { processor: processor.name },
        Math.max(0, committedAt - commitTime) / 1000,
      );
    }
    metrics.stateRows.set({ processor: processor.name, task: String(this.id) }, this.local.size());
  }

  /** Writes the state to the store; a failure closes the task, whose store is then removed. */
  private async saveState(): Promise<void> {
    try {
      this.local.save();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /** Whether a transaction has been open for at least `intervalMs` (the engine's commit timer). */
  due(intervalMs: number): boolean {
    return this.transaction !== undefined && this.now() - this.transaction.openedAt >= intervalMs;
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
    this.local.forgetChanges();
    await this.kafka.disconnectProducer().catch(() => undefined);
    await this.local.release();
  }
}
