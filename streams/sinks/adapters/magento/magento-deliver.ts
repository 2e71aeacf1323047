/**
 * One `deliver` call: a batch of distinct keys made true in Magento, one outcome per delivery.
 *
 *   1. Offers are turned into request bodies; one Magento cannot take (a price that is not a
 *      decimal) is rejected without a call.
 *   2. Flat offers (simple products): up to `bulkThreshold` are saved one synchronous PUT each;
 *      more go in one async bulk request whose status is polled (magento-bulk-save.ts).
 *   3. Families (offers with variants) are saved synchronously (magento-family.ts).
 *   4. Delists disable their product (magento-delist.ts).
 *   5. The quantities of every saved product go through MSI source items (magento-stock.ts), after
 *      the saves, since MSI refuses SKUs Magento does not know yet; in the bulk case that means
 *      after the bulk completes, not right after it is queued.
 *
 * A ChannelCallError (401 after renewal, 429, 5xx, network) ends the call: the runner retries or
 * parks the whole batch; what was already saved is saved again, which upserts make harmless.
 */
import type { AdapterContext, Delivery, ItemOutcome } from '../../channel-adapter.ts';
import type { Offer } from '../../../contracts/channel-offer.ts';
import { saveProductsInBulk } from './magento-bulk-save.ts';
import type { ConfigurableOptionsReader } from './magento-configurable-options.ts';
import { delistSku } from './magento-delist.ts';
import { saveFamily } from './magento-family.ts';
import {
  offerSourceItems,
  simpleProduct,
  UnsendableOffer,
  type ProductRequest,
} from './magento-product-payload.ts';
import { saveProduct, type SaveResult } from './magento-product-save.ts';
import type { MagentoRest } from './magento-rest.ts';
import type { MagentoSettings } from './magento-settings.ts';
import { saveStock, type StockUpdate } from './magento-stock.ts';

export interface DeliverDeps {
  readonly settings: MagentoSettings;
  readonly rest: MagentoRest;
  readonly options: ConfigurableOptionsReader;
}

/** Outcomes by delivery index, filled step by step. */
class Outcomes {
  private readonly byIndex: (ItemOutcome | undefined)[];
  /** Saved products waiting for their stock, keyed by delivery index. */
  readonly stock: (StockUpdate & { readonly status: number })[] = [];

  constructor(size: number) {
    this.byIndex = new Array<ItemOutcome | undefined>(size).fill(undefined);
  }

  set(index: number, outcome: ItemOutcome): void {
    this.byIndex[index] = outcome;
  }

  /** A product save's result: saved ones wait for their stock. */
  saved(index: number, offer: Offer, result: SaveResult, settings: MagentoSettings): void {
    if (result.kind === 'rejected') this.set(index, result);
    else
      this.stock.push({
        key: String(index),
        items: offerSourceItems(offer, settings),
        status: result.status,
      });
  }

  all(): ItemOutcome[] {
    return this.byIndex.map(
      (outcome) => outcome ?? { kind: 'transient', status: null, channelError: 'no outcome (adapter bug)' },
    );
  }
}

function unsendable(error: unknown): ItemOutcome {
  if (!(error instanceof UnsendableOffer)) throw error;
  return { kind: 'rejected', status: null, channelError: error.message, code: error.code };
}

export async function deliverBatch(
  batch: readonly Delivery[],
  context: AdapterContext,
  deps: DeliverDeps,
): Promise<ItemOutcome[]> {
  const { settings, rest } = deps;
  const { http } = context;
  const outcomes = new Outcomes(batch.length);
  const simples: { index: number; offer: Offer; request: ProductRequest }[] = [];
  const families: { index: number; offer: Offer }[] = [];
  const delists: { index: number; key: string }[] = [];

  batch.forEach((delivery, index) => {
    const { offer } = delivery;
    if (offer === null) delists.push({ index, key: delivery.key });
    else if (offer.variants.length > 0) families.push({ index, offer });
    else {
      try {
        simples.push({ index, offer, request: simpleProduct(offer, settings) });
      } catch (error) {
        outcomes.set(index, unsendable(error));
      }
    }
  });

  if (simples.length > settings.bulkThreshold) {
    const results = await saveProductsInBulk(
      rest,
      http,
      simples.map((simple) => simple.request),
      {
        pollIntervalMs: settings.bulkPollIntervalMs,
        timeoutMs: settings.bulkTimeoutMs,
        signal: context.signal,
        logger: context.logger,
      },
    );
    simples.forEach(({ index, offer }, position) => {
      const result = results[position] ?? { kind: 'open' };
      if (result.kind === 'saved')
        outcomes.saved(index, offer, { kind: 'saved', status: 202, id: null }, settings);
      else if (result.kind === 'open') {
        const channelError = context.signal.aborted
          ? 'sink stopping before the Magento bulk operation finished'
          : `Magento bulk operation still open after ${settings.bulkTimeoutMs} ms`;
        outcomes.set(index, { kind: 'transient', status: 202, channelError });
      } else outcomes.set(index, result);
    });
  } else {
    for (const { index, offer, request } of simples) {
      outcomes.saved(index, offer, await saveProduct(rest, http, request), settings);
    }
  }

  for (const { index, offer } of families) {
    try {
      outcomes.saved(index, offer, await saveFamily(rest, http, offer, settings, deps.options), settings);
    } catch (error) {
      outcomes.set(index, unsendable(error));
    }
  }

  for (const { index, key } of delists) outcomes.set(index, await delistSku(rest, http, key));

  if (outcomes.stock.length > 0) {
    const stocked = await saveStock(rest, http, outcomes.stock, settings.inputListLimit);
    for (const update of outcomes.stock) {
      const outcome = stocked.get(update.key);
      const delivered = outcome === undefined || outcome.kind === 'delivered';
      outcomes.set(Number(update.key), delivered ? { kind: 'delivered', status: update.status } : outcome);
    }
  }
  return outcomes.all();
}
