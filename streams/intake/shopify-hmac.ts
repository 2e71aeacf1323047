/**
 * Shopify's webhook signature ("Verify webhooks" in Shopify's app documentation): the
 * `X-Shopify-Hmac-SHA256` header is the base64 HMAC-SHA256 of the raw request body, keyed with the
 * app's client secret. It must be computed over the bytes as received, before any JSON parsing (a
 * re-serialised body differs in spacing and key order), and compared in constant time so a caller
 * cannot learn the right signature byte by byte from response times.
 *
 * Pure and free of Kafka and HTTP, so the intake's webhook endpoint and the tests share it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header value Shopify sends for `rawBody`: base64 of HMAC-SHA256(secret, body). */
export function shopifyHmac(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/**
 * True when `header` is the signature of `rawBody` under `secret`. A missing header, one sent twice
 * (Node gives an array), an empty secret or anything but the exact base64 text is false.
 */
export function verifyShopifyHmac(
  rawBody: Buffer | string,
  header: string | readonly string[] | undefined,
  secret: string,
): boolean {
  if (typeof header !== 'string' || secret === '') return false;
  const expected = Buffer.from(shopifyHmac(rawBody, secret), 'utf8');
  const received = Buffer.from(header.trim(), 'utf8');
  // timingSafeEqual needs equal lengths; the length of a base64 SHA-256 (44) is no secret.
  if (received.length !== expected.length) return false;
  return timingSafeEqual(received, expected);
}
