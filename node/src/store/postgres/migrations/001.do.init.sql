-- 001 (PostgreSQL): devices, readings, batches and the outbox, as in SQLite's
-- 001, plus the outbox claim columns several node instances share the queue by
-- (claimed_by = the claiming instance's submitter address, lease_until = when
-- another instance may take the row over). Times are Unix milliseconds.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE devices (
  device_id       TEXT PRIMARY KEY,
  chain_device_id TEXT NOT NULL UNIQUE,
  public_key      TEXT NOT NULL,
  owner_address   TEXT NOT NULL,
  last_counter    BIGINT NOT NULL DEFAULT 0,
  registered_at   BIGINT NOT NULL,
  chain_status    TEXT NOT NULL DEFAULT 'pending' CHECK (chain_status IN ('pending', 'registered', 'failed')),
  chain_tx_hash   TEXT
);

CREATE TABLE readings (
  id           BIGSERIAL PRIMARY KEY,
  device_id    TEXT NOT NULL REFERENCES devices (device_id),
  counter      BIGINT NOT NULL,
  key_id       TEXT NOT NULL,
  envelope     BYTEA NOT NULL,
  proof_hash   TEXT NOT NULL UNIQUE,
  mode         TEXT NOT NULL CHECK (mode IN ('proof', 'batch', 'legacy')),
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'batched', 'committed', 'failed')),
  batch_id     TEXT,
  leaf_index   INTEGER,
  tx_hash      TEXT,
  block_number BIGINT,
  gas_used     BIGINT,
  received_at  BIGINT NOT NULL,
  committed_at BIGINT,
  UNIQUE (device_id, counter)
);
CREATE INDEX readings_unbatched ON readings (id) WHERE mode = 'batch' AND batch_id IS NULL;
CREATE INDEX readings_batch ON readings (batch_id, leaf_index);
CREATE INDEX readings_status ON readings (status);

CREATE TABLE batches (
  batch_id         TEXT PRIMARY KEY,
  root             TEXT NOT NULL,
  count            INTEGER NOT NULL CHECK (count >= 1),
  first_reading_id BIGINT NOT NULL,
  last_reading_id  BIGINT NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'committed', 'failed')),
  tx_hash          TEXT,
  block_number     BIGINT,
  gas_used         BIGINT,
  created_at       BIGINT NOT NULL,
  committed_at     BIGINT
);

CREATE TABLE outbox (
  id              BIGSERIAL PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('register_device', 'commit_proof', 'commit_batch', 'submit_result')),
  ref             TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'confirmed', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  nonce           BIGINT,
  tx_hashes       TEXT NOT NULL DEFAULT '[]',
  sent_at         BIGINT,
  last_error      TEXT,
  created_at      BIGINT NOT NULL,
  updated_at      BIGINT NOT NULL,
  claimed_by      TEXT,
  lease_until     BIGINT,
  UNIQUE (kind, ref)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_claims ON outbox (claimed_by, status);
