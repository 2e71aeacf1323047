/**
 * The harness of the engine task's unit tests: a counting processor (every output is the running
 * count of its key, so a record processed twice or a state lost shows as a repeated or restarted
 * count), an instance of the processor as the processing loop holds it (a consumer on the
 * in-memory broker, a state folder, a clock, the task's dependencies), a store whose writes can be
 * made to fail as a full disk does, a codec reading through a schema registry that can be down, and
 * the loop's part: fetch from the consumer's position, hand the batch to the task, resolve.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import { Registry } from 'prom-client';
import { jsonCodec, type Codecs, type TopicCodec } from '../../streams/runtime/codec/topic-codec.ts';
import type { LocalStore } from '../../streams/runtime/eos/task-local-state.ts';
import { Task, type TaskDependencies } from '../../streams/runtime/eos/task.ts';
import { SynclineError } from '../../streams/runtime/errors.ts';
import { engineMetrics, type EngineMetrics } from '../../streams/runtime/metrics.ts';
import type { Processor } from '../../streams/runtime/processor.ts';
import { TaskStore } from '../../streams/runtime/state/task-store.ts';
import type { ConsumerDouble, InMemoryKafka } from './in-memory-kafka.ts';

export const output = 'counts';
export const dlq = 'counts.dlq';

/**
 * Counts inputs per key across its input topics and emits `{ count, offset }` for each; an input
 * `{ pad: n }` pads its output with n characters, for outputs larger than a topic accepts.
 */
export function countingProcessor(inputTopics: readonly string[] = ['in']): Processor {
  return {
    name: 'counter',
    inputTopics,
    stateSignature: `counter|${inputTopics.join(',')}|${output}`,
    dlqTopic: () => dlq,
    process(record, { state }) {
      if (record.key === null) return [{ kind: 'park', reason: { code: 'NO_KEY', message: 'no key' } }];
      const count = (state.get<number>('count', record.key) ?? 0) + 1;
      state.put('count', record.key, count);
      const pad = (record.value as { pad?: number } | null)?.pad;
      const value = { count, offset: record.offset, ...(pad ? { pad: 'x'.repeat(pad) } : {}) };
      return [{ kind: 'record', record: { topic: output, key: record.key, value } }];
    },
  };
}

/** Counts per key as a read_committed reader of the output topic sees them, in order. */
export function countsByKey(kafka: InMemoryKafka): Record<string, number[]> {
  const counts: Record<string, number[]> = {};
  for (const { key, value } of kafka.readCommitted(output)) {
    (counts[key ?? ''] ??= []).push((JSON.parse(value ?? 'null') as { count: number }).count);
  }
  return counts;
}

/** The dead letters written, as the DLQ topic's readers see them. */
export function deadLetters(
  kafka: InMemoryKafka,
): Array<{ code: string; message: string; sourceOffset: string }> {
  return kafka
    .readCommitted(dlq)
    .map((r) => JSON.parse(r.value ?? 'null') as { code: string; message: string; sourceOffset: string });
}

/** A store whose writes fail (EIO, as lmdb reports a full disk) while `full` is true. */
export class FillingDisk {
  full = false;
  readonly opened: string[] = [];

  readonly open = (baseDir: string, taskId: number, signature: string): LocalStore => {
    const store = TaskStore.open(baseDir, taskId, signature);
    this.opened.push(store.path);
    const failIfFull = () => {
      if (this.full) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    };
    return {
      path: store.path,
      checkpoint: () => store.checkpoint(),
      get: (table, key) => store.get(table, key),
      commit: (changes, checkpoint) => {
        failIfFull();
        store.commit(changes, checkpoint);
      },
      size: () => store.size(),
      wipe: () => {
        failIfFull();
        store.wipe();
      },
      close: () => store.close(),
      discard: () => store.discard(),
    };
  };
}

/** A clock the test moves. */
export class Clock {
  ms = 1_700_000_000_000;
  readonly now = () => this.ms;
}

export interface InstanceOptions {
  readonly processor?: Processor;
  readonly codecs?: Partial<Codecs>;
  readonly disk?: FillingDisk;
  readonly clock?: Clock;
  readonly maxMessageBytes?: number;
}

/** Log lines of an instance, parsed, for asserting what an operator reads. */
export type LogLines = Array<{ level: number; msg: string } & Record<string, unknown>>;

/** One instance of the processor: its consumer, state folder, metrics and log, and its task's start. */
export class Instance {
  readonly consumer: ConsumerDouble;
  readonly stateDir = mkdtempSync(join(tmpdir(), 'syncline-task-unit-'));
  readonly registry = new Registry();
  readonly metrics: EngineMetrics = engineMetrics(this.registry);
  readonly logs: LogLines = [];
  /** Every pause the task took (registry outage, offsets settling), in ms. */
  readonly pauses: number[] = [];
  readonly deps: TaskDependencies;
  readonly clock: Clock;

