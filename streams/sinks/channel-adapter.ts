/**
 * The contract between the sink runner and a channel. An adapter turns the desired state of some
 * keys of a channel topic (offers to upsert, tombstones to delist) into calls to the channel's API
 * and says, per record, what the channel answered. It never touches Kafka, the register or the
 * rate limit: the runner batches, paces, retries, parks and records; the adapter only speaks the
 * channel's language. A new channel is one adapter file (or folder) plus an entry in
 * `adapter-registry.ts`.
 *
 * Lifecycle: `create` once per sink worker (settings validated by the adapter's JSON schema),
 * then `deliver` any number of times, one call at a time, then `close`.
 */
import type { Logger } from 'pino';
import type { Offer } from '../contracts/channel-offer.ts';

/** One record of `channel.<id>.offer.v1` to make true at the channel. */
export interface Delivery {
  /** The record's key: the SKU, or the family's parent SKU on a channel that groups variants. */
  readonly key: string;
  /** The offer to upsert; null = delist the key (a tombstone). */
  readonly offer: Offer | null;
  /** The offer's content hash (header `syncline.content-hash`), or "tombstone". */
  readonly contentHash: string;
  /**
   * Which version of the key this is: its position in the channel topic (`<partition>:<offset>`).
   * A re-sent record keeps it, a later version of the key has another, even when its content
   * equals an earlier one (A -> B -> A): what an idempotency key is made of.
   */
  readonly revision: string;
}

/** What the channel did with one record. */
export type ItemOutcome =
  /** The channel holds the record now (created, updated or delisted). */
  | { readonly kind: 'delivered'; readonly status: number | null }
  /** Not applied, but may be on a later attempt (the channel was busy, timed out, failed inside). */
  | {
      readonly kind: 'transient';
      readonly status: number | null;
      readonly channelError: string;
      readonly retryAfterMs?: number;
    }
  /** Refused for good (a validation error): retrying the same data cannot succeed; it is parked. */
  | {
      readonly kind: 'rejected';
      readonly status: number | null;
      /** The channel's own error text, placeholders filled. */
      readonly channelError: string;
      /** A stable machine-readable code, e.g. MISSING_ATTRIBUTE, INVALID_PRICE, UNKNOWN_SKU. */
      readonly code: string;
    };

/**
 * A call that failed as a whole: nothing of the batch is known to be applied. `transient` calls
 * (network errors, timeouts, 5xx, 429) are retried with backoff and feed the circuit breaker.
 * `channelWide` ones (401, 403, a 404 of the route: the channel refuses every call, whatever it
 * carries) pause delivery to the channel until a probe is accepted; nothing is parked for them.
 * The rest (a 400 for the whole request) park every record of the call.
 */
export class ChannelCallError extends Error {
  override readonly name = 'ChannelCallError';
  constructor(
    message: string,
    readonly details: {
      readonly transient: boolean;
      readonly status: number | null;
      /** The channel's own error text (body message), if any. */
      readonly channelError: string;
      /** From the channel's `Retry-After` (seconds or HTTP date), in ms from now. */
      readonly retryAfterMs?: number;
      readonly code?: string;
      /**
       * The channel refuses every call, not these records: credentials, permissions, an API
       * route that is not there. An adapter sets it only when no record can be at fault (a 404
       * of the route, never a 404 of one SKU).
       */
      readonly channelWide?: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute URL, or a path resolved against the adapter's base URL by the adapter itself. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as given when a string or Buffer; JSON-encoded otherwise. */
  readonly body?: unknown;
  /** How many records this request carries: it is charged to the channel's items-per-second budget. */
  readonly items: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body text. */
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** A response header by name, whatever its case (names are case-insensitive, RFC 9110 §5.1). */
export function responseHeader(response: HttpResponse, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(response.headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/**
 * HTTP as the runner lends it to an adapter: every request first takes its share of the channel's
 * budget (one request, `items` items; shared by all replicas), and is bounded by the channel's
 * request timeout. Network errors and timeouts throw ChannelCallError (transient); any HTTP status
 * is returned as is, for the adapter to read.
 */
export interface ChannelHttp {
  request(request: HttpRequest): Promise<HttpResponse>;
}

export interface AdapterContext {
  readonly http: ChannelHttp;
  readonly logger: Logger;
  /** Aborted when the sink is stopping: an adapter polling a bulk status gives up. */
  readonly signal: AbortSignal;
}

export interface ChannelAdapter {
  readonly kind: string;
  /** The most records one `deliver` call takes (the channel's bulk size; the config may lower it). */
  readonly maxBatch: number;
  /**
   * Makes the channel hold the batch's records. Keys in one batch are distinct. Returns exactly one
   * outcome per delivery, in the same order; throws ChannelCallError when the call failed as a
   * whole. Must be idempotent: the runner re-sends a record whose outcome it did not record
   * (after a crash, or after a transient failure).
   */
  deliver(batch: readonly Delivery[], context: AdapterContext): Promise<ItemOutcome[]>;
  close(): Promise<void>;
}

/** How the runner finds and builds an adapter named by a channel's `sink.adapter` config. */
export interface AdapterFactory<Settings = unknown> {
  readonly kind: string;
  /** JSON Schema of the adapter's `sink.settings`, with defaults; validated at start-up. */
  readonly settingsSchema: object;
  create(settings: Settings, channelId: string): ChannelAdapter;
}
