/**
 * Whether a product belongs on a channel at all. A product a filter turns away becomes a tombstone
 * on the channel (issue 3): it may have been offered before the product or the filter changed, and
 * the channel must delist it.
 */
import type { Product } from '../../contracts/canonical.ts';
import type { ChannelFilters } from './channel-config.ts';

/** Why a product is not offered on a channel; the engine counts these. */
export type FilteredOut = 'inactive' | 'excluded-sku' | 'category' | 'brand';

/** The ERP's category paths are joined with ` > ` (`Home > Kitchen`). */
const categorySeparator = ' > ';

/** `Home` admits `Home` and `Home > Kitchen`, not `Homeware`. */
export function categoryAllowed(allowed: readonly string[], category: string | null): boolean {
  if (category === null) return false;
  return allowed.some((entry) => category === entry || category.startsWith(entry + categorySeparator));
}

/**
 * The first filter that turns the product away, or null when it passes. In grouped mode the
 * family's parent is asked for category and brand, so a family is offered whole or not at all;
 * each variant is still asked whether it is active and excluded (see variants.ts).
 */
export function filteredOut(filters: ChannelFilters, product: Product): FilteredOut | null {
  if (filters.activeOnly && !product.active) return 'inactive';
  if (filters.excludeSkus.includes(product.sku)) return 'excluded-sku';
  if (filters.categories !== undefined && !categoryAllowed(filters.categories, product.category)) {
    return 'category';
  }
  if (filters.brands !== undefined && (product.brand === null || !filters.brands.includes(product.brand))) {
    return 'brand';
  }
  return null;
}
