/**
 * Turns a fetched input record into what a processor reads: key and headers as text, the value
 * through its topic's codec. Three outcomes: the record; bad input to park (bytes that are not what
 * the topic's codec reads, a schema id the registry does not know); or a schema registry that
 * cannot be asked, a transient fault, after which the caller neither parks nor skips the record
 * but meets it again (RegistryWait paused before this answer).
 */
import type { Logger } from 'pino';
import { RegistryWait } from '../codec/registry-wait.ts';
import type { Codecs } from '../codec/topic-codec.ts';
import type { SynclineError } from '../errors.ts';
import { textHeaders } from '../kafka/text-headers.ts';
import type { InputRecord, Parked } from '../processor.ts';
import type { ParkedInput } from './parked-record.ts';
import type { FetchedBatch, FetchedMessage } from './task-kafka.ts';

export type Decoded =
  | { readonly kind: 'record'; readonly input: InputRecord; readonly raw: Buffer | null }
  | { readonly kind: 'undecodable'; readonly reason: Parked; readonly source: ParkedInput }
  | { readonly kind: 'registry-unavailable' };

export class InputDecoder {
  private registryWait: RegistryWait | undefined;

  constructor(
    private readonly codecs: Codecs,
    private readonly log: Logger,
    /** Pauses between tries while the registry is away; a timer by default. */
    private readonly pauseFor?: (ms: number) => Promise<unknown>,
  ) {}

  async decode(batch: Pick<FetchedBatch, 'topic' | 'partition'>, message: FetchedMessage): Promise<Decoded> {
    const key = message.key === null || message.key === undefined ? null : message.key.toString();
    const headers = textHeaders(message.headers);
    // kafkajs hands over a Buffer already; no copy is needed (it is only read, and kept for a park).
    const raw = message.value ?? null;
    let value: unknown = null;
    try {
      value = raw === null ? null : await this.codecs.input(batch.topic).decode(raw);
      this.registryWait?.answered();
    } catch (error) {
      if ((error as SynclineError).code === 'SCHEMA_REGISTRY' && (error as SynclineError).retriable) {
        this.registryWait ??= new RegistryWait(this.log, this.pauseFor);
        await this.registryWait.pause(error);
        return { kind: 'registry-unavailable' };
      }
      return {
        kind: 'undecodable',
        reason: {
          code: 'DECODE_FAILED',
          message: `the record at ${batch.topic}/${batch.partition}@${message.offset} could not be decoded: ${(error as Error).message}`,
        },
        source: { topic: batch.topic, partition: batch.partition, offset: message.offset, key, raw },
      };
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
    return { kind: 'record', input, raw };
  }
}
