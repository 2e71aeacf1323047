-- The sample ERP in MariaDB (database erp), the same model as schema-postgres.sql. Run by
-- load-mariadb.ts as erp_app, with the connection's database selected. Times are datetime(6) in
-- UTC: the seeder and the activity set the session time zone to +00:00.
-- Table and column names are a contract: connectors, ingest mappings and tests use them. The order
-- interchange tables are in schema-orders-mariadb.sql.

CREATE TABLE warehouse (
  code    varchar(16)  NOT NULL PRIMARY KEY,
  name    varchar(128) NOT NULL,
  country char(2)      NOT NULL
) ENGINE=InnoDB;

CREATE TABLE product (
  sku         varchar(64)  NOT NULL PRIMARY KEY,
  -- A variant points at its parent product row; parents and standalone products have NULL.
  parent_sku  varchar(64),
  name        varchar(255) NOT NULL,
  description text,
  ean         varchar(14),
  brand       varchar(64),
  category    varchar(128),
  attributes  JSON         NOT NULL DEFAULT '{}',
  active      boolean      NOT NULL DEFAULT true,
  created_at  datetime(6)  NOT NULL DEFAULT current_timestamp(6),
  updated_at  datetime(6)  NOT NULL DEFAULT current_timestamp(6),
  KEY product_parent_sku_idx (parent_sku),
  KEY product_updated_at_idx (updated_at),
  FOREIGN KEY (parent_sku) REFERENCES product (sku)
) ENGINE=InnoDB;

CREATE TABLE price_list (
  code           varchar(16)  NOT NULL PRIMARY KEY,
  name           varchar(128) NOT NULL,
  currency       char(3)      NOT NULL,
  customer_group varchar(32)  NOT NULL
) ENGINE=InnoDB;

CREATE TABLE customer (
  code           varchar(32)  NOT NULL PRIMARY KEY,
  name           varchar(255) NOT NULL,
  email          varchar(255),
  customer_group varchar(32)  NOT NULL,
  vat_id         varchar(32),
  country        char(2)      NOT NULL,
  created_at     datetime(6)  NOT NULL DEFAULT current_timestamp(6),
  updated_at     datetime(6)  NOT NULL DEFAULT current_timestamp(6),
  KEY customer_updated_at_idx (updated_at)
) ENGINE=InnoDB;

CREATE TABLE stock_level (
  sku            varchar(64) NOT NULL,
  warehouse_code varchar(16) NOT NULL,
  on_hand        int         NOT NULL,
  reserved       int         NOT NULL DEFAULT 0,
  updated_at     datetime(6) NOT NULL DEFAULT current_timestamp(6),
  PRIMARY KEY (sku, warehouse_code),
  KEY stock_level_updated_at_idx (updated_at),
  FOREIGN KEY (sku) REFERENCES product (sku),
  FOREIGN KEY (warehouse_code) REFERENCES warehouse (code)
) ENGINE=InnoDB;

CREATE TABLE price (
  sku             varchar(64)   NOT NULL,
  price_list_code varchar(16)   NOT NULL,
  amount          decimal(12,2) NOT NULL,
  updated_at      datetime(6)   NOT NULL DEFAULT current_timestamp(6),
  PRIMARY KEY (sku, price_list_code),
  KEY price_updated_at_idx (updated_at),
  FOREIGN KEY (sku) REFERENCES product (sku),
  FOREIGN KEY (price_list_code) REFERENCES price_list (code)
) ENGINE=InnoDB;
