/**
 * An entry of the sync register (`sync.register.v1`): the fate of one channel record at one
 * attempt, with the channel's own words, a sentence for an operator, the record's lineage back to
 * the ERP row and the latency from the ERP commit; or a change of the whole channel. Written by
 * the sinks (and, with orders, by the processors that accept or park them), read by the register
 * index and the console. Mirrors schemas/sync.register.v1.avsc.
 */
import { topicNameOf } from './topics.ts';

export const registerTopic = topicNameOf('syncRegister');

export type SyncStatus = 'DELIVERED' | 'UNCHANGED' | 'SUPERSEDED' | 'FAILED_WILL_RETRY' | 'PARKED';
/**
 * The statuses of an order's entries (key = the channel order id): ACCEPTED by the orders
 * processor (validated, mapped, routed, a command sent to the ERP), WRITTEN by the ERP order sink.
 * A parked order is PARKED, as a parked record is.
 */
export type OrderSyncStatus = 'ACCEPTED' | 'WRITTEN';
/** The statuses of a channel-wide entry (scope CHANNEL). */
export type ChannelStatus = 'CHANNEL_REFUSED' | 'CHANNEL_RESUMED';
/** The key of a channel-wide entry: every key of the channel. */
export const channelWideKey = '*';

/** The Kafka key of an entry: `<channel>/<key>`, so one record's entries stay in order. */
export const registerKeyOf = (channel: string, key: string): string => `${channel}/${key}`;

export interface RegisterEntry {
  readonly channel: string;
  readonly key: string;
  readonly status: SyncStatus | ChannelStatus | OrderSyncStatus;
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
  /** RECORD: about one record; CHANNEL: about the whole channel (key `*`). */
  readonly scope: 'RECORD' | 'CHANNEL';
  /** CHANNEL_REFUSED: how often the channel is probed meanwhile. */
  readonly probeIntervalMs: number | null;
  /** CHANNEL_RESUMED: how long delivery was paused. */
  readonly pausedMs: number | null;
  /** An order's entry: the ERP order id once the ERP holds the order; absent or null otherwise. */
  readonly erpOrderId?: string | null;
}
