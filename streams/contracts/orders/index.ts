/** The order contracts shared by the intake, the orders processor and the ERP order sink. */
export * from './channel-order.ts';
export * from './erp-order-command.ts';
export * from './check-erp-order-command.ts';
export * from './order-amounts.ts';
export * from './command-digest.ts';
