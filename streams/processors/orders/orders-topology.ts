/**
 * The orders processor in the topology: each channel's orders in, ERP order commands out. The
 * catalog it checks an order against is partitioned by SKU, an order by its channel id, so a line
 * travels to the task that holds its SKU and its answer comes back (orders-processor.ts says how):
 * both repartition topics are written and read by this processor.
 */
import type { NodeDeclaration } from '../../contracts/topology-nodes.ts';

export const orderTable = 'order';
export const productTable = 'product';
export const stockTable = 'stock';

export const ordersTopology: NodeDeclaration = {
  name: 'orders',
  kind: 'processor',
  role: 'orders',
  group: 'syncline-orders',
  reads: [
    { topic: 'channelOrder' },
    { topic: 'catalogProduct' },
    { topic: 'catalogStock' },
    { topic: 'ordersLineLookup' },
    { topic: 'ordersLineAnswer' },
  ],
  writes: [
    { topic: 'erpOrderCommand' },
    { topic: 'syncRegister' },
    { topic: 'ordersLineLookup' },
    { topic: 'ordersLineAnswer' },
  ],
  parks: [{ topic: 'ordersDlq' }],
  stores: [
    {
      name: orderTable,
      key: 'channel U+001F channel order id',
      value:
        'the newest version seen, whether a command went to the ERP, the order awaiting its line answers',
    },
    { name: productTable, key: 'SKU', value: 'the SKU is a product of the ERP' },
    { name: stockTable, key: 'SKU U+001F warehouse', value: 'units available (on hand - reserved)' },
  ],
};
