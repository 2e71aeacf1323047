/**
 * Quantities through MSI: `POST /V1/inventory/source-items {"sourceItems":[...]}` sets absolute
 * quantities per (SKU, source) and answers `[]` (CHANNEL-APIS.md §1 "Inventory"), so a repeat is
 * harmless. It runs after the products are saved: MSI's legacy-stock synchronisation looks the
 * SKUs up and refuses unknown ones.
 *
 * One request holds at most `inputListLimit` source items: with input limits on, Magento refuses a
 * synchronous array of more than 20 entries (get-started/api-security; Adobe KB "Web API unable
 * to process requests with more than 20 items in array", a stock update being its example).
 *
 * Per record, the outcome of its source items:
 *   - all saved: delivered;
 *   - a transient failure (429, 5xx, network): transient, and the chunks after it are not sent
 *     (the channel is busy); the record is sent again whole, which is harmless (upserts);
 *   - a 400: the chunk is sent again record by record, so one record's bad item does not take the
 *     others down; a record refused alone is rejected (STOCK_REJECTED).
 * A non-transient call failure (a 401 after renewal: a token or ACL problem) is thrown: no record
 * of the call can be completed until a person acts.
 */
import { ChannelCallError, type ChannelHttp, type ItemOutcome } from '../../channel-adapter.ts';
import { rejectionCode, responseErrorText } from './magento-error-text.ts';
import type { SourceItem } from './magento-product-payload.ts';
import type { MagentoRest } from './magento-rest.ts';

/** A record whose product is saved, with the source items it still needs. */
export interface StockUpdate {
  readonly key: string;
  readonly items: readonly SourceItem[];
}

type Answer = { readonly ok: true } | { readonly ok: false; readonly outcome: ItemOutcome };

async function post(rest: MagentoRest, http: ChannelHttp, items: readonly SourceItem[]): Promise<Answer> {
  let response;
  try {
    response = await rest.send(http, {
      method: 'POST',
      path: '/V1/inventory/source-items',
      body: { sourceItems: items },
      // Each source item is an entity Magento writes: that is what the items budget meters.
      items: items.length,
      what: `POST source-items (${items.length})`,
    });
  } catch (error) {
    if (!(error instanceof ChannelCallError) || !error.details.transient) throw error;
    const { status, channelError, retryAfterMs } = error.details;
    const outcome: ItemOutcome = {
      kind: 'transient',
      status,
      channelError: `stock not updated: ${channelError}`,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
    return { ok: false, outcome };
  }
  if (response.status === 200) return { ok: true };
  const channelError = responseErrorText(response);
  if (response.status === 400) {
    const code = rejectionCode(channelError) === 'INPUT_LIMIT' ? 'INPUT_LIMIT' : 'STOCK_REJECTED';
    return { ok: false, outcome: { kind: 'rejected', status: 400, channelError, code } };
  }
  return {
    ok: false,
    outcome: {
      kind: 'transient',
      status: response.status,
      channelError: `stock not updated: ${channelError}`,
    },
  };
}

/** Consecutive slices of at most `size` entries, each entry tagged with its record. */
function chunks(updates: readonly StockUpdate[], size: number): { key: string; item: SourceItem }[][] {
  const all = updates.flatMap((update) => update.items.map((item) => ({ key: update.key, item })));
  const slices: { key: string; item: SourceItem }[][] = [];
  for (let start = 0; start < all.length; start += size) slices.push(all.slice(start, start + size));
  return slices;
}

/** Outcome per record key; every key of `updates` gets one. */
export async function saveStock(
  rest: MagentoRest,
  http: ChannelHttp,
  updates: readonly StockUpdate[],
  inputListLimit: number,
): Promise<Map<string, ItemOutcome>> {
  const failed = new Map<string, ItemOutcome>();
  let busy: ItemOutcome | undefined;
  const fail = (keys: readonly string[], outcome: ItemOutcome): void => {
    for (const key of keys) if (!failed.has(key)) failed.set(key, outcome);
  };
  const keysOf = (entries: readonly { key: string }[]): string[] => [
    ...new Set(entries.map((entry) => entry.key)),
  ];

  /** Sends the entries unless the channel is busy; a refusal (400) is returned for the caller to place. */
  async function attempt(
    entries: readonly { key: string; item: SourceItem }[],
  ): Promise<ItemOutcome | undefined> {
    if (busy) {
      fail(keysOf(entries), busy);
      return undefined;
    }
    const answer = await post(
      rest,
      http,
      entries.map((entry) => entry.item),
    );
    if (answer.ok) return undefined;
    if (answer.outcome.kind !== 'transient') return answer.outcome;
    busy = answer.outcome;
    fail(keysOf(entries), busy);
    return undefined;
  }

  for (const slice of chunks(updates, inputListLimit)) {
    const refused = await attempt(slice);
    if (refused === undefined) continue;
    const keys = keysOf(slice);
    if (keys.length === 1) {
      fail(keys, refused);
      continue;
    }
    // One record at a time, to find out whose item Magento refused.
    for (const key of keys) {
      if (failed.has(key)) continue;
      const alone = await attempt(slice.filter((entry) => entry.key === key));
      if (alone !== undefined) fail([key], alone);
    }
  }
  const outcomes = new Map<string, ItemOutcome>();
  for (const { key } of updates) outcomes.set(key, failed.get(key) ?? { kind: 'delivered', status: 200 });
  return outcomes;
}
