/**
 * The ERP order sink in the topology: ERP order commands in, the ERP's interchange tables out,
 * every outcome in the register, what the ERP refuses in the orders' dead letters.
 */
import type { NodeDeclaration } from '../../contracts/topology-nodes.ts';

export const erpOrderSinkTopology: NodeDeclaration = {
  name: 'ERP order sink',
  kind: 'sink',
  role: 'erp-orders',
  group: 'syncline-erp-orders',
  reads: [{ topic: 'erpOrderCommand' }],
  writes: [{ topic: 'syncRegister' }],
  parks: [{ topic: 'ordersDlq' }],
  stores: [
    {
      name: 'ERP sales_order, sales_order_line, sales_order_status',
      key: 'sales channel, channel order id (unique)',
      value: 'the ERP order, its lines and its status history',
    },
  ],
  delivers: "the ERP's order interchange tables (PostgreSQL or MariaDB)",
};
