-- The sample ERP in PostgreSQL (schema erp of database erp). Run by load-postgres.ts as erp_app
-- after SET ROLE erp_owner, so the tables belong to the group that Debezium's user is a member
-- of: Debezium may then add them to its filtered publication (Debezium PostgreSQL docs,
-- "Setting privileges to enable Debezium to create PostgreSQL publications").
-- Table and column names are a contract: connectors, ingest mappings and tests use them. The order
-- interchange tables are in schema-orders-postgres.sql.

CREATE SCHEMA IF NOT EXISTS erp;

CREATE TABLE erp.warehouse (
  code    varchar(16)  PRIMARY KEY,
  name    varchar(128) NOT NULL,
  country char(2)      NOT NULL
);

CREATE TABLE erp.product (
  sku         varchar(64)  PRIMARY KEY,
  -- A variant points at its parent product row; parents and standalone products have NULL.
  parent_sku  varchar(64),
  name        varchar(255) NOT NULL,
  description text,
  ean         varchar(14),
  brand       varchar(64),
  category    varchar(128),
  attributes  jsonb        NOT NULL DEFAULT '{}',
  active      boolean      NOT NULL DEFAULT true,
  created_at  timestamptz  NOT NULL DEFAULT now(),
  updated_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE erp.price_list (
  code           varchar(16)  PRIMARY KEY,
  name           varchar(128) NOT NULL,
  currency       char(3)      NOT NULL,
  customer_group varchar(32)  NOT NULL
);

CREATE TABLE erp.customer (
  code           varchar(32)  PRIMARY KEY,
  name           varchar(255) NOT NULL,
  email          varchar(255),
  customer_group varchar(32)  NOT NULL,
  vat_id         varchar(32),
  country        char(2)      NOT NULL,
  created_at     timestamptz  NOT NULL DEFAULT now(),
  updated_at     timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE erp.stock_level (
  sku            varchar(64) NOT NULL,
  warehouse_code varchar(16) NOT NULL,
  on_hand        integer     NOT NULL,
  reserved       integer     NOT NULL DEFAULT 0,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, warehouse_code)
);

CREATE TABLE erp.price (
  sku             varchar(64)   NOT NULL,
  price_list_code varchar(16)   NOT NULL,
  amount          numeric(12,2) NOT NULL,
  updated_at      timestamptz   NOT NULL DEFAULT now(),
  PRIMARY KEY (sku, price_list_code)
);

-- Updates and deletes of these carry the whole old row in Debezium's `before`, not only the key,
-- so ingest can tell what changed (Debezium PostgreSQL docs, "Replica identity").
ALTER TABLE erp.product REPLICA IDENTITY FULL;
ALTER TABLE erp.stock_level REPLICA IDENTITY FULL;
ALTER TABLE erp.price REPLICA IDENTITY FULL;

-- @after-load
-- Built once over the loaded rows: checking foreign keys row by row during COPY costs a trigger
-- call per row and, in one transaction, a queue of millions of pending checks. More sort memory
-- lets the index builds of a 1M sample sort in memory (this transaction only).
SET LOCAL maintenance_work_mem = '256MB';

ALTER TABLE erp.product ADD FOREIGN KEY (parent_sku) REFERENCES erp.product (sku);
ALTER TABLE erp.stock_level ADD FOREIGN KEY (sku) REFERENCES erp.product (sku);
ALTER TABLE erp.stock_level ADD FOREIGN KEY (warehouse_code) REFERENCES erp.warehouse (code);
ALTER TABLE erp.price ADD FOREIGN KEY (sku) REFERENCES erp.product (sku);
ALTER TABLE erp.price ADD FOREIGN KEY (price_list_code) REFERENCES erp.price_list (code);

CREATE INDEX product_parent_sku_idx ON erp.product (parent_sku);
CREATE INDEX product_updated_at_idx ON erp.product (updated_at);
CREATE INDEX stock_level_updated_at_idx ON erp.stock_level (updated_at);
CREATE INDEX price_updated_at_idx ON erp.price (updated_at);
CREATE INDEX customer_updated_at_idx ON erp.customer (updated_at);

ANALYZE erp.warehouse, erp.product, erp.price_list, erp.customer, erp.stock_level, erp.price;
