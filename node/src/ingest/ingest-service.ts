// The ingest hot path: authenticate a signed reading (device known, counter
// fresh, Ed25519 signature, rate), encrypt it into an envelope, hash it, and
// persist it with its outbox row. Readings arriving while the previous write
// is in flight are written together in one transaction (group commit: one
// write at a time, so a device's counters reach the store in order); a
// caller's promise resolves only after its row is durable, so a 202 never
// covers data that could be lost. The store's persistReadings re-checks each
// counter against the database (the replay check shared by all instances).
import { DeviceRateLimitedError, ReplayedCounterError, BadSignatureError } from "../errors/device.js";
import { ValidationError } from "../errors/request.js";
import { verifyReadingSignature, type SignedReading } from "../crypto/device-signature.js";
import { sealEnvelope, type CryptoEngine } from "../crypto/envelope.js";
import type { Keyring } from "../crypto/keyring.js";
import { proofHashOf } from "../crypto/proof-hash.js";
import type { CachedDevice, DeviceRegistry } from "../devices/device-registry.js";
import type { CryptoPool } from "./crypto-pool.js";
import type { CryptoJob } from "./crypto-worker.js";
import type { Store } from "../store/index.js";
import type { CommitMode, NewReading } from "../store/readings-repository.js";
import type { PersistOutcome } from "../store/types.js";
import type { Hex } from "viem";

export interface IngestResult {
  reading_id: number;
  device_id: string;
  counter: number;
  proof_hash: Hex;
  status: "pending";
}

export interface IngestOptions {
  mode: CommitMode;
  engine: CryptoEngine;
  /** Largest accepted reading in bytes (decoded). */
  maxDataBytes: number;
  /** Per-device sustained rate (readings/s); 0 disables the limit. */
  devicePerSecond: number;
  deviceBurst: number;
  /** Most readings written in one transaction. */
  maxGroup: number;
}

interface Pending {
  row: NewReading;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

interface Dispatch {
  reading: SignedReading;
  device: CachedDevice;
  now: number;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

export interface IngestHooks {
  onAccepted?: (count: number) => void;
  onRefused?: (code: string) => void;
}

export class IngestService {
  readonly #store: Store;
  readonly #devices: DeviceRegistry;
  readonly #keyring: Keyring;
  readonly #options: IngestOptions;
  readonly #hooks: IngestHooks;
  #queue: Pending[] = [];
  #scheduled = false;
  /** The write in flight (one at a time). */
  #writing: Promise<void> | undefined;
  readonly #pool: CryptoPool | undefined;
  #dispatchQueue: Dispatch[] = [];
  #dispatchScheduled = false;

  constructor(store: Store, devices: DeviceRegistry, keyring: Keyring, options: IngestOptions, hooks: IngestHooks = {}, pool?: CryptoPool) {
    this.#store = store;
    this.#devices = devices;
    this.#keyring = keyring;
    this.#options = options;
    this.#hooks = hooks;
    this.#pool = pool !== undefined && pool.size > 0 ? pool : undefined;
  }

  /** The checks that need no crypto: shape, size, device, counter freshness. */
  #precheck(reading: SignedReading, device: CachedDevice): CachedDevice {
    const { device_id, counter, data } = reading;
    const encoding = reading.encoding ?? "utf8";
    if (!Number.isSafeInteger(counter) || counter < 1) {
      throw new ValidationError({ issues: [{ path: "counter", message: "expected an integer >= 1" }] });
    }
    const size = encoding === "utf8" ? Buffer.byteLength(data, "utf8") : Math.floor((data.length * 3) / 4);
    if (size > this.#options.maxDataBytes) {
      throw new ValidationError({ issues: [{ path: "data", message: `expected at most ${this.#options.maxDataBytes} bytes, got ${size}` }] });
    }
    if (counter <= device.lastCounter) {
      throw new ReplayedCounterError({ deviceId: device_id, counter, lastCounter: device.lastCounter });
    }
    return device;
  }

