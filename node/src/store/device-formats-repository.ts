// SQLite SQL for the device formats beyond the native one: the identity of
// JWS and M1 devices (DID, alg, enrolment) and, per reading, its format,
// whether it was authenticated, and its replay key (one acceptance per signed
// payload). sqlite-store.ts adapts it to the async DeviceFormatsRepo; the
// PostgreSQL twin is in postgres/postgres-store.ts.
import type { Db } from "./database.js";

export type DeviceFormat = "jws" | "gateway" | "m1";

export interface DeviceIdentityRow {
  device_id: string;
  format: DeviceFormat;
  did: string | null;
  alg: "ES256K" | "ES256" | "EdDSA" | null;
  /** M1: the public_key the device sent (nothing signs with it). */
  label: string | null;
  enrolled_by: "operator" | "open" | "m1";
}

export interface ReadingSourceRow {
  reading_id: number;
  device_id: string;
  format: DeviceFormat;
  authenticated: 0 | 1;
  replay_key: string;
}

export function createDeviceFormatsRepository(db: Db) {
  const insertIdentity = db.prepare(
    "INSERT INTO device_identities (device_id, format, did, alg, label, enrolled_by) VALUES (@device_id, @format, @did, @alg, @label, @enrolled_by)",
  );
  const identity = db.prepare("SELECT * FROM device_identities WHERE device_id = ?");
  const byDid = db.prepare("SELECT * FROM device_identities WHERE did = ?");
  const insertSource = db.prepare(
    "INSERT INTO reading_sources (reading_id, device_id, format, authenticated, replay_key) VALUES (@reading_id, @device_id, @format, @authenticated, @replay_key)",
  );
  const source = db.prepare("SELECT * FROM reading_sources WHERE reading_id = ?");
  const byReplayKey = db.prepare("SELECT reading_id FROM reading_sources WHERE device_id = ? AND replay_key = ?").pluck();
  const counts = db.prepare("SELECT format, authenticated, COUNT(*) AS n FROM reading_sources GROUP BY format, authenticated");
  return {
    insertIdentity(row: DeviceIdentityRow): void {
      insertIdentity.run(row);
    },
    identity(deviceId: string): DeviceIdentityRow | undefined {
      return identity.get(deviceId) as DeviceIdentityRow | undefined;
    },
    identityByDid(did: string): DeviceIdentityRow | undefined {
      return byDid.get(did) as DeviceIdentityRow | undefined;
    },
    /** Call in the transaction that inserts the reading. */
    insertSource(row: ReadingSourceRow): void {
      insertSource.run(row);
    },
    source(readingId: number): ReadingSourceRow | undefined {
      return source.get(readingId) as ReadingSourceRow | undefined;
    },
    /** The reading already accepted with this replay key, if any. */
    readingByReplayKey(deviceId: string, replayKey: string): number | undefined {
      return byReplayKey.get(deviceId, replayKey) as number | undefined;
    },
    /** Readings per (format, authenticated), for /metrics. */
    counts(): { format: DeviceFormat; authenticated: 0 | 1; n: number }[] {
      return counts.all() as { format: DeviceFormat; authenticated: 0 | 1; n: number }[];
    },
  };
}
export type DeviceFormatsRepository = ReturnType<typeof createDeviceFormatsRepository>;
