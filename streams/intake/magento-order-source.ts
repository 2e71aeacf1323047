/**
 * The pull source for Magento 2: `GET /V1/orders` on `updated_at >= since`, page by page.
 *
 * Magento's traps, and what this does about each:
 * - A `currentPage` past the end answers the last page again, not an empty list: stop once
 *   `currentPage >= ceil(total_count / pageSize)`, and drop an `entity_id` already read in this pass.
 * - Whole-second `updated_at`: the cursor keeps, for the cursor's second, each order version emitted
 *   (see magento-order-cursor.ts), so `gteq` re-reads that second without emitting it twice.
 * - Offset paging over a list that changes: an order updated while we page moves to the end, every
 *   order behind it moves one place up, and one of them slips between two pages unseen. Since
 *   `updated_at` only grows, an order that matched the filter still matches at the end; so a pass that
 *   read fewer distinct orders than the last `total_count` missed some, and is read again (already
 *   emitted versions are skipped). If the list still moves after `maxPasses`, the cursor keeps its
 *   second and remembers every version emitted, so the next poll re-reads without duplicates.
 * - Versions made while we paged: an order read on page 1 and changed before the last page may have
 *   its new version behind a page already read. Every such version has an `updated_at` at or after
 *   the server's clock when it answered page 1 (its HTTP `Date`), so the cursor never moves past that
 *   second: the next poll re-reads from there and emits only what it has not emitted.
 * - Dedup is by version, not by `entity_id` alone: the same id seen again in a pass (the repeated last
 *   page) is skipped when its JSON is what was emitted, and emitted when it is a newer version.
 * - The rate limit and 5xx: thrown as ChannelUnavailableError before anything is returned, so the
 *   cursor does not move.
 */
import { createHash } from 'node:crypto';
import type { ChannelOrder } from '../contracts/orders/channel-order.ts';
import { MalformedOrderError } from './intake-errors.ts';
import {
  decodeMagentoCursor,
  encodeMagentoCursor,
  versionKey,
  type EmittedVersion,
} from './magento-order-cursor.ts';
import { magentoOrder, magentoTime, magentoTimeMs } from './magento-order.ts';
import { fetchOrdersPage, type MagentoOrdersEndpoint } from './magento-orders-page.ts';
import type { JsonRecord } from './order-fields.ts';
import type { MalformedChannelOrder, OrderPullSource, PolledOrders } from './pull-source.ts';

export interface MagentoOrderSourceOptions extends MagentoOrdersEndpoint {
  readonly channelId: string;
  /** Where the first poll starts (Magento time, UTC). Default: the beginning of time. */
  readonly startAt?: string;
  /** Orders per page; Magento's admin grids use up to 200. Default 100. */
  readonly pageSize?: number;
  /** Passes over the pages when the list moved under us. Default 3. */
  readonly maxPasses?: number;
}

const EPOCH = '1970-01-01 00:00:00';

function fingerprint(raw: string): string {
  return createHash('sha256').update(raw).digest('base64url').slice(0, 16);
}

export function magentoOrderSource(options: MagentoOrderSourceOptions): OrderPullSource {
  const pageSize = options.pageSize ?? 100;
  const maxPasses = options.maxPasses ?? 3;
  const startAt = options.startAt ?? EPOCH;
  if (!Number.isFinite(magentoTimeMs(startAt))) throw new Error(`startAt ${startAt} is not a Magento time`);

  async function poll(cursorText: string | null, signal?: AbortSignal): Promise<PolledOrders> {
    const cursor = cursorText === null ? { since: startAt, emitted: {} } : decodeMagentoCursor(cursorText);
    const emitted = new Map<string, EmittedVersion>(Object.entries(cursor.emitted));
    const orders: ChannelOrder[] = [];
    const malformed: MalformedChannelOrder[] = [];
    let latest = cursor.since;

    const take = (item: JsonRecord): void => {
      const raw = JSON.stringify(item);
      const id = String(item.entity_id);
      const updatedAt = String(item.updated_at);
      const key = versionKey(id, updatedAt);
      const print = fingerprint(raw);
      const before = emitted.get(key);
      if (before?.fingerprint === print) return;
      const sequence = before ? before.sequence + 1 : 0;
      emitted.set(key, { fingerprint: print, sequence });
      if (Number.isFinite(magentoTimeMs(updatedAt)) && updatedAt > latest) latest = updatedAt;
      try {
        orders.push(magentoOrder(options.channelId, raw, sequence));
      } catch (error) {
        if (!(error instanceof MalformedOrderError)) throw error;
        const known = typeof item.entity_id === 'number' || typeof item.entity_id === 'string';
        malformed.push({
          channelOrderId: known ? id : null,
          field: error.field,
          reason: error.message,
          raw,
        });
      }
    };

    let complete = false;
    let startedAt: string | null = null;
    for (let pass = 1; pass <= maxPasses && !complete; pass += 1) {
      const read = new Set<string>();
      let totalCount = 0;
      for (let page = 1; ; page += 1) {
        const answer = await fetchOrdersPage(options, cursor.since, pageSize, page, signal);
        totalCount = answer.totalCount;
        if (pass === 1 && page === 1 && answer.serverTimeMs !== null)
          startedAt = magentoTime(answer.serverTimeMs);
        for (const item of answer.items) {
          read.add(String(item.entity_id));
          take(item);
        }
        if (answer.items.length === 0 || page >= Math.ceil(totalCount / pageSize)) break;
      }
      complete = read.size >= totalCount;
    }

    // Complete: everything up to `latest` was read, so only the versions at `latest` need keeping.
    // Not complete: keep the old second and every version emitted since, so nothing is skipped.
    const upTo = startedAt !== null && startedAt < latest ? startedAt : latest;
    const since = complete && upTo > cursor.since ? upTo : cursor.since;
    const kept = Object.fromEntries([...emitted].filter(([key]) => key.slice(key.indexOf('@') + 1) >= since));
    return { orders, malformed, nextCursor: encodeMagentoCursor({ since, emitted: kept }) };
  }

  return { channelId: options.channelId, poll };
}