  /** Spends a rate-limit token (after the signature proved the device sent it). */
  #takeToken(device: CachedDevice, now: number): void {
    if (this.#options.devicePerSecond > 0) {
      const refill = ((now - device.refilledAt) / 1000) * this.#options.devicePerSecond;
      device.tokens = Math.min(this.#options.deviceBurst, device.tokens + refill);
      device.refilledAt = now;
      if (device.tokens < 1) throw new DeviceRateLimitedError({ deviceId: device.deviceId, perSecond: this.#options.devicePerSecond });
      device.tokens -= 1;
    }
  }

  /** Authenticates and encrypts; throws the 4xx errors; returns the row to persist. */
  #prepare(reading: SignedReading, cached: CachedDevice, now: number): NewReading {
    const { device_id, counter, data, signature } = reading;
    const encoding = reading.encoding ?? "utf8";
    const device = this.#precheck(reading, cached);
    const bytes = Buffer.from(data, encoding);
    if (!verifyReadingSignature({ publicKey: device.publicKey, deviceId: device_id, counter, data: bytes, signatureHex: signature })) {
      throw new BadSignatureError({ deviceId: device_id, counter });
    }
    this.#takeToken(device, now);
    device.lastCounter = counter;
    const keys = this.#keyring.current;
    const envelope = sealEnvelope({ keys, deviceId: device_id, counter, plaintext: bytes, engine: this.#options.engine });
    bytes.fill(0);
    return {
      device_id,
      counter,
      key_id: keys.keyIdHex,
      envelope,
      proof_hash: proofHashOf(envelope),
      mode: this.#options.mode,
      received_at: now,
    };
  }

  #persist(rows: readonly NewReading[]): Promise<PersistOutcome[]> {
    const kind = this.#options.mode === "proof" ? "commit_proof" : this.#options.mode === "legacy" ? "submit_result" : undefined;
    return this.#store.readings.persistReadings(rows, kind);
  }

  /** The refusal of a reading the store found replayed (another instance took its counter). */
  #replayed(row: NewReading): ReplayedCounterError {
    this.#hooks.onRefused?.("REPLAYED_COUNTER");
    return new ReplayedCounterError({ deviceId: row.device_id, counter: row.counter, lastCounter: row.counter });
  }

  /** The device from the cache, or loaded (then cached) from the store. */
  #device(deviceId: string): CachedDevice | Promise<CachedDevice> {
    return this.#devices.cached(deviceId) ?? this.#devices.get(deviceId);
  }

  /**
   * Accepts one signed reading. Resolves once it is durable in SQLite (queued
   * for commit); rejects with a typed 4xx error for bad input.
   */
  ingest(reading: SignedReading): Promise<IngestResult> {
    const device = this.#device(reading.device_id);
    if (device instanceof Promise) {
      return device.then(
        (d) => this.#ingestWith(reading, d),
        (error: unknown) => {
          this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
          throw error;
        },
      );
    }
    return this.#ingestWith(reading, device);
  }

