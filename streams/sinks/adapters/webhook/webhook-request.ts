/**
 * The request the webhook adapter sends for one batch: the JSON body, serialised once so that the
 * bytes signed are the bytes sent, and its headers.
 *
 * `Idempotency-Key` (IETF draft "The Idempotency-Key HTTP Header Field") is the SHA-256 of the
 * body: the runner re-sends a batch whose answer it never got, and the identical body gets the
 * identical key, so a receiver can answer the re-sent request from what it answered the first
 * time instead of applying it twice. Each delivery carries its `revision` (its position in the
 * channel topic), so a key that goes A -> B -> A sends a new body, with a new key, for the second
 * A: a receiver that remembers keys for long does not drop it. The signature's timestamp is in a header, not in the body,
 * for exactly that reason.
 */
import { createHash } from 'node:crypto';
import type { Offer } from '../../../contracts/channel-offer.ts';
import type { Delivery } from '../../channel-adapter.ts';
import { signWebhookBody } from './webhook-signature.ts';

/** One delivery as the receiver sees it; `offer: null` delists the key. */
export interface WebhookDelivery {
  readonly key: string;
  readonly contentHash: string;
  /** The record's position in the channel topic: a new version of the key has a new one. */
  readonly revision: string;
  readonly offer: Offer | null;
}

/** The body of every webhook request. */
export interface WebhookPayload {
  readonly channel: string;
  readonly deliveries: readonly WebhookDelivery[];
}

/** A receiver's optional per-item answer, in a 2xx body: `{"results":[...]}`. */
export interface WebhookItemResult {
  readonly key: string;
  readonly status: 'ok' | 'rejected';
  readonly error?: string;
}

export interface WebhookRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

export interface WebhookSigning {
  readonly secret: string;
  readonly signatureHeader: string;
  /** Static headers from the settings; the adapter's own headers win over them. */
  readonly extraHeaders: Readonly<Record<string, string>>;
  readonly nowSeconds: number;
}

export function webhookRequest(
  channel: string,
  batch: readonly Delivery[],
  signing: WebhookSigning,
): WebhookRequest {
  const payload: WebhookPayload = {
    channel,
    deliveries: batch.map(({ key, contentHash, revision, offer }) => ({ key, contentHash, revision, offer })),
  };
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      ...signing.extraHeaders,
      'Content-Type': 'application/json',
      'Idempotency-Key': createHash('sha256').update(body).digest('hex'),
      [signing.signatureHeader]: signWebhookBody(signing.secret, signing.nowSeconds, body),
    },
  };
}

/** Header names the adapter sets itself, so the settings' `headers` may not. */
export function reservedHeaders(signatureHeader: string): string[] {
  return ['content-type', 'idempotency-key', signatureHeader.toLowerCase()];
}
