/**
 * Routing: which warehouse ships each line of an order, by the channel's declarative rules. Pure.
 *
 *   1. The warehouses that ship to the order's country, in the channel's priority order (a
 *      warehouse without `countries` ships anywhere). None: the order is not routed.
 *   2. Without a stock check, every line goes to the first of them.
 *   3. Otherwise the first warehouse that has every line available takes the whole order: one
 *      parcel is cheaper than two, even when the split rule allows them.
 *   4. When none does and the rules allow a split, each line goes to the first warehouse that has
 *      it available, counting what the order's earlier lines already took from there.
 *   5. A line no warehouse can take, or an unsplittable order no warehouse holds whole, is not
 *      routed, with the quantities the operator needs to act.
 *
 * Available = on hand - reserved in the ERP, from catalog.stock.v1; a warehouse without a stock
 * row for the SKU has none.
 */
import type { OrderProblem } from './order-draft.ts';
import type { RoutingRules } from './orders-config.ts';

export interface RoutableLine {
  readonly sku: string;
  readonly quantity: number;
}

/** Units of `sku` available in `warehouse`. */
export type Availability = (sku: string, warehouse: string) => number;

export type Routing =
  | { readonly ok: true; readonly warehouses: readonly string[] }
  | { readonly ok: false; readonly problem: OrderProblem };

/** The warehouses that ship to `country`, in priority order. */
export function warehousesShippingTo(rules: RoutingRules, country: string): string[] {
  return rules.warehouses
    .filter((w) => w.countries === undefined || w.countries.includes(country))
    .map((w) => w.code);
}

/** Total quantity per SKU: two lines of one SKU draw on the same stock. */
function quantityBySku(lines: readonly RoutableLine[]): Map<string, number> {
  const total = new Map<string, number>();
  for (const line of lines) total.set(line.sku, (total.get(line.sku) ?? 0) + line.quantity);
  return total;
}

function stockText(sku: string, candidates: readonly string[], available: Availability): string {
  return candidates.map((w) => `${w} ${available(sku, w)}`).join(', ');
}

export function routeOrder(
  lines: readonly RoutableLine[],
  country: string,
  rules: RoutingRules,
  available: Availability,
  channel: string,
): Routing {
  const candidates = warehousesShippingTo(rules, country);
  if (candidates.length === 0) {
    return {
      ok: false,
      problem: { code: 'NO_WAREHOUSE', text: `no warehouse of ${channel} ships to ${country}` },
    };
  }
  if (!rules.checkStock) return { ok: true, warehouses: lines.map(() => candidates[0]!) };

  const wanted = quantityBySku(lines);
  const whole = candidates.find((w) => [...wanted].every(([sku, qty]) => available(sku, w) >= qty));
  if (whole !== undefined) return { ok: true, warehouses: lines.map(() => whole) };

  if (!rules.split) {
    const short = [...wanted].map(
      ([sku, qty]) => `SKU ${sku} ${qty} ordered (available ${stockText(sku, candidates, available)})`,
    );
    return {
      ok: false,
      problem: {
        code: 'NOT_IN_STOCK',
        text: `no single warehouse holds the whole order and ${channel} does not split orders: ${short.join('; ')}`,
      },
    };
  }

  const taken = new Map<string, number>();
  const warehouses: string[] = [];
  const missing: string[] = [];
  lines.forEach((line, i) => {
    const left = (w: string) => available(line.sku, w) - (taken.get(`${line.sku}\u001f${w}`) ?? 0);
    const from = candidates.find((w) => left(w) >= line.quantity);
    if (from === undefined) {
      missing.push(
        `line ${i + 1}: SKU ${line.sku} ${line.quantity} ordered, available ${stockText(line.sku, candidates, available)}`,
      );
      return;
    }
    const at = `${line.sku}\u001f${from}`;
    taken.set(at, (taken.get(at) ?? 0) + line.quantity);
    warehouses.push(from);
  });
  if (missing.length > 0) {
    return {
      ok: false,
      problem: {
        code: 'NOT_IN_STOCK',
        text: `not in stock where ${channel} ships from: ${missing.join('; ')}`,
      },
    };
  }
  return { ok: true, warehouses };
}
