-- 003: devices that authenticate with a JWS (did:key / did:lcore), gateways that
-- sign batches of readings with one JWS (opt-in), devices that do not authenticate
-- at all (the predecessor's M1 API, opt-in), and the format of each reading.
-- Native Ed25519 devices and readings have no row here.
CREATE TABLE device_identities (
  device_id   TEXT PRIMARY KEY REFERENCES devices (device_id),
  format      TEXT NOT NULL CHECK (format IN ('jws', 'gateway', 'm1')),
  did         TEXT UNIQUE,
  alg         TEXT CHECK (alg IN ('ES256K', 'ES256', 'EdDSA')),
  label       TEXT,
  enrolled_by TEXT NOT NULL CHECK (enrolled_by IN ('operator', 'open', 'm1'))
);

CREATE TABLE reading_sources (
  reading_id    INTEGER PRIMARY KEY REFERENCES readings (id),
  device_id     TEXT NOT NULL,
  format        TEXT NOT NULL CHECK (format IN ('jws', 'gateway', 'm1')),
  authenticated INTEGER NOT NULL CHECK (authenticated IN (0, 1)),
  replay_key    TEXT NOT NULL,
  UNIQUE (device_id, replay_key)
);
