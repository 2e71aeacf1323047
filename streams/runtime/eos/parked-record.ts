/**
 * The dead-letter record the engine writes for a parked input: the reason (code and operator
 * sentence), where the input was (topic, partition, offset) and the input itself, so an operator
 * can read why, fix it and resend it. Value of every `*.dlq.v1` topic written by processors.
 */
import { onlyLineage } from '../lineage-headers.ts';
import type { Parked } from '../processor.ts';

export interface ParkedRecord {
  readonly processor: string;
  readonly code: string;
  readonly message: string;
  readonly sku: string | null;
  readonly channel: string | null;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly sourceKey: string | null;
  /**
   * The input value as text (UTF-8), or base64 when it is not valid UTF-8; null for a tombstone,
   * and for an input too large to copy into the dead-letter topic (encoding `omitted`): read it at
   * its source position.
   */
  readonly sourceValue: string | null;
  readonly sourceValueEncoding: 'utf8' | 'base64' | 'omitted';
  readonly parkedAtMs: number;
  /**
   * The input's lineage headers (ERP source, table, log position, commit time), so a parked record
   * can be followed back to its ERP row and compared with later deliveries of its key; absent when
   * the input carried none (a CDC record: its envelope says where it came from).
   */
  readonly lineage?: Readonly<Record<string, string>>;
}

export interface ParkedInput {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly raw: Buffer | null;
  /** The input's headers, for its lineage. */
  readonly headers?: Readonly<Record<string, string>>;
}

export function parkedRecord(
  processor: string,
  reason: Parked,
  input: ParkedInput,
  nowMs: number,
  omitValue = false,
): ParkedRecord {
  const text = input.raw?.toString('utf8') ?? null;
  const isUtf8 = input.raw === null || Buffer.from(text ?? '', 'utf8').equals(input.raw);
  const lineage = onlyLineage(input.headers ?? {});
  return {
    processor,
    code: reason.code,
    message: reason.message,
    sku: reason.sku ?? null,
    channel: reason.channel ?? null,
    sourceTopic: input.topic,
    sourcePartition: input.partition,
    sourceOffset: input.offset,
    sourceKey: input.key,
    sourceValue: input.raw === null || omitValue ? null : isUtf8 ? text : input.raw.toString('base64'),
    sourceValueEncoding: omitValue ? 'omitted' : isUtf8 ? 'utf8' : 'base64',
    parkedAtMs: nowMs,
    ...(Object.keys(lineage).length > 0 ? { lineage } : {}),
  };
}
