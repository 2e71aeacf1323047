/**
 * Sales routes syncline uses (magento/magento2 `app/code/Magento/Sales/etc/webapi.xml`): the orders search
 * and read, shipments search, ship an order with tracks (`ShipOrderInterface`), and add a status
 * comment (`OrderManagementInterface::addComment`). Paths, ACL resources and answers as Magento declares
 * them; the search pages like every Magento collection, the last page repeated past the end included.
 */
import type { FastifyInstance } from 'fastify';
import { fieldTypeInvalid, requiredField } from '../magento-errors.ts';
import { parseCommentBody, parseShipBody } from '../order-input.ts';
import { echoCriteria, parseSearchCriteria } from '../search-criteria.ts';
import type { SimulatorContext } from '../simulator-context.ts';
import { registerMagentoRoute } from './magento-route.ts';

export const ORDER_RESOURCES = {
  view: 'Magento_Sales::actions_view',
  ship: 'Magento_Sales::ship',
  comment: 'Magento_Sales::comment',
  shipment: 'Magento_Sales::shipment',
} as const;

export function orderRoutes(app: FastifyInstance, ctx: SimulatorContext): Promise<void> {
  const route = registerMagentoRoute.bind(null, app, ctx.routeDeps);

  route({
    method: 'GET',
    url: '/V1/orders',
    resource: ORDER_RESOURCES.view,
    handle: ({ request }) => {
      const criteria = parseSearchCriteria(request.url);
      if (criteria === null) throw requiredField('searchCriteria');
      const page = ctx.orders.search(criteria);
      return { items: page.items, search_criteria: echoCriteria(criteria), total_count: page.totalCount };
    },
  });

  route({
    method: 'GET',
    url: '/V1/orders/:id',
    resource: ORDER_RESOURCES.view,
    handle: ({ params }) => ctx.orders.get(entityId('id', params.id)),
  });

  route({
    method: 'GET',
    url: '/V1/shipments',
    resource: ORDER_RESOURCES.shipment,
    handle: ({ request }) => {
      const criteria = parseSearchCriteria(request.url);
      if (criteria === null) throw requiredField('searchCriteria');
      const page = ctx.orders.searchShipments(criteria);
      return { items: page.items, search_criteria: echoCriteria(criteria), total_count: page.totalCount };
    },
  });

  // Answers the new shipment's entity id as a bare integer.
  route({
    method: 'POST',
    url: '/V1/order/:orderId/ship',
    resource: ORDER_RESOURCES.ship,
    handle: ({ params, body, countItems }) => {
      const orderId = entityId('orderId', params.orderId);
      const input = parseShipBody(body);
      countItems(input.items.length);
      return ctx.orders.ship(orderId, input);
    },
  });

  // Answers true.
  route({
    method: 'POST',
    url: '/V1/orders/:id/comments',
    resource: ORDER_RESOURCES.comment,
    handle: ({ params, body }) => ctx.orders.addComment(entityId('id', params.id), parseCommentBody(body)),
  });
  return Promise.resolve();
}

/** An `int` path parameter as `ServiceInputProcessor` converts it: digits only, else a type error. */
function entityId(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw fieldTypeInvalid(name, value ?? '', 'int');
  return Number(value);
}
