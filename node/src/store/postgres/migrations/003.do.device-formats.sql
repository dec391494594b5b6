-- 003 (PostgreSQL): as SQLite's 003. Devices that authenticate with a JWS
-- (did:key / did:lcore), gateways that sign batches with one JWS, the
-- predecessor's unsigned M1 devices, and each non-native reading's format and
-- replay key. UNIQUE (device_id, replay_key) makes one acceptance per signed
-- payload hold across every instance sharing this database.
CREATE TABLE device_identities (
  device_id   TEXT PRIMARY KEY REFERENCES devices (device_id),
  format      TEXT NOT NULL CHECK (format IN ('jws', 'gateway', 'm1')),
  did         TEXT UNIQUE,
  alg         TEXT CHECK (alg IN ('ES256K', 'ES256', 'EdDSA')),
  label       TEXT,
  enrolled_by TEXT NOT NULL CHECK (enrolled_by IN ('operator', 'open', 'm1'))
);

CREATE TABLE reading_sources (
  reading_id    BIGINT PRIMARY KEY REFERENCES readings (id),
  device_id     TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('jws', 'gateway', 'm1')),
  authenticated SMALLINT NOT NULL CHECK (authenticated IN (0, 1)),
  replay_key    TEXT NOT NULL,
  UNIQUE (device_id, replay_key)
);
