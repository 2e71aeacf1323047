-- The ops database of syncline (not the ERP's): applied by every sink and register-index role at
-- start-up; every statement is idempotent.

-- Each channel's API budget, shared by every sink replica: the theoretical arrival time of the
-- next request and of the next item under GCRA (a token bucket stated as times).
CREATE TABLE IF NOT EXISTS sink_budget (
  channel     text PRIMARY KEY,
  request_tat timestamptz NOT NULL,
  item_tat    timestamptz NOT NULL
);

-- What each channel holds, as far as syncline delivered it: the content hash per key, so a record
-- the channel already has is not sent again, also after a restart or a replay of the topic.
CREATE TABLE IF NOT EXISTS channel_holding (
  channel      text NOT NULL,
  key          text NOT NULL,
  content_hash text NOT NULL,
  delivered_at timestamptz NOT NULL,
  PRIMARY KEY (channel, key)
);
-- The revision of the record each holding reflects (its partition and offset in the channel topic),
-- so that a sink replica that lost its partitions cannot overwrite a newer holding with a late
-- answer (a holding is replaced only by a record at least as new). Added after the first version
-- of the table, so added to a table that exists too; a row from before has none, and the next
-- delivery of its key gives it one.
ALTER TABLE channel_holding ADD COLUMN IF NOT EXISTS revision_partition integer;
ALTER TABLE channel_holding ADD COLUMN IF NOT EXISTS revision_offset bigint;

-- The searchable index of sync.register.v1 (Kafka stays the source of truth): one row per
-- register record, identified by its position, so re-reading the topic inserts nothing twice.
CREATE TABLE IF NOT EXISTS sync_register (
  register_partition integer NOT NULL,
  register_offset    bigint NOT NULL,
  channel            text NOT NULL,
  key                text NOT NULL,
  status             text NOT NULL,
  operation          text NOT NULL,
  content_hash       text NOT NULL,
  attempt            integer NOT NULL,
  http_status        integer,
  error_code         text,
  channel_error      text,
  sentence           text NOT NULL,
  offer_topic        text NOT NULL,
  offer_partition    integer NOT NULL,
  offer_offset       bigint NOT NULL,
  erp_source         text,
  erp_table          text,
  erp_position       text,
  erp_tx_id          text,
  erp_commit_at      timestamptz,
  recorded_at        timestamptz NOT NULL,
  latency_ms         bigint,
  PRIMARY KEY (register_partition, register_offset)
);
-- Channel-wide entries (the channel refuses every call; it accepts again): added after the first
-- version of the table, so added to a table that exists too.
ALTER TABLE sync_register ADD COLUMN IF NOT EXISTS scope text NOT NULL DEFAULT 'RECORD';
ALTER TABLE sync_register ADD COLUMN IF NOT EXISTS probe_interval_ms bigint;
ALTER TABLE sync_register ADD COLUMN IF NOT EXISTS paused_ms bigint;
CREATE INDEX IF NOT EXISTS sync_register_by_key ON sync_register (channel, key, recorded_at DESC);
CREATE INDEX IF NOT EXISTS sync_register_by_status ON sync_register (channel, status, recorded_at DESC);
CREATE INDEX IF NOT EXISTS sync_register_by_time ON sync_register (recorded_at);
-- Searching by key alone (a SKU on every channel) and by error class.
CREATE INDEX IF NOT EXISTS sync_register_by_key_only ON sync_register (key, recorded_at DESC);
CREATE INDEX IF NOT EXISTS sync_register_by_error ON sync_register (error_code, recorded_at DESC)
  WHERE error_code IS NOT NULL;

-- The searchable index of every dead-letter topic (ingest, offers, each channel's): one row per
-- dead letter, identified by its position, so re-reading a DLQ inserts nothing twice. Kafka stays
-- the source of truth. A row is an open problem until a later version of its key is delivered
-- (decided when read, against sync_register: see streams/admin/open-problems.ts).
CREATE TABLE IF NOT EXISTS dead_letter (
  dlq_topic             text NOT NULL,
  dlq_partition         integer NOT NULL,
  dlq_offset            bigint NOT NULL,
  stage                 text NOT NULL,
  processor             text NOT NULL,
  channel               text,
  key                   text NOT NULL,
  code                  text NOT NULL,
  sentence              text NOT NULL,
  source_topic          text NOT NULL,
  source_partition      integer NOT NULL,
  source_offset         bigint NOT NULL,
  source_key            text,
  source_value          text,
  source_value_encoding text NOT NULL,
  erp_source            text,
  erp_table             text,
  erp_position          text,
  erp_tx_id             text,
  erp_commit_at         timestamptz,
  parked_at             timestamptz NOT NULL,
  PRIMARY KEY (dlq_topic, dlq_partition, dlq_offset)
);
CREATE INDEX IF NOT EXISTS dead_letter_by_key ON dead_letter (key, parked_at DESC);
CREATE INDEX IF NOT EXISTS dead_letter_by_time ON dead_letter (parked_at);
