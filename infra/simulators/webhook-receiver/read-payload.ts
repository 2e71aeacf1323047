/**
 * The webhook body as the receiver accepts it: `{ channel, deliveries: [{ key, contentHash, offer }] }`.
 * Only the envelope is checked; the offer is stored as sent (a real receiver would map it).
 */
import type { Offer } from '../../../streams/contracts/channel-offer.ts';
import type { WebhookDelivery, WebhookPayload } from '../../../streams/sinks/adapters/webhook/index.ts';

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The payload, or a sentence saying what is wrong with the body. */
export function readPayload(raw: Buffer): WebhookPayload | string {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    return `the body is not JSON: ${(error as Error).message}`;
  }
  if (!isObject(body)) return 'the body is not a JSON object';
  if (typeof body.channel !== 'string') return 'channel: expected a string';
  if (!Array.isArray(body.deliveries)) return 'deliveries: expected a list';
  const deliveries: WebhookDelivery[] = [];
  const seen = new Set<string>();
  for (const [index, item] of (body.deliveries as unknown[]).entries()) {
    if (!isObject(item)) return `deliveries[${index}]: expected an object`;
    const { key, contentHash, revision, offer } = item;
    if (typeof key !== 'string' || key === '') return `deliveries[${index}].key: expected a non-empty string`;
    if (seen.has(key)) return `deliveries[${index}].key: ${key} appears twice in one request`;
    seen.add(key);
    if (typeof contentHash !== 'string') return `deliveries[${index}].contentHash: expected a string`;
    if (typeof revision !== 'string') return `deliveries[${index}].revision: expected a string`;
    if (offer !== null && !isObject(offer)) return `deliveries[${index}].offer: expected an object or null`;
    deliveries.push({ key, contentHash, revision, offer: offer as Offer | null });
  }
  return { channel: body.channel, deliveries };
}
