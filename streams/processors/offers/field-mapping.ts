/**
 * A channel's own names for product facts (`gtin` for the EAN, `colour` for an attribute), so an
 * adapter for a generic channel needs no code: `fieldMapping` maps an output name to a canonical
 * product field or to `attributes.<name>`. The mapped fields travel in the offer next to the
 * canonical ones; a source without a value maps to null, so the channel view says "none" instead of
 * dropping the key, and a value that appears later changes the hash.
 */
import type { Product } from '../../contracts/canonical.ts';
import { mappableFields, type MappableField } from './channel-config.ts';

const attributePrefix = 'attributes.';

/** The value `source` names in the product; null when it has none. An unknown source is null too. */
export function fieldValue(product: Product, source: string): string | null {
  if (source.startsWith(attributePrefix)) {
    // Own properties only: `attributes.constructor` must not read Object.prototype's.
    const name = source.slice(attributePrefix.length);
    return Object.hasOwn(product.attributes, name) ? (product.attributes[name] ?? null) : null;
  }
  if ((mappableFields as readonly string[]).includes(source)) return product[source as MappableField];
  return null;
}

/** Output name -> value, for every entry of the mapping. */
export function mapFields(
  mapping: Readonly<Record<string, string>>,
  product: Product,
): Record<string, string | null> {
  const mapped: Record<string, string | null> = {};
  for (const [output, source] of Object.entries(mapping)) mapped[output] = fieldValue(product, source);
  return mapped;
}
