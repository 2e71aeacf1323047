/**
 * A test double at the engine task's seam (streams/runtime/eos/task-kafka.ts): an in-memory broker
 * with the few rules a task's correctness rests on, so the task's fault paths run in milliseconds
 * and the same way every time. It keeps, as Kafka does:
 * - transactions: records of an open transaction are invisible to `readCommitted`, become visible
 *   on commit with the offsets sent to it, and never on abort;
 * - fencing: connecting a producer with a transactional id bumps its epoch and aborts the older
 *   epoch's open transaction, whose later calls fail with INVALID_PRODUCER_EPOCH (not retriable);
 * - the size limit: a send whose records for one partition make a record batch larger than the
 *   topic's max.message.bytes fails with MESSAGE_TOO_LARGE (not retriable), as the broker answers;
 * - consumers: a position per partition that a seek moves, a fetch from it, and a resolve that
 *   moves it past what was handled (kafkajs re-fetches what a batch left unresolved).
 * Not modelled: transaction markers (the inputs are written without transactions), partitioners
 * (outputs go to partition 0), timeouts, low watermarks above 0.
 *
 * `failNext` makes the next call of one operation fail, for the fault paths.
 */
import type { Admin, IHeaders, Message, TopicMessages, TopicOffsets } from 'kafkajs';
import { recordBatchOverheadBytes, recordBytes } from '../../streams/runtime/eos/record-size.ts';
import type { GroupOffsets } from '../../streams/runtime/eos/settled-offsets.ts';
import type {
  FetchedBatch,
  FetchedMessage,
  KafkaTransaction,
  TaskKafka,
} from '../../streams/runtime/eos/task-kafka.ts';

/** An error shaped as kafkajs throws a broker's answer. */
export const kafkaError = (type: string, retriable: boolean): Error =>
  Object.assign(new Error(`broker answered ${type}`), { name: 'KafkaJSProtocolError', type, retriable });

export const brokerMaxMessageBytes = 1_048_588;

type Operation = 'connectProducer' | 'send' | 'sendOffsets' | 'commit' | 'committedOffsets';

interface StoredRecord {
  readonly offset: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders;
  readonly timestamp: string;
  status: 'committed' | 'open' | 'aborted';
}

export interface CommittedRecord {
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: string | null;
  readonly headers: Readonly<Record<string, string>>;
}

const tpOf = (topic: string, partition: number) => `${topic}:${partition}`;

export class InMemoryKafka {
  private readonly logs = new Map<string, StoredRecord[]>();
  private readonly partitionCounts = new Map<string, number>();
  private readonly topicLimits = new Map<string, number>();
  /** The group's committed offsets (next to read), by `topic:partition`. */
  readonly committed = new Map<string, string>();
  private readonly epochs = new Map<string, number>();
  private readonly faults = new Map<Operation, Error>();
  /** Which transactional id wrote a record in a transaction. */
  private readonly openBy = new WeakMap<StoredRecord, string>();
  /** Transactions ended, by outcome. */
  readonly ended = { committed: 0, aborted: 0 };

  constructor(
    readonly groupId: string,
    private readonly exactlyOnce = true,
  ) {}

  createTopic(topic: string, partitions = 1, maxMessageBytes?: number): void {
    this.partitionCounts.set(topic, partitions);
    if (maxMessageBytes !== undefined) this.topicLimits.set(topic, maxMessageBytes);
    for (let p = 0; p < partitions; p += 1)
      if (!this.logs.has(tpOf(topic, p))) this.logs.set(tpOf(topic, p), []);
  }

  /** Writes an input record outside any transaction; answers its offset. */
  produce(topic: string, partition: number, key: string | null, value: Buffer | string | null): string {
    const log = this.log(topic, partition);
    const offset = String(log.length);
    log.push({
      offset,
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      headers: {},
      timestamp: '1700000000000',
      status: 'committed',
    });
    return offset;
  }

  /** The next call of `operation` fails with `error`. */
  failNext(operation: Operation, error: Error): void {
    this.faults.set(operation, error);
  }

