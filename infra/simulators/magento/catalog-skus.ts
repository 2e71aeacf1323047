/**
 * What a shopper can buy in the simulated store: enabled products with a price, with the quantity their
 * stock item says (the sink keeps these in step with the ERP). Read through the catalog's own REST view,
 * so the shopper sees exactly what the API shows.
 */
import type { CatalogStore } from './catalog-store.ts';
import { isJsonObject, type JsonObject } from './json-value.ts';
import { MagentoError } from './magento-errors.ts';
import type { OrderLineDraft } from './order-store.ts';
import type { SellableSku } from '../shopping/random-basket.ts';

export interface CatalogSku extends SellableSku {
  readonly productId: number;
}

export function sellableSkus(catalog: CatalogStore): CatalogSku[] {
  const { items } = catalog.searchProducts({ filterGroups: [], sortOrders: [] });
  return items.flatMap((product) => {
    const sku = facts(product);
    return sku && sku.status === 1 && sku.typeId !== 'configurable' ? [sku] : [];
  });
}

/**
 * A line for a test's order: name and price from the catalog when the SKU is there and the line does not
 * give them; a SKU the catalog lacks needs its price (a test may sell what the ERP never heard of).
 */
export function resolveLine(
  catalog: CatalogStore,
  line: { sku: string; qty: number; price?: number; name?: string },
): OrderLineDraft | string {
  let known: (CatalogSku & { status: number }) | null = null;
  try {
    known = facts(catalog.getProduct(line.sku));
  } catch (error) {
    if (!(error instanceof MagentoError) || error.httpStatus !== 404) throw error;
  }
  const price = line.price ?? known?.price;
  if (price === undefined) return `${line.sku}: not in the catalog, so the line needs a price`;
  return {
    sku: known?.sku ?? line.sku,
    name: line.name ?? known?.name ?? line.sku,
    price,
    qty: line.qty,
    productId: known?.productId ?? null,
  };
}

function facts(product: JsonObject): (CatalogSku & { status: number; typeId: string }) | null {
  const { id, sku, name, price, status, type_id: typeId, extension_attributes: extension } = product;
  if (typeof id !== 'number' || typeof sku !== 'string' || typeof price !== 'number') return null;
  const stock = isJsonObject(extension) ? extension.stock_item : undefined;
  const qty = isJsonObject(stock) && typeof stock.qty === 'number' ? stock.qty : null;
  const inStock = isJsonObject(stock) ? stock.is_in_stock !== false : true;
  return {
    productId: id,
    sku,
    name: typeof name === 'string' ? name : sku,
    price,
    quantity: inStock ? qty : 0,
    status: typeof status === 'number' ? status : 1,
    typeId: typeof typeId === 'string' ? typeId : 'simple',
  };
}
