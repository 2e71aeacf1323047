/**
 * Variants: a family is a parent product and the variants whose `parentSku` names it; its key is
 * the parent's SKU (`familySkuOf`). A `flat` channel gets one offer per SKU, each variant carrying
 * its `parentSku`, and needs nothing beyond the SKU's own state. A `grouped` channel gets one offer
 * per family, keyed by the parent SKU, with the variants inside; that needs the whole family.
 *
 * Where the family comes from. The join is co-partitioned by SKU (ARCHITECTURE: keys and
 * partitions), and a variant's SKU hashes to another partition than its parent's, so one task never
 * holds a whole family. Partitioning the canonical topics by family SKU instead would not work:
 * stock and price rows do not carry the parent SKU, and ingest cannot know it without a join of its
 * own. So, as ARCHITECTURE decides, the family is regrouped after the join: the per-SKU stage
 * writes each changed `SkuState` to a repartition topic keyed by family SKU (for every family
 * `familiesTouched` names, so a variant that moves or is deleted leaves its old family), and the
 * regroup stage keeps a `FamilyState` per family (`applyToFamily`) and asks `familyOffers` for the
 * family's offer. These functions take the family as an input and do not care which stage built it.
 */
import type { Product } from '../../contracts/canonical.ts';
import type { SkuState } from './sku-state.ts';

export interface FamilyState {
  /** The family's SKU: the parent's. */
  readonly sku: string;
  /** The parent's state; null until it arrives (a family without its parent is not offered). */
  readonly parent: SkuState | null;
  /** Variant SKU -> state: every SKU whose product names this family as its parent. */
  readonly variants: Readonly<Record<string, SkuState>>;
}

/** A standalone or parent product is its own family; a variant belongs to its parent's. */
export const familySkuOf = (product: Product): string => product.parentSku ?? product.sku;

/** A SKU seen alone, as its own family with no variants: a standalone product in grouped mode. */
export const standaloneFamily = (state: SkuState): FamilyState => ({
  sku: state.sku,
  parent: state,
  variants: {},
});

/**
 * The families whose grouped offer a change of one SKU may alter: its family before and after the
 * change (they differ when a variant moves to another parent or becomes standalone), and the SKU's
 * own (a parent's deletion). Sorted, without duplicates.
 */
export function familiesTouched(before: SkuState | undefined, after: SkuState): string[] {
  const families = new Set<string>([after.sku]);
  if (before?.product) families.add(familySkuOf(before.product));
  if (after.product) families.add(familySkuOf(after.product));
  return [...families].sort();
}

/**
 * The family after a change of one of its SKUs (`family` undefined = nothing kept yet): the parent
 * replaced (or removed, when the family's own SKU is now a variant of another family), or the
 * variant added, replaced or, when its product is gone or names another parent, removed.
 */
export function applyToFamily(
  family: FamilyState | undefined,
  familySku: string,
  state: SkuState,
): FamilyState {
  const current: FamilyState = family ?? { sku: familySku, parent: null, variants: {} };
  // A variant's own SKU is one of the families `familiesTouched` names, but the variant is not that
  // family's parent: its grouped offer lives inside its parent's, never under its own key.
  if (state.sku === familySku) {
    const isVariant = state.product !== null && state.product.parentSku !== null;
    return { ...current, parent: isVariant ? null : state };
  }
  const { [state.sku]: _previous, ...others } = current.variants;
  const member = state.product !== null && state.product.parentSku === familySku;
  return { ...current, variants: member ? { ...others, [state.sku]: state } : others };
}

/** True when the family holds nothing: the regroup stage may delete it. */
export const isEmptyFamily = (family: FamilyState): boolean =>
  family.parent === null && Object.keys(family.variants).length === 0;
