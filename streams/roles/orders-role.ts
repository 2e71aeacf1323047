/**
 * The orders role: each channel's orders -> ERP order commands (Avro), exactly once, with the
 * register entries of every decision and the orders' dead letters.
 */
import type { SynclineConfig } from '../config/syncline-config.ts';
import { SynclineError } from '../runtime/errors.ts';
import { ordersProcessor } from '../processors/orders/orders-processor.ts';
import { ordersTopology } from '../processors/orders/orders-topology.ts';
import type { Role } from './role.ts';

export function ordersRole(config: SynclineConfig): Role {
  if (config.orders === undefined) {
    throw new SynclineError('CONFIG_INVALID', 'the orders role needs an `orders:` section in the config');
  }
  return {
    processor: ordersProcessor({ orders: config.orders, channels: config.channels }),
    topology: ordersTopology,
  };
}
