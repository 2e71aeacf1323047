/**
 * MSI source items (magento/inventory `InventoryApi/etc/webapi.xml`; AdobeDocs
 * `src/pages/rest/inventory/manage-source-items.md`): `POST /V1/inventory/source-items` sets absolute
 * quantities per (sku, source) and answers `[]`; `GET` lists them with `searchCriteria`.
 */
import type { FastifyInstance } from 'fastify';
import { isJsonObject } from '../json-value.ts';
import { fieldTypeInvalid, requiredField } from '../magento-errors.ts';
import { echoCriteria, parseSearchCriteria } from '../search-criteria.ts';
import type { SimulatorContext } from '../simulator-context.ts';
import type { SourceItemInput } from '../catalog-store.ts';
import { registerMagentoRoute } from './magento-route.ts';

export function inventoryRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  registerMagentoRoute(app, ctx.routeDeps, {
    method: 'POST',
    url: '/V1/inventory/source-items',
    resource: 'Magento_InventoryApi::stock_source_item_assign',
    handle: ({ body, countItems }) => {
      if (!isJsonObject(body) || body.sourceItems === undefined || body.sourceItems === null)
        throw requiredField('sourceItems');
      const items = body.sourceItems;
      if (!Array.isArray(items)) throw fieldTypeInvalid('sourceItems', items, 'array');
      const sourceItems: SourceItemInput[] = items.map((item) => {
        if (!isJsonObject(item)) throw fieldTypeInvalid('sourceItems', item, 'array');
        return item;
      });
      countItems(sourceItems.length);
      ctx.catalog.saveSourceItems(sourceItems);
      return [];
    },
  });

  registerMagentoRoute(app, ctx.routeDeps, {
    method: 'GET',
    url: '/V1/inventory/source-items',
    resource: 'Magento_InventoryApi::source',
    handle: ({ request }) => {
      const criteria = parseSearchCriteria(request.url);
      if (criteria === null) throw requiredField('searchCriteria');
      const page = ctx.catalog.searchSourceItems(criteria);
      return { items: page.items, search_criteria: echoCriteria(criteria), total_count: page.totalCount };
    },
  });
  return Promise.resolve();
}
