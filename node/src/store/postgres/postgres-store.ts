// The PostgreSQL backend of the NodeStore interface, for several node
// instances sharing one database:
// - ingest locks the devices' rows (FOR UPDATE, in id order, so two instances
//   never deadlock) and keeps only counters above the stored last_counter, so
//   a counter accepted by one instance is refused by all others; a non-native
//   reading's replay key is checked under the same lock (and is UNIQUE), so a
//   signed payload is accepted once across all instances;
// - the outbox is claimed with FOR UPDATE SKIP LOCKED plus a lease
//   (claimed_by = this instance's submitter address, lease_until); a sent row
//   stays with the instance whose nonce it used, and comes back to the queue
//   when that instance stops renewing its lease (it died);
// - a Merkle batch takes its readings with FOR UPDATE SKIP LOCKED, so no
//   reading is in two batches.
// Every method runs on the pool; atomic work runs in one transaction.
import type pg from "pg";

import type { OutboxKind, OutboxRow, OutboxStatus } from "../outbox-repository.js";
import type { DeviceFormat, DeviceIdentityRow, NodeStore, PersistOutcome, ReadingRow, ReadingSourceRow, Receipt } from "../types.js";
import { migratePostgres } from "./migrate.js";
import { createPool, describeDatabaseUrl, translateError } from "./pool.js";

export interface OpenPostgresStoreParameters {
  url: string;
  /** This instance's id (the submitter address). */
  instanceId: string;
  /** How long a claim holds without renewal before another instance may take the row (default 30 s). */
  leaseMs?: number;
  poolSize?: number;
  connectTimeoutMs?: number;
}

type Queryable = Pick<pg.Pool, "query"> | pg.PoolClient;

type NewDeviceRow = Parameters<NodeStore["devices"]["insert"]>[0];

const INSERT_DEVICE = "INSERT INTO devices (device_id, chain_device_id, public_key, owner_address, registered_at) VALUES ($1, $2, $3, $4, $5)";

function deviceParams(row: NewDeviceRow): unknown[] {
  return [row.device_id, row.chain_device_id, row.public_key, row.owner_address, row.registered_at];
}

