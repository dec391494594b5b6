-- 001: devices, readings, batches and the outbox (the source of truth for chain commits).
-- Times are Unix milliseconds; hashes and addresses are 0x-hex text.
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE devices (
  device_id       TEXT PRIMARY KEY,
  chain_device_id TEXT NOT NULL UNIQUE,
  public_key      TEXT NOT NULL,
  owner_address   TEXT NOT NULL,
  last_counter    INTEGER NOT NULL DEFAULT 0,
  registered_at   INTEGER NOT NULL,
  chain_status    TEXT NOT NULL DEFAULT 'pending' CHECK (chain_status IN ('pending', 'registered', 'failed')),
  chain_tx_hash   TEXT
);

CREATE TABLE readings (
  id           INTEGER PRIMARY KEY,
  device_id    TEXT NOT NULL REFERENCES devices (device_id),
  counter      INTEGER NOT NULL,
  key_id       TEXT NOT NULL,
  envelope     BLOB NOT NULL,
  proof_hash   TEXT NOT NULL UNIQUE,
  mode         TEXT NOT NULL CHECK (mode IN ('proof', 'batch', 'legacy')),
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'batched', 'committed', 'failed')),
  batch_id     TEXT,
  leaf_index   INTEGER,
  tx_hash      TEXT,
  block_number INTEGER,
  gas_used     INTEGER,
  received_at  INTEGER NOT NULL,
  committed_at INTEGER,
  UNIQUE (device_id, counter)
);
CREATE INDEX readings_unbatched ON readings (id) WHERE mode = 'batch' AND batch_id IS NULL;
CREATE INDEX readings_batch ON readings (batch_id, leaf_index);
CREATE INDEX readings_status ON readings (status);

CREATE TABLE batches (
  batch_id         TEXT PRIMARY KEY,
  root             TEXT NOT NULL,
  count            INTEGER NOT NULL CHECK (count >= 1),
  first_reading_id INTEGER NOT NULL,
  last_reading_id  INTEGER NOT NULL,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'committed', 'failed')),
  tx_hash          TEXT,
  block_number     INTEGER,
  gas_used         INTEGER,
  created_at       INTEGER NOT NULL,
  committed_at     INTEGER
);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  kind            TEXT NOT NULL CHECK (kind IN ('register_device', 'commit_proof', 'commit_batch', 'submit_result')),
  ref             TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'confirmed', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  nonce           INTEGER,
  tx_hashes       TEXT NOT NULL DEFAULT '[]',
  sent_at         INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  UNIQUE (kind, ref)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