  #ingestWith(reading: SignedReading, device: CachedDevice): Promise<IngestResult> {
    if (this.#pool !== undefined) return this.#ingestPooled(reading, device);
    let row: NewReading;
    try {
      row = this.#prepare(reading, device, Date.now());
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
    return new Promise<IngestResult>((resolve, reject) => {
      this.#queue.push({ row, resolve, reject });
      if (this.#queue.length >= this.#options.maxGroup) this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /**
   * Accepts many readings (a gateway's upload), written in one group
   * transaction with whatever else is queued; returns one outcome per
   * reading, in order. Refused readings do not stop the others.
   */
  async ingestMany(readings: readonly SignedReading[]): Promise<({ ok: true; result: IngestResult } | { ok: false; error: unknown })[]> {
    const devices = new Map<string, CachedDevice | Error>();
    for (const id of new Set(readings.map((r) => r.device_id))) {
      try {
        devices.set(id, await this.#device(id));
      } catch (error) {
        devices.set(id, error as Error);
      }
    }
    const now = Date.now();
    const outcomes: ({ ok: true; result: IngestResult } | { ok: false; error: unknown })[] = [];
    const rows: NewReading[] = [];
    const slots: number[] = [];
    for (const reading of readings) {
      try {
        const device = devices.get(reading.device_id)!;
        if (device instanceof Error) throw device;
        rows.push(this.#prepare(reading, device, now));
        slots.push(outcomes.length);
        outcomes.push({ ok: false, error: undefined });
      } catch (error) {
        this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
        outcomes.push({ ok: false, error });
      }
    }
    if (rows.length === 0) return outcomes;
    // Through the one group writer, so these rows and single ingests reach the store in arrival order.
    const pending = rows.map((row) => new Promise<IngestResult>((resolve, reject) => this.#queue.push({ row, resolve, reject })));
    this.#flush();
    const settled = await Promise.allSettled(pending);
    settled.forEach((o, i) => {
      outcomes[slots[i]!] = o.status === "fulfilled" ? { ok: true, result: o.value } : { ok: false, error: o.reason as unknown };
    });
    return outcomes;
  }

  /** Pool path: precheck here, verify + seal on a worker (same worker per device, so order holds), finish here. */
  #ingestPooled(reading: SignedReading, cached: CachedDevice): Promise<IngestResult> {
    let device: CachedDevice;
    try {
      device = this.#precheck(reading, cached);
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
    return new Promise<IngestResult>((resolve, reject) => {
      this.#dispatchQueue.push({ reading, device, now: Date.now(), resolve, reject });
      if (!this.#dispatchScheduled) {
        this.#dispatchScheduled = true;
        setImmediate(() => this.#dispatch());
      }
    });
  }

  #dispatch(): void {
    this.#dispatchScheduled = false;
    const pool = this.#pool!;
    const queue = this.#dispatchQueue;
    this.#dispatchQueue = [];
    const perWorker: Dispatch[][] = Array.from({ length: pool.size }, () => []);
    for (const d of queue) perWorker[workerOf(d.reading.device_id, pool.size)]!.push(d);
    perWorker.forEach((items, w) => {
      for (let i = 0; i < items.length; i += 512) {
        const chunk = items.slice(i, i + 512);
        const jobs: CryptoJob[] = chunk.map((d) => ({
          deviceId: d.reading.device_id,
          publicKey: d.device.publicKeyHex,
          counter: d.reading.counter,
          data: d.reading.data,
          encoding: d.reading.encoding ?? "utf8",
          signature: d.reading.signature,
        }));
        pool.runOn(w, jobs).then(
          (results) => {
            const keyId = this.#keyring.current.keyIdHex;
            chunk.forEach((d, k) => {
              const r = results[k]!;
              try {
                if (!r.ok) throw new BadSignatureError({ deviceId: d.reading.device_id, counter: d.reading.counter });
                if (d.reading.counter <= d.device.lastCounter) {
                  throw new ReplayedCounterError({ deviceId: d.reading.device_id, counter: d.reading.counter, lastCounter: d.device.lastCounter });
                }
                this.#takeToken(d.device, d.now);
                d.device.lastCounter = d.reading.counter;
                this.#queue.push({
                  row: { device_id: d.reading.device_id, counter: d.reading.counter, key_id: keyId, envelope: r.envelope, proof_hash: r.proofHash, mode: this.#options.mode, received_at: d.now },
                  resolve: d.resolve,
                  reject: d.reject,
                });
              } catch (error) {
                this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
                d.reject(error);
              }
            });
            this.#flush();
          },
          (error: unknown) => chunk.forEach((d) => d.reject(error)),
        );
      }
    });
  }

  /** Writes everything queued now and waits for it (also called on close). */
  async flush(): Promise<void> {
    this.#flush();
    while (this.#writing !== undefined) await this.#writing;
  }

  /** Starts a group write unless one is in flight (that one writes the queue again when it ends). */
  #flush(): void {
    this.#scheduled = false;
    if (this.#writing !== undefined || this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    this.#writing = this.#write(batch).finally(() => {
      this.#writing = undefined;
      if (this.#queue.length > 0) this.#flush();
    });
  }

  async #write(batch: Pending[]): Promise<void> {
    let ids: PersistOutcome[];
    try {
      ids = await this.#persist(batch.map((p) => p.row));
    } catch (error) {
      for (const id of new Set(batch.map((p) => p.row.device_id))) await this.#devices.reloadCounter(id);
      for (const p of batch) p.reject(error);
      return;
    }
    let accepted = 0;
    const refused = new Set<string>();
    batch.forEach((p, i) => {
      const id = ids[i]!;
      if (id === "replayed") {
        refused.add(p.row.device_id);
        p.reject(this.#replayed(p.row));
      } else {
        accepted++;
        p.resolve(resultOf(p.row, id));
      }
    });
    for (const id of refused) await this.#devices.reloadCounter(id);
    if (accepted > 0) this.#hooks.onAccepted?.(accepted);
  }
}

/** A device's readings always go to the same worker, so their order is kept. */
function workerOf(deviceId: string, size: number): number {
  let h = 2166136261;
  for (let i = 0; i < deviceId.length; i++) h = Math.imul(h ^ deviceId.charCodeAt(i), 16777619);
  return (h >>> 0) % size;
}

function resultOf(row: NewReading, id: number): IngestResult {
  return { reading_id: id, device_id: row.device_id, counter: row.counter, proof_hash: row.proof_hash as Hex, status: "pending" };
}
