/** The order contracts shared by the orders processor and the ERP order sink. */
export * from './erp-order-command.ts';
export * from './check-erp-order-command.ts';
export * from './order-amounts.ts';
export * from './command-digest.ts';
