// SQL for the outbox: one row per chain action, the source of truth for what
// must be (and what was) committed. A row moves queued -> sent -> confirmed,
// or back to queued with a later next_attempt_at, or to failed after the
// retry budget; the tx hashes of every broadcast are kept for recovery.
import type { Db } from "./database.js";

export type OutboxKind = "register_device" | "commit_proof" | "commit_batch" | "submit_result";
export type OutboxStatus = "queued" | "sent" | "confirmed" | "failed";

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  ref: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  nonce: number | null;
  tx_hashes: string;
  sent_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  /** PostgreSQL: the instance holding the row (its submitter address) and until when. */
  claimed_by?: string | null;
  lease_until?: number | null;
}

/** Registrations first: a proof commit needs its device on chain. */
const KIND_ORDER = "CASE kind WHEN 'register_device' THEN 0 ELSE 1 END";

export function createOutboxRepository(db: Db) {
  const enqueue = db.prepare(
    "INSERT OR IGNORE INTO outbox (kind, ref, created_at, updated_at) VALUES (?, ?, ?, ?)",
  );
  const due = db.prepare(`SELECT * FROM outbox WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY ${KIND_ORDER}, id LIMIT ?`);
  const inFlight = db.prepare("SELECT * FROM outbox WHERE status = 'sent' ORDER BY nonce, id");
  const byId = db.prepare("SELECT * FROM outbox WHERE id = ?");
  const byRef = db.prepare("SELECT * FROM outbox WHERE kind = ? AND ref = ?");
  const sent = db.prepare(
    "UPDATE outbox SET status = 'sent', nonce = ?, tx_hashes = ?, sent_at = ?, attempts = attempts + 1, updated_at = ? WHERE id = ?",
  );
  const addHash = db.prepare("UPDATE outbox SET tx_hashes = ?, sent_at = ?, updated_at = ? WHERE id = ?");
  const confirmed = db.prepare("UPDATE outbox SET status = 'confirmed', last_error = NULL, updated_at = ? WHERE id = ?");
  const retry = db.prepare(
    "UPDATE outbox SET status = 'queued', nonce = NULL, next_attempt_at = ?, last_error = ?, attempts = attempts + ?, updated_at = ? WHERE id = ?",
  );
  const failed = db.prepare("UPDATE outbox SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ?");
  const countByStatus = db.prepare("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status");
  const nextDue = db.prepare("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'queued'").pluck();
  return {
    enqueue(kind: OutboxKind, ref: string, now = Date.now()): void {
      enqueue.run(kind, ref, now, now);
    },
    claimDue(now: number, limit: number): OutboxRow[] {
      return due.all(now, limit) as OutboxRow[];
    },
    inFlight(): OutboxRow[] {
      return inFlight.all() as OutboxRow[];
    },
    get(id: number): OutboxRow | undefined {
      return byId.get(id) as OutboxRow | undefined;
    },
    getByRef(kind: OutboxKind, ref: string): OutboxRow | undefined {
      return byRef.get(kind, ref) as OutboxRow | undefined;
    },
    /** Recorded before the raw transaction is broadcast, so a crash never loses a hash. */
    markSent(id: number, nonce: number, txHashes: string[], now = Date.now()): void {
      sent.run(nonce, JSON.stringify(txHashes), now, now, id);
    },
    /** A replacement (same nonce, higher fee) was signed: remember its hash too. */
    addTxHash(id: number, txHashes: string[], now = Date.now()): void {
      addHash.run(JSON.stringify(txHashes), now, now, id);
    },
    markConfirmed(id: number, now = Date.now()): void {
      confirmed.run(now, id);
    },
    /** Back to the queue after `delayMs`; `countAttempt` false for failures before a broadcast. */
    reschedule(id: number, error: string, nextAttemptAt: number, countAttempt: boolean, now = Date.now()): void {
      retry.run(nextAttemptAt, error.slice(0, 500), countAttempt ? 1 : 0, now, id);
    },
    markFailed(id: number, error: string, now = Date.now()): void {
      failed.run(error.slice(0, 500), now, id);
    },
    counts(): Record<OutboxStatus, number> {
      const out: Record<OutboxStatus, number> = { queued: 0, sent: 0, confirmed: 0, failed: 0 };
      for (const r of countByStatus.all() as { status: OutboxStatus; n: number }[]) out[r.status] = r.n;
      return out;
    },
    nextDueAt(): number | null {
      return nextDue.get() as number | null;
    },
  };
}
export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