  /** What a read_committed consumer reads from `topic`, every partition. */
  readCommitted(topic: string): CommittedRecord[] {
    const records: CommittedRecord[] = [];
    for (let p = 0; p < (this.partitionCounts.get(topic) ?? 0); p += 1) {
      for (const record of this.log(topic, p)) {
        if (record.status !== 'committed') continue;
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(record.headers)) headers[name] = String(value);
        records.push({
          partition: p,
          offset: record.offset,
          key: record.key?.toString() ?? null,
          value: record.value?.toString() ?? null,
          headers,
        });
      }
    }
    return records;
  }

  /** Records of `topic` in transactions that were neither committed nor aborted yet. */
  openRecords(topic: string): number {
    let open = 0;
    for (let p = 0; p < (this.partitionCounts.get(topic) ?? 0); p += 1)
      open += this.log(topic, p).filter((r) => r.status === 'open').length;
    return open;
  }

  /** A consumer of the group, as one instance of the processor holds it. */
  consumer(): ConsumerDouble {
    return new ConsumerDouble(this);
  }

  /** @internal the seam for one run of a task, consuming through `consumer`. */
  taskKafka(taskId: number, consumer: ConsumerDouble): TaskKafka {
    const transactionalId = `${this.groupId}-task-${taskId}`;
    let epoch: number | undefined;
    const current = () => {
      if (this.exactlyOnce && (epoch === undefined || this.epochs.get(transactionalId) !== epoch))
        throw kafkaError('INVALID_PRODUCER_EPOCH', false);
    };
    const kafka: TaskKafka = {
      connectProducer: () => {
        this.fault('connectProducer');
        if (!this.exactlyOnce) return Promise.resolve();
        epoch = (this.epochs.get(transactionalId) ?? 0) + 1;
        this.epochs.set(transactionalId, epoch);
        // InitProducerId: the older epoch's open transaction is aborted.
        for (const log of this.logs.values())
          for (const r of log)
            if (r.status === 'open' && this.openBy.get(r) === transactionalId) r.status = 'aborted';
        return Promise.resolve();
      },
      disconnectProducer: () => Promise.resolve(),
      // As kafkajs's: beginning is local; the first call to the broker finds a producer fenced.
      beginTransaction: () => {
        const records = new Set<StoredRecord>();
        let offsets: TopicOffsets[] = [];
        let ended = false;
        const alive = () => {
          if (ended) throw new Error('transaction already ended');
          current();
        };
        const transaction: KafkaTransaction = {
          send: (topicMessages) =>
            this.call('send', () => {
              alive();
              for (const r of this.append(topicMessages, 'open')) {
                records.add(r);
                this.openBy.set(r, transactionalId);
              }
            }),
          sendOffsets: (topics) =>
            this.call('sendOffsets', () => {
              alive();
              offsets = [...offsets, ...topics];
            }),
          commit: () =>
            this.call('commit', () => {
              alive();
              ended = true;
              for (const r of records) r.status = 'committed';
              this.applyOffsets(offsets);
              this.ended.committed += 1;
            }),
          abort: () => {
            if (!ended) {
              ended = true;
              for (const r of records) if (r.status === 'open') r.status = 'aborted';
              this.ended.aborted += 1;
            }
            return Promise.resolve();
          },
        };
        return Promise.resolve(transaction);
      },
      send: (topicMessages) =>
        this.call('send', () => {
          this.append(topicMessages, 'committed');
        }),
      commitOffsets: (topics) => Promise.resolve(this.applyOffsets(topics)),
      committedOffsets: (topics) =>
        this.call('committedOffsets', (): GroupOffsets =>
          topics.map((topic) => ({
            topic,
            partitions: Array.from({ length: this.partitionCounts.get(topic) ?? 0 }, (_, partition) => ({
              partition,
              offset: this.committed.get(tpOf(topic, partition)) ?? '-1',
            })),
          })),
        ),
      lowWatermarks: (topic) =>
        Promise.resolve(
          Array.from({ length: this.partitionCounts.get(topic) ?? 0 }, (_, partition) => ({
            partition,
            low: '0',
          })),
        ),
      seek: (topic, partition, offset) => consumer.seek(topic, partition, offset),
      configs: this.configs,
    };
    return kafka;
  }

  /** @internal */
  fetchFrom(topic: string, partition: number, from: string, max: number): FetchedBatch {
    const log = this.log(topic, partition);
    const messages: FetchedMessage[] = log
      .slice(Number(from))
      .filter((r) => r.status === 'committed')
      .slice(0, max)
      .map(({ offset, key, value, headers, timestamp }) => ({ offset, key, value, headers, timestamp }));
    // kafkajs's lastOffset() is the last offset of what was fetched (markers included; none here).
    const lastOffset = messages.at(-1)?.offset ?? String(Number(from) - 1);
    return { topic, partition, messages, lastOffset: () => lastOffset };
  }

  private readonly configs: Pick<Admin, 'describeConfigs' | 'describeCluster'> = {
    describeCluster: () =>
      Promise.resolve({
        brokers: [{ nodeId: 1, host: 'double', port: 1 }],
        controller: 1,
        clusterId: 'double',
      }),
    describeConfigs: ({ resources }) => {
      const [query] = resources;
      const broker = Number(query!.type) === 4;
      const limit = broker ? brokerMaxMessageBytes : this.topicLimits.get(query!.name);
      if (limit === undefined)
        return Promise.reject(new Error('This server does not host this topic-partition'));
      const configName = broker ? 'message.max.bytes' : 'max.message.bytes';
      return Promise.resolve({
        throttleTime: 0,
        resources: [
          {
            errorCode: 0,
            errorMessage: '',
            resourceName: query!.name,
            resourceType: query!.type,
            configEntries: [
              {
                configName,
                configValue: String(limit),
                isDefault: false,
                configSource: 1,
                isSensitive: false,
                readOnly: false,
                configSynonyms: [],
              },
            ],
          },
        ],
      });
    },
  };

  private log(topic: string, partition: number): StoredRecord[] {
    if (!this.partitionCounts.has(topic)) this.createTopic(topic); // auto-created on first write
    const log = this.logs.get(tpOf(topic, partition));
    if (!log) throw new Error(`${topic} has no partition ${partition}`);
    return log;
  }

  private append(topicMessages: TopicMessages[], status: StoredRecord['status']): StoredRecord[] {
    // The broker refuses the whole request when one of its record batches is too large.
    for (const { topic, messages } of topicMessages) {
      const limit = this.topicLimits.get(topic) ?? brokerMaxMessageBytes;
      const bytes = messages.reduce((sum, m) => sum + recordBytes(m), recordBatchOverheadBytes);
      if (bytes > limit) throw kafkaError('MESSAGE_TOO_LARGE', false);
    }
    const written: StoredRecord[] = [];
    for (const { topic, messages } of topicMessages) {
      for (const message of messages) written.push(this.write(topic, message, status));
    }
    return written;
  }

  private write(topic: string, message: Message, status: StoredRecord['status']): StoredRecord {
    const log = this.log(topic, message.partition ?? 0);
    const record: StoredRecord = {
      offset: String(log.length),
      key: message.key === null || message.key === undefined ? null : Buffer.from(message.key),
      value: message.value === null || message.value === undefined ? null : Buffer.from(message.value),
      headers: message.headers ?? {},
      timestamp: '1700000000000',
      status,
    };
    log.push(record);
    return record;
  }

  private applyOffsets(topics: TopicOffsets[]): void {
    for (const { topic, partitions } of topics)
      for (const { partition, offset } of partitions) this.committed.set(tpOf(topic, partition), offset);
  }

  private fault(operation: Operation): void {
    const error = this.faults.get(operation);
    if (!error) return;
    this.faults.delete(operation);
    throw error;
  }

  /** Runs `work` unless `operation` was told to fail; either way as a promise. */
  private call<T>(operation: Operation, work: () => T): Promise<T> {
    try {
      this.fault(operation);
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** One instance's consumer: positions that seeks move and resolves advance. */
export class ConsumerDouble {
  private readonly positions = new Map<string, string>();
  /** Every seek, in order, as `topic:partition@offset`. */
  readonly seeks: string[] = [];

  constructor(private readonly broker: InMemoryKafka) {}

  /** The seam for one run of task `taskId` of this instance. */
  readonly kafkaFor = (taskId: number): TaskKafka => this.broker.taskKafka(taskId, this);

  seek(topic: string, partition: number, offset: string): void {
    this.positions.set(tpOf(topic, partition), offset);
    this.seeks.push(`${tpOf(topic, partition)}@${offset}`);
  }

  position(topic: string, partition: number): string | undefined {
    return this.positions.get(tpOf(topic, partition));
  }

  /** Up to `max` records from the position; a partition never sought is a test's mistake. */
  fetch(topic: string, partition: number, max = 500): FetchedBatch {
    const position = this.position(topic, partition);
    if (position === undefined) throw new Error(`${tpOf(topic, partition)} was never sought`);
    return this.broker.fetchFrom(topic, partition, position, max);
  }

  /** The batch was handled up to `offset`: the next fetch starts after it. */
  resolve(topic: string, partition: number, offset: string): void {
    this.positions.set(tpOf(topic, partition), (BigInt(offset) + 1n).toString());
  }
}
