-- The sample B2B portal's offer table: what the db-table sink adapter writes
-- (streams/sinks/adapters/db-table). One row per SKU the portal sells or once sold; a delisted
-- row stays with listed = false unless the channel deletes on delist. Idempotent: applied by
-- ensurePortalSchema (portal-schema.ts) on every start.
CREATE SCHEMA IF NOT EXISTS portal;

CREATE TABLE IF NOT EXISTS portal.offer (
  sku text PRIMARY KEY,
  parent_sku text,
  name text NOT NULL,
  -- Exact decimal: the offer carries the amount as text ("19.90"), never a float.
  price numeric(12, 2) NOT NULL CONSTRAINT offer_price_not_negative CHECK (price >= 0),
  currency char(3) NOT NULL,
  quantity integer NOT NULL CONSTRAINT offer_quantity_not_negative CHECK (quantity >= 0),
  ean text,
  brand text,
  -- The channel's field mapping (output name -> value).
  fields jsonb,
  -- The whole offer as the channel topic holds it, variants included.
  offer jsonb NOT NULL,
  -- The offer's content hash: an upsert of the same hash is skipped, and reconciliation compares it.
  content_hash text NOT NULL,
  listed boolean NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The portal lists a family's variants under their parent.
CREATE INDEX IF NOT EXISTS offer_parent_sku_idx ON portal.offer (parent_sku) WHERE parent_sku IS NOT NULL;
