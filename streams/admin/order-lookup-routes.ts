/**
 * `GET /orders/:channel/:channelOrderId`: which ERP order a channel order became, for the channel
 * or an operator, as a fastify plugin (tested with `inject()`). 200 with the ERP order id and its
 * status once the ERP holds the order; 404 `ORDER_NOT_IN_ERP` before; 503 `ERP_UNAVAILABLE` when
 * the ERP cannot be asked.
 */
import type { FastifyInstance } from 'fastify';
import type { ErpOrderFound } from '../sinks/erp-orders/erp-order-lookup.ts';

export interface OrderLookupOptions {
  find(channel: string, channelOrderId: string): Promise<ErpOrderFound | null>;
}

export function orderLookupRoutes(app: FastifyInstance, options: OrderLookupOptions): void {
  app.get<{ Params: { channel: string; channelOrderId: string } }>(
    '/orders/:channel/:channelOrderId',
    async (request, reply) => {
      const { channel, channelOrderId } = request.params;
      let found: ErpOrderFound | null;
      try {
        found = await options.find(channel, channelOrderId);
      } catch (error) {
        return reply.code(503).send({
          code: 'ERP_UNAVAILABLE',
          message: `the ERP could not be asked for order ${channelOrderId} from ${channel}: ${(error as Error).message}`,
        });
      }
      if (found === null) {
        return reply.code(404).send({
          code: 'ORDER_NOT_IN_ERP',
          message: `order ${channelOrderId} from ${channel} is not in the ERP (yet); the register says where it is`,
        });
      }
      return found;
    },
  );
}
