/**
 * One readable line for a record of a channel topic, for the demo's live view: channel, SKU, what
 * the channel will show (quantity, price, name, variants) or that it delists the SKU, and how long
 * after the ERP commit the record was in Kafka.
 */
import type { Offer } from '../../../streams/contracts/channel-offer.ts';
import { lineageHeaderNames } from '../../../streams/runtime/lineage-headers.ts';

export function describeOffer(
  channel: string,
  key: string,
  offer: Offer | null,
  headers: Readonly<Record<string, string>>,
  nowMs: number,
): string {
  const commitMs = Number(headers[lineageHeaderNames.commitTimeMs]);
  const after = Number.isFinite(commitMs)
    ? `  +${Math.max(0, nowMs - commitMs)} ms after the ERP commit`
    : '';
  const from = headers[lineageHeaderNames.table]
    ? ` (${headers[lineageHeaderNames.source]} ${headers[lineageHeaderNames.table]})`
    : '';
  const head = `${channel.padEnd(12)} ${key.padEnd(18)}`;
  if (offer === null) return `${head} delisted${after}${from}`;
  const variants = offer.variants.length > 0 ? `, ${offer.variants.length} variants` : '';
  return `${head} qty ${String(offer.quantity).padStart(3)}  ${offer.price.amount} ${offer.price.currency}  "${offer.name}"${variants}${after}${from}`;
}
