/**
 * How a task parks an input: a dead-letter record (parked-record.ts) in the processor's DLQ topic,
 * written in the task's transaction, so a park commits with the offsets that skip its input. The
 * DLQ record is the durable account of every park; the log shows one per code every
 * `parkLogIntervalMs` at warn (the rest at debug), so a bulk of parks does not drown the log.
 */
import type { Message } from 'kafkajs';
import type { Logger } from 'pino';
import type { Codecs } from '../codec/topic-codec.ts';
import type { Parked, Processor } from '../processor.ts';
import { parkedRecord, type ParkedInput } from './parked-record.ts';
import type { Refused } from './task-transaction.ts';

const parkLogIntervalMs = 10_000;

/** Queues a record in the open transaction; answers when it is too large for its topic. */
export type AppendOutput = (topic: string, message: Message) => Promise<Refused | undefined>;

export class DeadLetters {
  private readonly lastLogged = new Map<string, number>();

  constructor(
    private readonly processor: Pick<Processor, 'name' | 'dlqTopic'>,
    private readonly codecs: Codecs,
    private readonly log: Logger,
    private readonly now: () => number,
  ) {}

  async park(reason: Parked, source: ParkedInput, append: AppendOutput): Promise<void> {
    const topic = this.processor.dlqTopic(reason);
    const key = reason.sku ?? source.key ?? `${source.topic}/${source.partition}@${source.offset}`;
    const encode = (omitValue: boolean) =>
      this.codecs
        .output(topic)
        .encode(parkedRecord(this.processor.name, reason, source, this.now(), omitValue));
    // An input too large for the dead-letter topic is named by its position instead of copied.
    const withInput = await append(topic, { key, value: await encode(false), headers: {} });
    if (withInput) {
      const refused = await append(topic, { key, value: await encode(true), headers: {} });
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
    const now = this.now();
    const loud = now - (this.lastLogged.get(reason.code) ?? -Infinity) >= parkLogIntervalMs;
    if (loud) this.lastLogged.set(reason.code, now);
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
}
