/**
 * How a sink fills the sync register: one entry per fate of a channel record at one attempt, with
 * the channel's own words and a sentence for an operator, or per change of the whole channel (it
 * refuses every call, it accepts again). The entry itself is a contract
 * (streams/contracts/register-entry.ts), re-exported here for the sink's callers.
 */
import type { Offer } from '../contracts/channel-offer.ts';
import { channelWideKey, type RegisterEntry, type SyncStatus } from '../contracts/register-entry.ts';
import { channelDlqTopicOf } from '../contracts/topics.ts';
import type { Refusal } from './channel-refusal.ts';
import { lineageHeaderNames } from '../runtime/lineage-headers.ts';

export {
  channelWideKey,
  registerKeyOf,
  registerTopic,
  type ChannelStatus,
  type RegisterEntry,
  type SyncStatus,
} from '../contracts/register-entry.ts';

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
      return fate.errorCode === 'NEWER_HELD'
        ? `Channel ${channel} already got a newer record of ${record.key} from another sink replica; this older one is not recorded as held.`
        : `A newer record of ${record.key} in the same batch was sent to channel ${channel} instead.`;
    case 'FAILED_WILL_RETRY':
      return `Channel ${channel} could not take ${what} on attempt ${fate.attempt}${status}${said}; it will be sent again.`;
    case 'PARKED':
      return `Channel ${channel} refused ${what}${status}${said}. It is parked in ${channelDlqTopicOf(channel)} until the data is fixed or it is resent.`;
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
    scope: 'RECORD',
    probeIntervalMs: null,
    pausedMs: null,
    erpOrderId: null,
  };
}

/** A change of the whole channel, as the sink met it (deliver-records.ts, ChannelEvent). */
export interface ChannelChange {
  readonly kind: 'REFUSED' | 'RESUMED';
  readonly refusal: Refusal;
  /** The first record of the call that met the change: where delivery stopped or went on. */
  readonly record: SinkRecord;
  readonly atMs: number;
}

/**
 * The register entry of a channel-wide change: the channel's own words and status, one sentence
 * for an operator, the record where delivery stopped or went on. Its key is `*`; the operation
 * and content hash of the record fields say nothing about it.
 */
export function channelRegisterEntry(
  channel: string,
  change: ChannelChange,
  probeIntervalMs: number,
): RegisterEntry {
  const { refusal, record } = change;
  const refused = change.kind === 'REFUSED';
  const pausedMs = refused ? null : Math.max(0, change.atMs - refusal.sinceMs);
  return {
    channel,
    key: channelWideKey,
    status: refused ? 'CHANNEL_REFUSED' : 'CHANNEL_RESUMED',
    operation: 'UPSERT',
    contentHash: '',
    attempt: refusal.refusedCalls,
    httpStatus: refusal.httpStatus,
    errorCode: refusal.errorCode,
    channelError: refusal.channelError,
    sentence: refused
      ? refusedSentence(channel, refusal, probeIntervalMs)
      : `Channel ${channel} accepts calls again after refusing ${refusal.refusedCalls} over ${duration(pausedMs ?? 0)}; delivery goes on from ${record.key}.`,
    offerTopic: record.topic,
    offerPartition: record.partition,
    offerOffset: Number(record.offset),
    erpSource: null,
    erpTable: null,
    erpPosition: null,
    erpTxId: null,
    erpCommitMs: null,
    recordedAtMs: change.atMs,
    latencyMs: null,
    scope: 'CHANNEL',
    probeIntervalMs: refused ? probeIntervalMs : null,
    pausedMs,
    erpOrderId: null,
  };
}

function refusedSentence(channel: string, refusal: Refusal, probeIntervalMs: number): string {
  const status = refusal.httpStatus ? ` (HTTP ${refusal.httpStatus})` : '';
  const said = refusal.channelError.trim().replace(/[.!]+$/, '');
  return (
    `Channel ${channel} refuses every call${status}: ${said}. Delivery to it is paused and nothing is ` +
    `parked; a call every ${duration(probeIntervalMs)} checks whether it accepts again ` +
    `(credentials, permissions or the API's address may need fixing).`
  );
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
