/**
 * Every adapter a channel's `sink.adapter` can name. A new channel kind = one adapter module and
 * one line here; the sink runner, the register and the config loader do not change.
 */
import type { AdapterFactory } from './channel-adapter.ts';
import { dbTableAdapter } from './adapters/db-table/db-table-adapter.ts';
import { magentoAdapter } from './adapters/magento/magento-adapter.ts';
import { webhookAdapter } from './adapters/webhook/webhook-adapter.ts';

export const adapterFactories: Readonly<Record<string, AdapterFactory<never>>> = {
  [magentoAdapter.kind]: magentoAdapter,
  [webhookAdapter.kind]: webhookAdapter,
  [dbTableAdapter.kind]: dbTableAdapter,
};
