/** The database-table channel: offers upserted into a table of the channel's own PostgreSQL. */
export { dbTableAdapter } from './db-table-adapter.ts';
export { dbTableSettingsSchema, type DbTableSettings } from './db-table-settings.ts';
