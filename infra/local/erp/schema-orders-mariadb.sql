-- The sample ERP's order interchange in MariaDB (database erp): the same model, the same
-- convention between syncline and the ERP as schema-orders-postgres.sql, which explains it.
-- Times are datetime(6) in UTC.

CREATE TABLE sales_order (
  id                  bigint        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  sales_channel       varchar(32)   NOT NULL,
  channel_order_id    varchar(64)   NOT NULL,
  channel_version     varchar(64)   NOT NULL,
  channel_updated_at  datetime(6)   NOT NULL,
  command_digest      char(64)      NOT NULL,
  revision            int           NOT NULL DEFAULT 1,
  status              varchar(20)   NOT NULL DEFAULT 'new',
  status_reason       varchar(255),
  customer_code       varchar(32),
  buyer_name          varchar(255)  NOT NULL,
  buyer_email         varchar(255)  NOT NULL,
  buyer_phone         varchar(32),
  billing_name        varchar(255)  NOT NULL,
  billing_company     varchar(255),
  billing_street      varchar(400)  NOT NULL,
  billing_postcode    varchar(16)   NOT NULL,
  billing_city        varchar(128)  NOT NULL,
  billing_region      varchar(64),
  billing_country     char(2)       NOT NULL,
  billing_phone       varchar(32),
  shipping_name       varchar(255)  NOT NULL,
  shipping_company    varchar(255),
  shipping_street     varchar(400)  NOT NULL,
  shipping_postcode   varchar(16)   NOT NULL,
  shipping_city       varchar(128)  NOT NULL,
  shipping_region     varchar(64),
  shipping_country    char(2)       NOT NULL,
  shipping_phone      varchar(32),
  currency            char(3)       NOT NULL,
  payment_code        varchar(32)   NOT NULL,
  shipping_code       varchar(32)   NOT NULL,
  shipping_amount     decimal(12,2) NOT NULL,
  total_amount        decimal(12,2) NOT NULL,
  ordered_at          datetime(6)   NOT NULL,
  picked_up_at        datetime(6),
  cancelled_at        datetime(6),
  created_at          datetime(6)   NOT NULL DEFAULT current_timestamp(6),
  updated_at          datetime(6)   NOT NULL DEFAULT current_timestamp(6),
  UNIQUE KEY sales_order_channel_order_uq (sales_channel, channel_order_id),
  KEY sales_order_updated_at_idx (updated_at),
  KEY sales_order_status_idx (status),
  CONSTRAINT sales_order_status_ck
    CHECK (status IN ('new', 'picked_up', 'partially_shipped', 'shipped', 'cancelled')),
  CONSTRAINT sales_order_amounts_ck CHECK (shipping_amount >= 0 AND total_amount >= 0),
  CONSTRAINT sales_order_customer_fk FOREIGN KEY (customer_code) REFERENCES customer (code)
) ENGINE=InnoDB;

CREATE TABLE sales_order_line (
  order_id         bigint        NOT NULL,
  line_no          int           NOT NULL,
  channel_line_id  varchar(64)   NOT NULL,
  sku              varchar(64)   NOT NULL,
  quantity         int           NOT NULL,
  unit_price       decimal(12,2) NOT NULL,
  warehouse_code   varchar(16)   NOT NULL,
  PRIMARY KEY (order_id, line_no),
  CONSTRAINT sales_order_line_ck CHECK (line_no > 0 AND quantity > 0 AND unit_price >= 0),
  CONSTRAINT sales_order_line_order_fk FOREIGN KEY (order_id) REFERENCES sales_order (id) ON DELETE CASCADE,
  CONSTRAINT sales_order_line_sku_fk FOREIGN KEY (sku) REFERENCES product (sku),
  CONSTRAINT sales_order_line_warehouse_fk FOREIGN KEY (warehouse_code) REFERENCES warehouse (code)
) ENGINE=InnoDB;

CREATE TABLE sales_order_status (
  id          bigint       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id    bigint       NOT NULL,
  status      varchar(20)  NOT NULL,
  note        varchar(255),
  changed_by  varchar(32)  NOT NULL,
  changed_at  datetime(6)  NOT NULL DEFAULT current_timestamp(6),
  KEY sales_order_status_order_idx (order_id),
  CONSTRAINT sales_order_status_status_ck
    CHECK (status IN ('new', 'picked_up', 'partially_shipped', 'shipped', 'cancelled')),
  CONSTRAINT sales_order_status_order_fk FOREIGN KEY (order_id) REFERENCES sales_order (id) ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE shipment (
  id               bigint       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id         bigint       NOT NULL,
  warehouse_code   varchar(16)  NOT NULL,
  carrier_code     varchar(32)  NOT NULL,
  carrier_name     varchar(64)  NOT NULL,
  tracking_number  varchar(64)  NOT NULL,
  shipped_at       datetime(6)  NOT NULL DEFAULT current_timestamp(6),
  UNIQUE KEY shipment_tracking_uq (carrier_code, tracking_number),
  KEY shipment_order_idx (order_id),
  CONSTRAINT shipment_order_fk FOREIGN KEY (order_id) REFERENCES sales_order (id),
  CONSTRAINT shipment_warehouse_fk FOREIGN KEY (warehouse_code) REFERENCES warehouse (code)
) ENGINE=InnoDB;

CREATE TABLE shipment_line (
  shipment_id  bigint  NOT NULL,
  order_id     bigint  NOT NULL,
  line_no      int     NOT NULL,
  quantity     int     NOT NULL,
  PRIMARY KEY (shipment_id, line_no),
  CONSTRAINT shipment_line_quantity_ck CHECK (quantity > 0),
  CONSTRAINT shipment_line_shipment_fk FOREIGN KEY (shipment_id) REFERENCES shipment (id) ON DELETE CASCADE,
  CONSTRAINT shipment_line_order_line_fk FOREIGN KEY (order_id, line_no) REFERENCES sales_order_line (order_id, line_no)
) ENGINE=InnoDB;
