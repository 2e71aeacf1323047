/** What the route plugins share: the simulated Magento state and the route registrar's dependencies. */
import type { BulkQueue } from './bulk-queue.ts';
import type { CatalogStore } from './catalog-store.ts';
import type { OrderStore } from './order-store.ts';
import type { AttributeRegistry } from './product-attributes.ts';
import type { RouteDeps } from './routes/magento-route.ts';

// A type alias (not an interface) so it satisfies fastify's plugin options constraint.
export type SimulatorContext = {
  catalog: CatalogStore;
  attributes: AttributeRegistry;
  bulks: BulkQueue;
  orders: OrderStore;
  routeDeps: RouteDeps;
};
