/**
 * One entry of the sync register (`sync.register.v1`): the fate of one channel record at one
 * attempt, with the channel's own words, a sentence for an operator, the record's lineage back to
 * the ERP row and the latency from the ERP commit. Mirrors schemas/sync.register.v1.avsc.
 */
import type { Offer } from '../processors/offers/offer.ts';
import { lineageHeaderNames } from '../runtime/lineage-headers.ts';

export const registerTopic = 'sync.register.v1';

export type SyncStatus = 'DELIVERED' | 'UNCHANGED' | 'SUPERSEDED' | 'FAILED_WILL_RETRY' | 'PARKED';

export interface RegisterEntry {
  readonly channel: string;
  readonly key: string;
  readonly status: SyncStatus;
  readonly operation: 'UPSERT' | 'DELIST';
  readonly contentHash: string;
  readonly attempt: number;
  readonly httpStatus: number | null;
  readonly errorCode: string | null;
  readonly channelError: string | null;
  readonly sentence: string;
  readonly offerTopic: string;
  readonly offerPartition: number;
  /** A Kafka offset: exact as a number below 2^53, which a topic does not reach. */
  readonly offerOffset: number;
  readonly erpSource: string | null;
  readonly erpTable: string | null;
  readonly erpPosition: string | null;
  readonly erpTxId: string | null;
  readonly erpCommitMs: number | null;
  readonly recordedAtMs: number;
  readonly latencyMs: number | null;
}

/** A channel record as the sink saw it: where it was, what it asks, where it came from. */
export interface SinkRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string;
  /** The decoded offer; null = a tombstone (delist). */
  readonly offer: Offer | null;
  readonly contentHash: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The record's value as it was in Kafka, for the dead letter. */
  readonly raw: Buffer | null;
}

export interface Fate {
  readonly status: SyncStatus;
  readonly attempt: number;
  readonly httpStatus?: number | null;
  readonly errorCode?: string | null;
  readonly channelError?: string | null;
}

/** What happened, in one sentence an operator reads without knowing the channel's API. */
export function sentenceFor(channel: string, record: SinkRecord, fate: Fate): string {
  const what = record.offer === null ? `the delisting of ${record.key}` : `offer ${record.key}`;
  const status = fate.httpStatus ? ` (HTTP ${fate.httpStatus})` : '';
  // The channel's words end the clause; a full stop is added only when they do not bring one.
  const said = fate.channelError ? `: ${fate.channelError.trim().replace(/[.!]+$/, '')}` : '';
  switch (fate.status) {
    case 'DELIVERED':
      return `${capitalised(what)} was delivered to channel ${channel}${attemptNote(fate.attempt)}.`;
    case 'UNCHANGED':
      return `Channel ${channel} already holds this version of ${record.key}; nothing was sent.`;
    case 'SUPERSEDED':
      return `A newer record of ${record.key} in the same batch was sent to channel ${channel} instead.`;
    case 'FAILED_WILL_RETRY':
      return `Channel ${channel} could not take ${what} on attempt ${fate.attempt}${status}${said}; it will be sent again.`;
    case 'PARKED':
      return `Channel ${channel} refused ${what}${status}${said}. It is parked in channel.${channel}.dlq.v1 until the data is fixed or it is resent.`;
  }
}

function attemptNote(attempt: number): string {
  return attempt > 1 ? ` on attempt ${attempt}` : '';
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function registerEntry(channel: string, record: SinkRecord, fate: Fate, nowMs: number): RegisterEntry {
  const header = (name: string) => record.headers[name] ?? null;
  const commitText = header(lineageHeaderNames.commitTimeMs);
  const commitMs = commitText === null ? NaN : Number(commitText);
  const erpCommitMs = Number.isFinite(commitMs) ? commitMs : null;
  return {
    channel,
    key: record.key,
    status: fate.status,
    operation: record.offer === null ? 'DELIST' : 'UPSERT',
    contentHash: record.contentHash,
    attempt: fate.attempt,
    httpStatus: fate.httpStatus ?? null,
    errorCode: fate.errorCode ?? null,
    channelError: fate.channelError ?? null,
    sentence: sentenceFor(channel, record, fate),
    offerTopic: record.topic,
    offerPartition: record.partition,
    offerOffset: Number(record.offset),
    erpSource: header(lineageHeaderNames.source),
    erpTable: header(lineageHeaderNames.table),
    erpPosition: header(lineageHeaderNames.position),
    erpTxId: header(lineageHeaderNames.txId),
    erpCommitMs,
    recordedAtMs: nowMs,
    latencyMs: erpCommitMs === null ? null : Math.max(0, nowMs - erpCommitMs),
  };
}
