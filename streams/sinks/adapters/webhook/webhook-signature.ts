/**
 * The webhook signature (ARCHITECTURE.md, "Webhook signatures"): HMAC-SHA256 with the shared
 * secret over `<unix seconds>.<raw body>`, sent as `t=<unix seconds>,v1=<hex digest>`. The
 * timestamp is inside the signed text, so a receiver that refuses old timestamps refuses replays
 * of a captured request, and one that signs the exact bytes it received cannot be fooled by a
 * re-serialised body. Same shape as Stripe's `Stripe-Signature`, so receivers know it.
 *
 * A receiver verifies over the raw bytes of the body, before parsing it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export type RawBody = string | Uint8Array;

const digestPattern = /^[0-9a-f]{64}$/i;

function digest(secret: string, timestampSeconds: number, rawBody: RawBody): Buffer {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest();
}

/** The signature header's value for `rawBody` sent at `timestampSeconds`. */
export function signWebhookBody(secret: string, timestampSeconds: number, rawBody: RawBody): string {
  return `t=${timestampSeconds},v1=${digest(secret, timestampSeconds, rawBody).toString('hex')}`;
}

interface SignatureHeader {
  readonly timestamp: number;
  /** Every well-formed `v1` value: a sender rotating its secret may send two. */
  readonly signatures: readonly Buffer[];
}

function parseSignatureHeader(header: string): SignatureHeader | string {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const name = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (name === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (name === 'v1' && digestPattern.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  if (timestamp === undefined) return 'the signature header has no timestamp (expected t=<unix seconds>)';
  if (signatures.length === 0)
    return 'the signature header has no v1 signature (expected v1=<64 hex digits>)';
  return { timestamp, signatures };
}

/**
 * Checks `header` against `rawBody`. Returns why the request must be refused, or undefined when
 * the signature is good and its timestamp within `toleranceSeconds` of `nowSeconds`.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string | undefined,
  rawBody: RawBody,
  nowSeconds: number,
  toleranceSeconds = 300,
): string | undefined {
  if (header === undefined || header.trim() === '') return 'the signature header is missing';
  const parsed = parseSignatureHeader(header);
  if (typeof parsed === 'string') return parsed;
  const expected = digest(secret, parsed.timestamp, rawBody);
  // Timing-safe, so the time taken does not tell an attacker how many leading bytes were right.
  const matches = parsed.signatures.some((signature) => timingSafeEqual(signature, expected));
  if (!matches) return 'no v1 signature matches the body (a wrong secret, or the body was changed)';
  const skew = Math.abs(nowSeconds - parsed.timestamp);
  if (skew > toleranceSeconds) {
    return `the signature's timestamp ${parsed.timestamp} is ${skew} s from now, more than the ${toleranceSeconds} s tolerated (a replay, or a clock out of step)`;
  }
  return undefined;
}