  constructor(
    readonly kafka: InMemoryKafka,
    options: InstanceOptions = {},
  ) {
    this.consumer = kafka.consumer();
    this.clock = options.clock ?? new Clock();
    const logger: Logger = pino(
      { level: 'debug' },
      { write: (line: string) => void this.logs.push(JSON.parse(line) as LogLines[number]) },
    );
    this.deps = {
      kafkaFor: this.consumer.kafkaFor,
      groupId: kafka.groupId,
      processor: options.processor ?? countingProcessor(),
      codecs: { input: () => jsonCodec, output: () => jsonCodec, ...options.codecs },
      stateDir: this.stateDir,
      metrics: this.metrics,
      logger,
      exactlyOnce: true,
      maxMessageBytes: options.maxMessageBytes,
      now: this.clock.now,
      sleep: (ms) => {
        this.pauses.push(ms);
        return Promise.resolve();
      },
      ...(options.disk ? { openStore: options.disk.open } : {}),
    };
  }

  start(
    inputs: ReadonlyArray<{ topic: string; partition: number }> = [{ topic: 'in', partition: 0 }],
    id = 0,
  ) {
    return Task.start(this.deps, id, inputs);
  }

  /**
   * The processing loop's part for one input partition: fetch up to `max` records from the
   * consumer's position, hand them to the task, resolve what it handled. Answers the last offset
   * handled, or undefined when nothing was (no record, or the task left the batch unresolved).
   */
  async poll(
    task: Task,
    topic = 'in',
    partition = 0,
    commitIntervalMs = 0,
    max = 500,
  ): Promise<string | undefined> {
    const batch = this.consumer.fetch(topic, partition, max);
    if (batch.messages.length === 0) return undefined;
    const last = await task.handleBatch(batch, () => Promise.resolve(), commitIntervalMs);
    if (last !== undefined) this.consumer.resolve(topic, partition, last);
    return last;
  }

  /** Polls every input until a round handles nothing (waiting inputs and the empty ones). */
  async pollUntilIdle(
    task: Task,
    inputs = [{ topic: 'in', partition: 0 }],
    commitIntervalMs = 0,
  ): Promise<void> {
    for (let round = 0; round < 100; round += 1) {
      let handled = false;
      for (const { topic, partition } of inputs) {
        if ((await this.poll(task, topic, partition, commitIntervalMs)) !== undefined) handled = true;
      }
      if (!handled) return;
    }
    throw new Error('the task never went idle');
  }

  /** The value of one series of a counter or gauge, 0 when never set. */
  async metric(name: keyof EngineMetrics, labels: Record<string, string>): Promise<number> {
    const { values } = await (
      this.metrics[name] as { get(): Promise<{ values: Array<{ value: number; labels: object }> }> }
    ).get();
    const found = values.find((v) =>
      Object.entries(labels).every(([k, want]) => (v.labels as Record<string, unknown>)[k] === want),
    );
    return found?.value ?? 0;
  }

  logged(message: string): LogLines {
    return this.logs.filter((line) => line.msg.includes(message));
  }
}

/**
 * Input records as a schema-registry codec frames them (magic byte 0, a 4-byte schema id, then the
 * value, JSON here) and the codec that reads them through a registry that can be down: a schema id
 * in the codec's cache decodes without asking; any other needs the registry, which, down, fails
 * retriably as the engine's Avro reader does (SCHEMA_REGISTRY); up, it answers the ids it holds
 * and refuses others (bad input, parked). Bytes without the magic byte are not Avro (parked).
 */
export class SchemaRegistryDouble {
  up = true;
  readonly holds = new Set<number>([1, 2]);
  private readonly cache = new Set<number>();

  constructor(cached: readonly number[] = []) {
    for (const id of cached) this.cache.add(id);
  }

  static frame(this: void, schemaId: number, value: unknown): Buffer {
    const header = Buffer.alloc(5);
    header.writeInt32BE(schemaId, 1);
    return Buffer.concat([header, Buffer.from(JSON.stringify(value))]);
  }

  readonly codec: TopicCodec = {
    decode: (bytes) => {
      if (bytes[0] !== 0 || bytes.length < 5) throw new Error('unknown magic byte: not Avro');
      const id = bytes.readInt32BE(1);
      if (!this.cache.has(id)) {
        if (!this.up)
          throw new SynclineError(
            'SCHEMA_REGISTRY',
            'the schema registry is unreachable: connect ECONNREFUSED',
            true,
          );
        if (!this.holds.has(id)) throw new SynclineError('DECODE_FAILED', `schema ${id} not found`, false);
        this.cache.add(id);
      }
      return JSON.parse(bytes.subarray(5).toString('utf8')) as unknown;
    },
    encode: () => {
      throw new Error('inputs only');
    },
  };
}
