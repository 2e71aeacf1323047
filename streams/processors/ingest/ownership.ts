/**
 * Which data a source is the truth for (ARCHITECTURE, "Two databases, two roles"): each source
 * declares the entities, warehouses and price lists it owns, and a record for anything else is
 * parked, deletes included, so that a 3PL's WMS cannot overwrite or delete the ERP's rows.
 */
import type { CanonicalEntity } from '../../contracts/canonical.ts';
import type { Identity } from './map-row.ts';
import type { SourceConfig } from './source-config.ts';

const plural: Record<CanonicalEntity, string> = { product: 'products', stock: 'stock', price: 'prices' };

const listed = (values: readonly string[]): string => (values.length === 0 ? 'none' : values.join(', '));

/** Null when the source owns the entity; else the sentence saying it does not. */
export function entityNotOwned(source: SourceConfig, entity: CanonicalEntity): string | null {
  if (source.owns.entities.includes(entity)) return null;
  return `source ${source.id} does not own ${plural[entity]} (it owns ${listed(source.owns.entities)}), so this row is not taken from it`;
}

/** Null when the source owns the record's warehouse or price list; else the sentence saying it does not. */
export function identityNotOwned(source: SourceConfig, identity: Identity): string | null {
  const { warehouses, priceLists } = source.owns;
  if (identity.warehouse !== null && warehouses !== undefined && !warehouses.includes(identity.warehouse)) {
    return `warehouse ${identity.warehouse} is not owned by source ${source.id} (it owns ${listed(warehouses)}), so stock of SKU ${identity.sku} there is not taken from it`;
  }
  if (identity.priceList !== null && priceLists !== undefined && !priceLists.includes(identity.priceList)) {
    return `price list ${identity.priceList} is not owned by source ${source.id} (it owns ${listed(priceLists)}), so the price of SKU ${identity.sku} in it is not taken from it`;
  }
  return null;
}
