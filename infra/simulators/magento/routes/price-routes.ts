/**
 * Base prices (`Catalog\Api\BasePriceStorageInterface`): `POST /V1/products/base-prices` always answers 200
 * with `[]` or the per-row failures, saving the valid rows (`BasePriceStorage::update`,
 * `dev/tests/api-functional/testsuite/Magento/Catalog/Api/BasePriceStorageTest.php`);
 * `POST /V1/products/base-prices-information {"skus":[...]}` reads them back.
 */
import type { FastifyInstance } from 'fastify';
import { isJsonObject } from '../json-value.ts';
import { fieldTypeInvalid, requiredField } from '../magento-errors.ts';
import type { BasePriceInput } from '../catalog-store.ts';
import type { SimulatorContext } from '../simulator-context.ts';
import { registerMagentoRoute } from './magento-route.ts';

const CATALOG = 'Magento_Catalog::catalog';

export function priceRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  registerMagentoRoute(app, ctx.routeDeps, {
    method: 'POST',
    url: '/V1/products/base-prices',
    resource: CATALOG,
    handle: ({ body, countItems }) => {
      if (!isJsonObject(body) || body.prices === undefined || body.prices === null)
        throw requiredField('prices');
      const rows = body.prices;
      if (!Array.isArray(rows)) throw fieldTypeInvalid('prices', rows, 'array');
      const prices: BasePriceInput[] = rows.map((row) => {
        if (!isJsonObject(row)) throw fieldTypeInvalid('prices', row, 'array');
        return row;
      });
      countItems(prices.length);
      return ctx.catalog.updateBasePrices(prices).map((failure) => ({ ...failure }));
    },
  });

  registerMagentoRoute(app, ctx.routeDeps, {
    method: 'POST',
    url: '/V1/products/base-prices-information',
    resource: CATALOG,
    handle: ({ body }) => {
      if (!isJsonObject(body) || body.skus === undefined || body.skus === null) throw requiredField('skus');
      const skus = body.skus;
      if (!Array.isArray(skus)) throw fieldTypeInvalid('skus', skus, 'array');
      return ctx.catalog.basePrices(
        skus.flatMap((sku) => (typeof sku === 'string' || typeof sku === 'number' ? [String(sku)] : [])),
      );
    },
  });
  return Promise.resolve();
}