export async function openPostgresStore({ url, instanceId, leaseMs = 30_000, poolSize = 10, connectTimeoutMs }: OpenPostgresStoreParameters): Promise<NodeStore> {
  const name = describeDatabaseUrl(url);
  const pool = createPool({ url, max: poolSize, ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }) });
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end().catch(() => undefined);
    translateError(error);
  }

  const q = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = [], on: Queryable = pool): Promise<R[]> => {
    try {
      return (await on.query<R>(sql, params)).rows;
    } catch (error) {
      translateError(error);
    }
  };
  const one = async <R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R | undefined> => (await q<R>(sql, params))[0];
  const tx = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      translateError(error);
    }
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      const out = await fn(client);
      await client.query("COMMIT");
      return out;
    } catch (error) {
      await client.query("ROLLBACK").catch((e: unknown) => {
        broken = e instanceof Error ? e : new Error(String(e));
      });
      translateError(error);
    } finally {
      // A client whose rollback failed is broken (connection lost): the pool discards it.
      client.release(broken);
    }
  };

  /**
   * One transaction: the device row (none if the id is taken), its identity when given (none if the
   * DID is another device's: the device row is undone), and the on-chain registration when asked.
   */
  const registerDevice = (row: NewDeviceRow, identity: DeviceIdentityRow | undefined, queueOnChain: boolean): Promise<boolean> =>
    tx(async (c) => {
      const inserted = await c.query(`${INSERT_DEVICE} ON CONFLICT DO NOTHING`, deviceParams(row));
      if (inserted.rowCount !== 1) return false;
      if (identity !== undefined) {
        const identified = await c.query(
          "INSERT INTO device_identities (device_id, format, did, alg, label, enrolled_by) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
          [identity.device_id, identity.format, identity.did, identity.alg, identity.label, identity.enrolled_by],
        );
        if (identified.rowCount !== 1) {
          // The DID is another device's: undo the device row too.
          await c.query("DELETE FROM devices WHERE device_id = $1", [row.device_id]);
          return false;
        }
      }
      if (queueOnChain) {
        await c.query("INSERT INTO outbox (kind, ref, created_at, updated_at) VALUES ('register_device', $1, $2, $2) ON CONFLICT DO NOTHING", [row.device_id, row.registered_at]);
      }
      return true;
    });

  const confirmIn = async (c: pg.PoolClient, row: OutboxRow, r: Receipt) => {
    switch (row.kind) {
      case "register_device":
        await c.query("UPDATE devices SET chain_status = 'registered', chain_tx_hash = COALESCE($1, chain_tx_hash) WHERE device_id = $2", [r.txHash, row.ref]);
        break;
      case "commit_proof":
      case "submit_result":
        await c.query(
          "UPDATE readings SET status = 'committed', tx_hash = $1, block_number = $2, gas_used = $3, committed_at = $4, gas_used_for_l1 = $6 WHERE id = $5 AND status <> 'committed'",
          [r.txHash, r.blockNumber, r.gasUsed, r.committedAt, Number(row.ref), r.gasUsedForL1 ?? null],
        );
        break;
      case "commit_batch":
        await c.query("UPDATE batches SET status = 'committed', tx_hash = $1, block_number = $2, gas_used = $3, committed_at = $4, gas_used_for_l1 = $6 WHERE batch_id = $5", [
          r.txHash, r.blockNumber, r.gasUsed, r.committedAt, row.ref, r.gasUsedForL1 ?? null,
        ]);
        await c.query("UPDATE readings SET status = 'committed', tx_hash = $1, block_number = $2, committed_at = $3 WHERE batch_id = $4 AND status <> 'committed'", [
          r.txHash, r.blockNumber, r.committedAt, row.ref,
        ]);
        break;
    }
    await c.query("UPDATE outbox SET status = 'confirmed', last_error = NULL, updated_at = $1 WHERE id = $2", [Date.now(), row.id]);
  };

  return {
    backend: "postgres",
    name,
    instanceId,
    pool,
    devices: {
      async insert(row) {
        await q(INSERT_DEVICE, deviceParams(row));
      },
      register: (row, queueOnChain) => registerDevice(row, undefined, queueOnChain),
      get: (id) => one("SELECT * FROM devices WHERE device_id = $1", [id]),
      all: () => q("SELECT * FROM devices ORDER BY device_id"),
      async raiseCounter(id, counter) {
        await q("UPDATE devices SET last_counter = $1 WHERE device_id = $2 AND last_counter < $1", [counter, id]);
      },
      async setChainStatus(id, status, txHash) {
        await q("UPDATE devices SET chain_status = $1, chain_tx_hash = COALESCE($2, chain_tx_hash) WHERE device_id = $3", [status, txHash, id]);
      },
    },
    readings: {
      async insert(row) {
        const r = await one<{ id: number }>(
          "INSERT INTO readings (device_id, counter, key_id, envelope, proof_hash, mode, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
          [row.device_id, row.counter, row.key_id, Buffer.from(row.envelope), row.proof_hash, row.mode, row.received_at],
        );
        return r!.id;
      },
      persistReadings: (rows, kind, sources) =>
        tx(async (c) => {
          const deviceIds = [...new Set(rows.map((r) => r.device_id))].sort();
          const locked = await c.query<{ device_id: string; last_counter: number }>(
            "SELECT device_id, last_counter FROM devices WHERE device_id = ANY($1::text[]) ORDER BY device_id FOR UPDATE",
            [deviceIds],
          );
          const last = new Map(locked.rows.map((r) => [r.device_id, r.last_counter]));
          // Replay keys already stored (read under the devices' locks, so no other instance adds one meanwhile).
          const keyOf = (i: number) => `${rows[i]!.device_id}\u0000${sources![i]!.replay_key}`;
          const withSource = sources === undefined ? [] : rows.map((_, i) => i).filter((i) => sources[i] !== undefined);
          const taken = new Set<string>();
          if (withSource.length > 0) {
            const found = await c.query<{ device_id: string; replay_key: string }>(
              "SELECT s.device_id, s.replay_key FROM reading_sources s JOIN unnest($1::text[], $2::text[]) AS u(d, k) ON s.device_id = u.d AND s.replay_key = u.k",
              [withSource.map((i) => rows[i]!.device_id), withSource.map((i) => sources![i]!.replay_key)],
            );
            for (const r of found.rows) taken.add(`${r.device_id}\u0000${r.replay_key}`);
          }
          const out: PersistOutcome[] = [];
          const keep: number[] = [];
          rows.forEach((row, i) => {
            if (sources?.[i] !== undefined) {
              const key = keyOf(i);
              if (taken.has(key)) {
                out.push("duplicate");
                return;
              }
              taken.add(key);
            }
            const l = last.get(row.device_id) ?? 0;
            if (row.counter <= l) {
              out.push("replayed");
              return;
            }
            last.set(row.device_id, row.counter);
            keep.push(i);
            out.push(0);
          });
          if (keep.length === 0) return out;
          const k = keep.map((i) => rows[i]!);
          const inserted = await c.query<{ id: number; device_id: string; counter: number }>(
            `INSERT INTO readings (device_id, counter, key_id, envelope, proof_hash, mode, received_at)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bytea[], $5::text[], $6::text[], $7::bigint[])
             RETURNING id, device_id, counter`,
            [k.map((r) => r.device_id), k.map((r) => r.counter), k.map((r) => r.key_id), k.map((r) => r.envelope), k.map((r) => r.proof_hash), k.map((r) => r.mode), k.map((r) => r.received_at)],
          );
          const idOf = new Map(inserted.rows.map((r) => [`${r.device_id}\u0000${r.counter}`, r.id]));
          for (const i of keep) out[i] = idOf.get(`${rows[i]!.device_id}\u0000${rows[i]!.counter}`)!;
          const sourced = sources === undefined ? [] : keep.filter((i) => sources[i] !== undefined);
          if (sourced.length > 0) {
            await c.query(
              "INSERT INTO reading_sources (reading_id, device_id, format, authenticated, replay_key) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::smallint[], $5::text[])",
              [
                sourced.map((i) => out[i]),
                sourced.map((i) => rows[i]!.device_id),
                sourced.map((i) => sources![i]!.format),
                sourced.map((i) => sources![i]!.authenticated),
                sourced.map((i) => sources![i]!.replay_key),
              ],
            );
          }
          if (kind !== undefined) {
            await c.query(
              "INSERT INTO outbox (kind, ref, created_at, updated_at) SELECT $1, u.ref, u.t, u.t FROM unnest($2::text[], $3::bigint[]) AS u(ref, t) ON CONFLICT DO NOTHING",
              [kind, keep.map((i) => String(out[i])), keep.map((i) => rows[i]!.received_at)],
            );
          }
          const ids = [...last.keys()];
          await c.query(
            "UPDATE devices d SET last_counter = u.c FROM unnest($1::text[], $2::bigint[]) AS u(id, c) WHERE d.device_id = u.id AND d.last_counter < u.c",
            [ids, ids.map((id) => last.get(id)!)],
          );
          return out;
        }),
      get: (id) => one<ReadingRow>("SELECT * FROM readings WHERE id = $1", [id]),
      getByProofHash: (h) => one<ReadingRow>("SELECT * FROM readings WHERE proof_hash = $1", [h]),
      inBatch: (b) => q<ReadingRow>("SELECT * FROM readings WHERE batch_id = $1 ORDER BY leaf_index", [b]),
      batchProofHashes: async (b) => (await q<{ proof_hash: string }>("SELECT proof_hash FROM readings WHERE batch_id = $1 ORDER BY leaf_index", [b])).map((r) => r.proof_hash),
      unbatched: (limit) => q("SELECT id, proof_hash, received_at FROM readings WHERE mode = 'batch' AND batch_id IS NULL ORDER BY id LIMIT $1", [limit]),
      oldestUnbatchedAt: async () => (await one<{ v: number | null }>("SELECT MIN(received_at) AS v FROM readings WHERE mode = 'batch' AND batch_id IS NULL"))!.v,
      countUnbatched: async () => (await one<{ n: number }>("SELECT COUNT(*) AS n FROM readings WHERE mode = 'batch' AND batch_id IS NULL"))!.n,
      async assignBatch(id, batchId, leafIndex) {
        await q("UPDATE readings SET batch_id = $1, leaf_index = $2, status = 'batched' WHERE id = $3", [batchId, leafIndex, id]);
      },
      async markCommitted(id, r) {
        await q("UPDATE readings SET status = 'committed', tx_hash = $1, block_number = $2, gas_used = $3, committed_at = $4, gas_used_for_l1 = $6 WHERE id = $5 AND status <> 'committed'", [
          r.txHash, r.blockNumber, r.gasUsed, r.committedAt, id, r.gasUsedForL1 ?? null,
        ]);
      },
      async markBatchCommitted(batchId, r) {
        await q("UPDATE readings SET status = 'committed', tx_hash = $1, block_number = $2, committed_at = $3 WHERE batch_id = $4 AND status <> 'committed'", [
          r.txHash, r.blockNumber, r.committedAt, batchId,
        ]);
      },
      async markFailed(id) {
        await q("UPDATE readings SET status = 'failed' WHERE id = $1", [id]);
      },
      async markBatchFailed(batchId) {
        await q("UPDATE readings SET status = 'failed' WHERE batch_id = $1", [batchId]);
      },
      page: (afterId, limit) => q<ReadingRow>("SELECT * FROM readings WHERE id > $1 ORDER BY id LIMIT $2", [afterId, limit]),
    },
    batches: {
      async insert(row) {
        await q("INSERT INTO batches (batch_id, root, count, first_reading_id, last_reading_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [
          row.batch_id, row.root, row.count, row.first_reading_id, row.last_reading_id, row.created_at,
        ]);
      },
      closeBatch: ({ batchSize, now, build }) =>
        tx(async (c) => {
          const rows = (
            await c.query<{ id: number; proof_hash: string }>(
              "SELECT id, proof_hash FROM readings WHERE mode = 'batch' AND batch_id IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED",
              [batchSize],
            )
          ).rows;
          if (rows.length === 0) return undefined;
          const { batchId, root } = build(rows.map((r) => r.proof_hash));
          await c.query("INSERT INTO batches (batch_id, root, count, first_reading_id, last_reading_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)", [
            batchId, root, rows.length, rows[0]!.id, rows[rows.length - 1]!.id, now,
          ]);
          await c.query(
            "UPDATE readings r SET batch_id = $1, leaf_index = u.i, status = 'batched' FROM unnest($2::bigint[], $3::int[]) AS u(id, i) WHERE r.id = u.id",
            [batchId, rows.map((r) => r.id), rows.map((_, i) => i)],
          );
          await c.query("INSERT INTO outbox (kind, ref, created_at, updated_at) VALUES ('commit_batch', $1, $2, $2) ON CONFLICT DO NOTHING", [batchId, now]);
          return batchId;
        }),
      get: (id) => one("SELECT * FROM batches WHERE batch_id = $1", [id]),
      async markCommitted(id, r) {
        await q("UPDATE batches SET status = 'committed', tx_hash = $1, block_number = $2, gas_used = $3, committed_at = $4, gas_used_for_l1 = $6 WHERE batch_id = $5", [
          r.txHash, r.blockNumber, r.gasUsed, r.committedAt, id, r.gasUsedForL1 ?? null,
        ]);
      },
      async markFailed(id) {
        await q("UPDATE batches SET status = 'failed' WHERE batch_id = $1", [id]);
      },
    },
    outbox: {
      async enqueue(kind: OutboxKind, ref: string, now = Date.now()) {
        await q("INSERT INTO outbox (kind, ref, created_at, updated_at) VALUES ($1, $2, $3, $3) ON CONFLICT DO NOTHING", [kind, ref, now]);
      },
      async claimDue(now, limit) {
        const rows = await q<OutboxRow>(
          `UPDATE outbox SET claimed_by = $1, lease_until = $2
            WHERE id IN (SELECT id FROM outbox
                          WHERE status = 'queued' AND next_attempt_at <= $3
                            AND (claimed_by IS NULL OR claimed_by = $1 OR lease_until < $3)
                          ORDER BY (kind <> 'register_device'), id
                          LIMIT $4 FOR UPDATE SKIP LOCKED)
            RETURNING *`,
          [instanceId, now + leaseMs, now, limit],
        );
        return rows.sort((a, b) => Number(a.kind !== "register_device") - Number(b.kind !== "register_device") || a.id - b.id);
      },
      inFlight: () => q<OutboxRow>("SELECT * FROM outbox WHERE status = 'sent' AND claimed_by = $1 ORDER BY nonce, id", [instanceId]),
      async renewLeases(now, lease) {
        await q("UPDATE outbox SET lease_until = $2 WHERE claimed_by = $1 AND status IN ('queued', 'sent')", [instanceId, now + lease]);
        const back = await q(
          `UPDATE outbox SET status = 'queued', claimed_by = NULL, lease_until = NULL, nonce = NULL, next_attempt_at = $2, updated_at = $2,
                  last_error = 'taken over: the instance that sent it stopped renewing its lease'
            WHERE status = 'sent' AND claimed_by <> $1 AND lease_until < $2 RETURNING id`,
          [instanceId, now],
        );
        return back.length;
      },
      get: (id) => one<OutboxRow>("SELECT * FROM outbox WHERE id = $1", [id]),
      getByRef: (kind, ref) => one<OutboxRow>("SELECT * FROM outbox WHERE kind = $1 AND ref = $2", [kind, ref]),
      async markSent(id, nonce, txHashes, now = Date.now()) {
        await q(
          "UPDATE outbox SET status = 'sent', nonce = $1, tx_hashes = $2, sent_at = $3, attempts = attempts + 1, updated_at = $3, claimed_by = $5, lease_until = $3::bigint + $6::bigint WHERE id = $4",
          [nonce, JSON.stringify(txHashes), now, id, instanceId, leaseMs],
        );
      },
      async addTxHash(id, txHashes, now = Date.now()) {
        await q("UPDATE outbox SET tx_hashes = $1, sent_at = $2, updated_at = $2 WHERE id = $3", [JSON.stringify(txHashes), now, id]);
      },
      async markConfirmed(id, now = Date.now()) {
        await q("UPDATE outbox SET status = 'confirmed', last_error = NULL, updated_at = $1 WHERE id = $2", [now, id]);
      },
      confirm: (row, receipt) => tx((c) => confirmIn(c, row, receipt)),
      fail: (row, error) =>
        tx(async (c) => {
          await c.query("UPDATE outbox SET status = 'failed', last_error = $1, updated_at = $2 WHERE id = $3", [error.slice(0, 500), Date.now(), row.id]);
          if (row.kind === "commit_proof" || row.kind === "submit_result") await c.query("UPDATE readings SET status = 'failed' WHERE id = $1", [Number(row.ref)]);
          if (row.kind === "commit_batch") {
            await c.query("UPDATE batches SET status = 'failed' WHERE batch_id = $1", [row.ref]);
            await c.query("UPDATE readings SET status = 'failed' WHERE batch_id = $1", [row.ref]);
          }
          if (row.kind === "register_device") await c.query("UPDATE devices SET chain_status = 'failed' WHERE device_id = $1", [row.ref]);
        }),
      async reschedule(id, error, nextAttemptAt, countAttempt, now = Date.now()) {
        await q(
          "UPDATE outbox SET status = 'queued', nonce = NULL, next_attempt_at = $1, last_error = $2, attempts = attempts + $3, updated_at = $4, claimed_by = NULL, lease_until = NULL WHERE id = $5",
          [nextAttemptAt, error.slice(0, 500), countAttempt ? 1 : 0, now, id],
        );
      },
      async markFailed(id, error, now = Date.now()) {
        await q("UPDATE outbox SET status = 'failed', last_error = $1, updated_at = $2 WHERE id = $3", [error.slice(0, 500), now, id]);
      },
      async counts() {
        const out: Record<OutboxStatus, number> = { queued: 0, sent: 0, confirmed: 0, failed: 0 };
        for (const r of await q<{ status: OutboxStatus; n: number }>("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")) out[r.status] = r.n;
        return out;
      },
      nextDueAt: async () => (await one<{ v: number | null }>("SELECT MIN(next_attempt_at) AS v FROM outbox WHERE status = 'queued'"))!.v,
    },
    metrics: {
      async firstStartedAt(now = Date.now()) {
        await q("INSERT INTO meta (key, value) VALUES ('first_started_at', $1) ON CONFLICT DO NOTHING", [String(now)]);
        return Number((await one<{ value: string }>("SELECT value FROM meta WHERE key = 'first_started_at'"))!.value);
      },
      async figures(now = Date.now()) {
        const [r, b, g, d, o, first] = await Promise.all([
          one<{ readings: number; committed: number; failed: number; last24h: number; avg_latency: number | null; max_latency: number | null }>(
            `SELECT COUNT(*) AS readings,
                    COUNT(*) FILTER (WHERE status = 'committed') AS committed,
                    COUNT(*) FILTER (WHERE status = 'failed') AS failed,
                    COUNT(*) FILTER (WHERE received_at >= $1) AS last24h,
                    AVG(committed_at - received_at) FILTER (WHERE status = 'committed') AS avg_latency,
                    MAX(committed_at - received_at) FILTER (WHERE status = 'committed') AS max_latency
               FROM readings`,
            [now - 86_400_000],
          ),
          one<{ n: number; committed: number; gas: number }>(
            "SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE status = 'committed') AS committed, COALESCE(SUM(gas_used), 0) AS gas FROM batches",
          ),
          one<{ gas: number }>("SELECT COALESCE(SUM(gas_used), 0) AS gas FROM readings WHERE batch_id IS NULL"),
          one<{ n: number }>("SELECT COUNT(*) AS n FROM devices"),
          q<{ status: OutboxStatus; n: number }>("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"),
          this.firstStartedAt(now),
        ]);
        const outbox = { queued: 0, sent: 0, confirmed: 0, failed: 0 };
        for (const row of o) outbox[row.status] = row.n;
        return {
          firstStartedAt: first,
          devices: d!.n,
          readings: r!.readings,
          readingsLast24h: r!.last24h,
          committedReadings: r!.committed,
          failedReadings: r!.failed,
          pendingReadings: r!.readings - r!.committed - r!.failed,
          batches: b!.n,
          committedBatches: b!.committed,
          avgLatencyMs: r!.avg_latency,
          maxLatencyMs: r!.max_latency,
          outbox,
          gasUsed: b!.gas + g!.gas,
        };
      },
    },
    deviceFormats: {
      register: (row, identity, queueOnChain) => registerDevice(row, identity, queueOnChain),
      identity: (id) => one<DeviceIdentityRow>("SELECT * FROM device_identities WHERE device_id = $1", [id]),
      identityByDid: (did) => one<DeviceIdentityRow>("SELECT * FROM device_identities WHERE did = $1", [did]),
      source: (id) => one<ReadingSourceRow>("SELECT * FROM reading_sources WHERE reading_id = $1", [id]),
      readingByReplayKey: async (id, key) => (await one<{ reading_id: number }>("SELECT reading_id FROM reading_sources WHERE device_id = $1 AND replay_key = $2", [id, key]))?.reading_id,
      counts: () => q<{ format: DeviceFormat; authenticated: 0 | 1; n: number }>("SELECT format, authenticated, COUNT(*) AS n FROM reading_sources GROUP BY format, authenticated"),
    },
    async ping() {
      await q("SELECT 1");
    },
    async close() {
      await pool.end();
    },
  };
}
