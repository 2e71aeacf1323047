/**
 * Catalog product routes (magento/magento2 `app/code/Magento/Catalog/etc/webapi.xml`, ACL
 * `Magento_Catalog::products`) and the legacy stock item update (`CatalogInventory/etc/webapi.xml`).
 */
import type { FastifyInstance } from 'fastify';
import { isJsonObject, type JsonObject } from '../json-value.ts';
import { fieldTypeInvalid, requiredField } from '../magento-errors.ts';
import { parseSaveBody } from '../product-payload.ts';
import { echoCriteria, parseSearchCriteria } from '../search-criteria.ts';
import type { SimulatorContext } from '../simulator-context.ts';
import { registerMagentoRoute } from './magento-route.ts';

const PRODUCTS = 'Magento_Catalog::products';

export function productRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const route = registerMagentoRoute.bind(null, app, ctx.routeDeps);

  route({
    method: 'POST',
    url: '/V1/products',
    resource: PRODUCTS,
    handle: ({ body, countItems }) => {
      const input = parseSaveBody(body);
      countItems(1);
      return ctx.catalog.saveProduct(input);
    },
  });

  route({
    method: 'PUT',
    url: '/V1/products/:sku',
    resource: PRODUCTS,
    handle: ({ body, params, countItems }) => {
      const input = parseSaveBody(withPathSku(body, params.sku ?? ''));
      countItems(1);
      return ctx.catalog.saveProduct(input);
    },
  });

  route({
    method: 'GET',
    url: '/V1/products/:sku',
    resource: PRODUCTS,
    handle: ({ params }) => ctx.catalog.getProduct(params.sku ?? ''),
  });

  route({
    method: 'DELETE',
    url: '/V1/products/:sku',
    resource: PRODUCTS,
    handle: ({ params }) => ctx.catalog.deleteProduct(params.sku ?? ''),
  });

  route({
    method: 'GET',
    url: '/V1/products',
    resource: PRODUCTS,
    handle: ({ request }) => {
      const criteria = parseSearchCriteria(request.url);
      if (criteria === null) throw requiredField('searchCriteria');
      const page = ctx.catalog.searchProducts(criteria);
      return { items: page.items, search_criteria: echoCriteria(criteria), total_count: page.totalCount };
    },
  });

  route({
    method: 'GET',
    url: '/V1/products/attributes/:attributeCode',
    resource: 'Magento_Catalog::attributes_attributes',
    handle: ({ params }) => ctx.attributes.view(params.attributeCode ?? ''),
  });

  // StockRegistryInterface::updateStockItemBySku answers with the stock item id as a bare integer.
  route({
    method: 'PUT',
    url: '/V1/products/:productSku/stockItems/:itemId',
    resource: 'Magento_CatalogInventory::cataloginventory',
    handle: ({ body, params, countItems }) => {
      if (!isJsonObject(body) || body.stockItem === undefined || body.stockItem === null)
        throw requiredField('stockItem');
      const stockItem = body.stockItem;
      if (!isJsonObject(stockItem)) throw fieldTypeInvalid('stockItem', stockItem, 'array');
      const input = parseSaveBody({ product: { sku: 'x', extension_attributes: { stock_item: stockItem } } });
      countItems(1);
      return ctx.catalog.updateLegacyStockItem(params.productSku ?? '', input.stock_item ?? {});
    },
  });
  return Promise.resolve();
}

/**
 * `Webapi\Rest\Request::overrideRequestBodyIdWithPathParam`: the URL's `:sku` replaces the product's SKU only
 * when the body has a single top-level key holding an object (`{"product":{...}}`). With a second key such as
 * `saveOptions` it lands at the top level, where `save(product, saveOptions)` ignores it, so the body's own
 * `product.sku` decides which product is saved.
 */
function withPathSku(body: unknown, pathSku: string): unknown {
  if (!isJsonObject(body)) return body;
  const keys = Object.keys(body);
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only === undefined) return body;
  const entity = body[only];
  if (!isJsonObject(entity)) return body;
  const replaced: JsonObject = { ...entity, sku: pathSku };
  return { [only]: replaced };
}
