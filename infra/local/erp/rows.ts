/**
 * The sample ERP's tables as TypeScript rows. Rows carry the column names of the SQL schema
 * (schema-postgres.sql, schema-mariadb.sql), so a loader writes them without a mapping and a
 * reader of the connectors' CDC events finds the same names.
 */

/** The sample's master data: what the seeder loads and its sample mark describes. */
export const catalogTables = [
  'warehouse',
  'product',
  'price_list',
  'customer',
  'stock_level',
  'price',
] as const;

/**
 * The order interchange (schema-orders-*.sql): empty in a fresh sample; syncline writes orders,
 * the ERP picks them up and ships them. Referenced tables first.
 */
export const orderTables = [
  'sales_order',
  'sales_order_line',
  'sales_order_status',
  'shipment',
  'shipment_line',
] as const;

/** Every table, referenced tables first: the order to create and load, reversed to drop. */
export const erpTables = [...catalogTables, ...orderTables] as const;

export type ErpTable = (typeof erpTables)[number];
export type OrderTable = (typeof orderTables)[number];

/**
 * The layout of the order interchange tables, written as the comment of `sales_order`. Version 1
 * had two tables without the channel's version, addresses or routing; a database whose sample
 * predates version 2 gets the new tables from the seeder while they hold no order.
 */
export const orderTablesMark = 'syncline order interchange v2';

/**
 * A point in time as epoch milliseconds (UTC). Numbers rather than Date objects: a 1M-product
 * sample has 8M timestamps, and the garbage collector spent more time on the Dates than the
 * generator on everything else. Loaders format them for their database.
 */
export type Timestamp = number;

/** When the sample's history starts: products and customers are created from here on. */
export const sampleEpochMs: Timestamp = Date.UTC(2023, 0, 2, 8, 0, 0);
export const hourMs = 3_600_000;
export const dayMs = 24 * hourMs;

export interface WarehouseRow {
  code: string;
  name: string;
  country: string;
}

export interface ProductRow {
  sku: string;
  /** The parent product's SKU for a variant; null for a parent or a standalone product. */
  parent_sku: string | null;
  name: string;
  description: string | null;
  /** EAN-13; null for parents (not sold themselves) and for some standalone products. */
  ean: string | null;
  brand: string;
  category: string;
  /** Values are text, as the canonical model keeps them. */
  attributes: Record<string, string>;
  active: boolean;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface StockLevelRow {
  sku: string;
  warehouse_code: string;
  on_hand: number;
  reserved: number;
  updated_at: Timestamp;
}

export interface PriceListRow {
  code: string;
  name: string;
  currency: string;
  customer_group: string;
}

export interface PriceRow {
  sku: string;
  price_list_code: string;
  /** A decimal as text ("19.99"): money never goes through a float. */
  amount: string;
  updated_at: Timestamp;
}

export interface CustomerRow {
  code: string;
  name: string;
  email: string;
  customer_group: string;
  vat_id: string | null;
  country: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The columns the seeder writes, in COPY / LOAD DATA order; the order tables stay empty. */
export const loadedColumns = {
  warehouse: ['code', 'name', 'country'],
  product: [
    'sku',
    'parent_sku',
    'name',
    'description',
    'ean',
    'brand',
    'category',
    'attributes',
    'active',
    'created_at',
    'updated_at',
  ],
  price_list: ['code', 'name', 'currency', 'customer_group'],
  customer: ['code', 'name', 'email', 'customer_group', 'vat_id', 'country', 'created_at', 'updated_at'],
  stock_level: ['sku', 'warehouse_code', 'on_hand', 'reserved', 'updated_at'],
  price: ['sku', 'price_list_code', 'amount', 'updated_at'],
} as const satisfies {
  warehouse: readonly (keyof WarehouseRow)[];
  product: readonly (keyof ProductRow)[];
  price_list: readonly (keyof PriceListRow)[];
  customer: readonly (keyof CustomerRow)[];
  stock_level: readonly (keyof StockLevelRow)[];
  price: readonly (keyof PriceRow)[];
};

export type LoadedTable = keyof typeof loadedColumns;

/** The row type of each loaded table, so a loader cannot put stock rows into `price`. */
export interface RowOf {
  warehouse: WarehouseRow;
  product: ProductRow;
  price_list: PriceListRow;
  customer: CustomerRow;
  stock_level: StockLevelRow;
  price: PriceRow;
}

/** A value as a loader sees it: one field of a row. */
export type FieldValue = string | number | boolean | null | Record<string, string>;
