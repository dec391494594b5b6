// SQL aggregates behind GET /metrics, so the figures survive restarts.
import type { Db } from "./database.js";

export interface MetricsFigures {
  firstStartedAt: number;
  devices: number;
  readings: number;
  readingsLast24h: number;
  committedReadings: number;
  failedReadings: number;
  pendingReadings: number;
  batches: number;
  committedBatches: number;
  avgLatencyMs: number | null;
  maxLatencyMs: number | null;
  outbox: { queued: number; sent: number; confirmed: number; failed: number };
  gasUsed: number;
}

export function createMetricsRepository(db: Db) {
  const getMeta = db.prepare("SELECT value FROM meta WHERE key = ?").pluck();
  const setMetaIfMissing = db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)");
  const readingStats = db.prepare(
    `SELECT COUNT(*) AS readings,
            COALESCE(SUM(status = 'committed'), 0) AS committed,
            COALESCE(SUM(status = 'failed'), 0) AS failed,
            COALESCE(SUM(received_at >= ?), 0) AS last24h,
            AVG(CASE WHEN status = 'committed' THEN committed_at - received_at END) AS avg_latency,
            MAX(CASE WHEN status = 'committed' THEN committed_at - received_at END) AS max_latency
       FROM readings`,
  );
  const devices = db.prepare("SELECT COUNT(*) FROM devices").pluck();
  const batchStats = db.prepare(
    "SELECT COUNT(*) AS n, COALESCE(SUM(status = 'committed'), 0) AS committed, COALESCE(SUM(gas_used), 0) AS gas FROM batches",
  );
  const readingGas = db.prepare("SELECT COALESCE(SUM(gas_used), 0) FROM readings WHERE batch_id IS NULL").pluck();
  const outbox = db.prepare("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status");
  return {
    /** Records the first start (kept across restarts) and returns it. */
    firstStartedAt(now = Date.now()): number {
      setMetaIfMissing.run("first_started_at", String(now));
      return Number(getMeta.get("first_started_at"));
    },
    figures(now = Date.now()): MetricsFigures {
      const r = readingStats.get(now - 86_400_000) as {
        readings: number; committed: number; failed: number; last24h: number; avg_latency: number | null; max_latency: number | null;
      };
      const b = batchStats.get() as { n: number; committed: number; gas: number };
      const o = { queued: 0, sent: 0, confirmed: 0, failed: 0 };
      for (const row of outbox.all() as { status: keyof typeof o; n: number }[]) o[row.status] = row.n;
      return {
        firstStartedAt: this.firstStartedAt(now),
        devices: devices.get() as number,
        readings: r.readings,
        readingsLast24h: r.last24h,
        committedReadings: r.committed,
        failedReadings: r.failed,
        pendingReadings: r.readings - r.committed - r.failed,
        batches: b.n,
        committedBatches: b.committed,
        avgLatencyMs: r.avg_latency,
        maxLatencyMs: r.max_latency,
        outbox: o,
        gasUsed: b.gas + (readingGas.get() as number),
      };
    },
  };
}
export type MetricsRepository = ReturnType<typeof createMetricsRepository>;
