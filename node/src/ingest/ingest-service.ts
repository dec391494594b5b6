// The ingest hot path: authenticate a signed reading (device known, counter
// fresh, Ed25519 signature, rate), encrypt it into an envelope, hash it, and
// persist it with its outbox row. Readings arriving in the same event-loop
// turn are written in one SQLite transaction (group commit); a caller's
// promise resolves only after its row is durable, so a 202 never covers data
// that could be lost.
import { DeviceRateLimitedError, ReplayedCounterError, BadSignatureError } from "../errors/device.js";
import { ValidationError } from "../errors/request.js";
import { ReplayedPayloadError, WrongDeviceFormatError } from "../errors/device-formats.js";
import type { DeviceFormat } from "../store/device-formats-repository.js";
import { verifyReadingSignature, type SignedReading } from "../crypto/device-signature.js";
import { sealEnvelope, type CryptoEngine } from "../crypto/envelope.js";
import type { Keyring } from "../crypto/keyring.js";
import { proofHashOf } from "../crypto/proof-hash.js";
import type { CachedDevice, DeviceRegistry } from "../devices/device-registry.js";
import type { CryptoPool } from "./crypto-pool.js";
import type { CryptoJob } from "./crypto-worker.js";
import type { Store } from "../store/index.js";
import type { CommitMode, NewReading } from "../store/readings-repository.js";
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

/** Where a non-native reading came from (stored in reading_sources with the reading). */
export interface ReadingSource {
  format: DeviceFormat;
  authenticated: boolean;
  /** One acceptance per (device, replay key): the JWS signing input's hash, or the M1 (timestamp, data) hash. */
  replayKey: string;
}

/** A reading whose sender was already authenticated (a JWS) or is not authenticated at all (M1 compat). */
export interface AuthenticatedReading {
  device: CachedDevice;
  /** The reading's bytes (wiped once sealed). */
  data: Buffer;
  source: ReadingSource;
  /** "return-existing": a repeat answers with the first reading (M1 clients retry blindly); "refuse": 409. */
  onReplay: "return-existing" | "refuse";
}

export type AuthenticatedIngestResult = IngestResult & { replayed: boolean };

interface Pending {
  row: NewReading;
  source?: ReadingSource;
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
  readonly #pool: CryptoPool | undefined;
  #dispatchQueue: Dispatch[] = [];
  #dispatchScheduled = false;
  /** Non-native readings queued but not yet durable, by device + replay key. */
  readonly #inFlight = new Map<string, Promise<IngestResult>>();

  constructor(store: Store, devices: DeviceRegistry, keyring: Keyring, options: IngestOptions, hooks: IngestHooks = {}, pool?: CryptoPool) {
    this.#store = store;
    this.#devices = devices;
    this.#keyring = keyring;
    this.#options = options;
    this.#hooks = hooks;
    this.#pool = pool !== undefined && pool.size > 0 ? pool : undefined;
  }

  /** The checks that need no crypto: shape, size, device, counter freshness. */
  #precheck(reading: SignedReading): CachedDevice {
    const { device_id, counter, data } = reading;
    const encoding = reading.encoding ?? "utf8";
    if (!Number.isSafeInteger(counter) || counter < 1) {
      throw new ValidationError({ issues: [{ path: "counter", message: "expected an integer >= 1" }] });
    }
    const size = encoding === "utf8" ? Buffer.byteLength(data, "utf8") : Math.floor((data.length * 3) / 4);
    if (size > this.#options.maxDataBytes) {
      throw new ValidationError({ issues: [{ path: "data", message: `expected at most ${this.#options.maxDataBytes} bytes, got ${size}` }] });
    }
    const device = this.#devices.get(device_id);
    if (device.format !== "native") {
      throw new WrongDeviceFormatError({ deviceId: device_id, expected: device.format === "jws" ? "JWS (POST /api/device/submit)" : "the M1 compat API (POST /device/data {device_id, data, timestamp})" });
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
  #prepare(reading: SignedReading, now: number): NewReading {
    const { device_id, counter, data, signature } = reading;
    const encoding = reading.encoding ?? "utf8";
    const device = this.#precheck(reading);
    const bytes = Buffer.from(data, encoding);
    if (!verifyReadingSignature({ publicKey: device.publicKey!, deviceId: device_id, counter, data: bytes, signatureHex: signature })) {
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

  #persist(rows: readonly NewReading[], sources?: readonly (ReadingSource | undefined)[]): number[] {
    const s = this.#store;
    const kind = this.#options.mode === "proof" ? "commit_proof" : this.#options.mode === "legacy" ? "submit_result" : undefined;
    return s.transaction(() => {
      const ids: number[] = [];
      const counters = new Map<string, number>();
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const id = s.readings.insert(row);
        ids.push(id);
        const source = sources?.[i];
        if (source !== undefined) {
          s.deviceFormats.insertSource({ reading_id: id, device_id: row.device_id, format: source.format, authenticated: source.authenticated ? 1 : 0, replay_key: source.replayKey });
        }
        if (kind !== undefined) s.outbox.enqueue(kind, String(id), row.received_at);
        counters.set(row.device_id, Math.max(counters.get(row.device_id) ?? 0, row.counter));
      }
      for (const [deviceId, counter] of counters) s.devices.raiseCounter(deviceId, counter);
      return ids;
    });
  }

  /**
   * Accepts one signed reading. Resolves once it is durable in SQLite (queued
   * for commit); rejects with a typed 4xx error for bad input.
   */
  ingest(reading: SignedReading): Promise<IngestResult> {
    if (this.#pool !== undefined) return this.#ingestPooled(reading);
    let row: NewReading;
    try {
      row = this.#prepare(reading, Date.now());
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
   * The shared path of the non-native formats after authentication: replay
   * check, rate limit, a node-assigned counter, then the same envelope, group
   * commit and outbox as a native reading. Resolves once durable.
   */
  ingestAuthenticated(reading: AuthenticatedReading): Promise<AuthenticatedIngestResult> {
    const { device, data, source } = reading;
    const key = `${device.deviceId}\u0000${source.replayKey}`;
    try {
      if (data.length > this.#options.maxDataBytes) {
        throw new ValidationError({ issues: [{ path: "data", message: `expected at most ${this.#options.maxDataBytes} bytes, got ${data.length}` }] });
      }
      const inFlight = this.#inFlight.get(key);
      const existing = inFlight === undefined ? this.#store.deviceFormats.readingByReplayKey(device.deviceId, source.replayKey) : undefined;
      if (inFlight !== undefined || existing !== undefined) {
        if (reading.onReplay === "refuse") throw new ReplayedPayloadError({ deviceId: device.did ?? device.deviceId });
        if (inFlight !== undefined) return inFlight.then((r) => ({ ...r, replayed: true }));
        const row = this.#store.readings.get(existing!)!;
        return Promise.resolve({ ...resultOf(row, row.id), replayed: true });
      }
      const now = Date.now();
      this.#takeToken(device, now);
      const counter = device.lastCounter + 1;
      device.lastCounter = counter;
      const keys = this.#keyring.current;
      const envelope = sealEnvelope({ keys, deviceId: device.deviceId, counter, plaintext: data, engine: this.#options.engine });
      data.fill(0);
      const row: NewReading = { device_id: device.deviceId, counter, key_id: keys.keyIdHex, envelope, proof_hash: proofHashOf(envelope), mode: this.#options.mode, received_at: now };
      const promise = new Promise<IngestResult>((resolve, reject) => {
        this.#queue.push({ row, source, resolve, reject });
        if (this.#queue.length >= this.#options.maxGroup) this.#flush();
        else if (!this.#scheduled) {
          this.#scheduled = true;
          setImmediate(() => this.#flush());
        }
      });
      this.#inFlight.set(key, promise);
      const forget = () => this.#inFlight.delete(key);
      promise.then(forget, forget);
      return promise.then((r) => ({ ...r, replayed: false }));
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
  }

  /**
   * A gateway's signed batch after its one signature verified: the batch is
   * checked for replay once, takes one rate-limit token, and its readings get
   * consecutive counters and go through the same envelope, group commit and
   * outbox as every other reading. Resolves once all are durable.
   */
  ingestGatewayBatch(gateway: CachedDevice, readings: readonly Buffer[], batchKey: string): Promise<IngestResult[]> {
    try {
      const firstKey = `${batchKey}:0`;
      if (this.#inFlight.has(`${gateway.deviceId}\u0000${firstKey}`) || this.#store.deviceFormats.readingByReplayKey(gateway.deviceId, firstKey) !== undefined) {
        throw new ReplayedPayloadError({ deviceId: gateway.did ?? gateway.deviceId });
      }
      const now = Date.now();
      this.#takeToken(gateway, now);
      const keys = this.#keyring.current;
      const promises = readings.map((data, i) => {
        const counter = ++gateway.lastCounter;
        const envelope = sealEnvelope({ keys, deviceId: gateway.deviceId, counter, plaintext: data, engine: this.#options.engine });
        data.fill(0);
        const row: NewReading = { device_id: gateway.deviceId, counter, key_id: keys.keyIdHex, envelope, proof_hash: proofHashOf(envelope), mode: this.#options.mode, received_at: now };
        return new Promise<IngestResult>((resolve, reject) => {
          this.#queue.push({ row, source: { format: "gateway", authenticated: true, replayKey: `${batchKey}:${i}` }, resolve, reject });
        });
      });
      const marker = `${gateway.deviceId}\u0000${firstKey}`;
      const all = Promise.all(promises);
      this.#inFlight.set(marker, all.then((r) => r[0]!));
      const forget = () => this.#inFlight.delete(marker);
      all.then(forget, forget);
      this.#flush();
      return all;
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
  }

  /**
   * Accepts many readings in one transaction (a gateway's upload); returns one
   * outcome per reading, in order. Refused readings do not stop the others.
   */
  ingestMany(readings: readonly SignedReading[]): ({ ok: true; result: IngestResult } | { ok: false; error: unknown })[] {
    const now = Date.now();
    const outcomes: ({ ok: true; result: IngestResult } | { ok: false; error: unknown })[] = [];
    const rows: NewReading[] = [];
    const slots: number[] = [];
    for (const reading of readings) {
      try {
        rows.push(this.#prepare(reading, now));
        slots.push(outcomes.length);
        outcomes.push({ ok: false, error: undefined });
      } catch (error) {
        this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
        outcomes.push({ ok: false, error });
      }
    }
    if (rows.length === 0) return outcomes;
    let ids: number[];
    try {
      ids = this.#persist(rows);
    } catch (error) {
      for (const row of rows) this.#devices.reloadCounter(row.device_id);
      for (const slot of slots) outcomes[slot] = { ok: false, error };
      return outcomes;
    }
    rows.forEach((row, i) => {
      outcomes[slots[i]!] = { ok: true, result: resultOf(row, ids[i]!) };
    });
    this.#hooks.onAccepted?.(rows.length);
    return outcomes;
  }

  /** Pool path: precheck here, verify + seal on a worker (same worker per device, so order holds), finish here. */
  #ingestPooled(reading: SignedReading): Promise<IngestResult> {
    let device: CachedDevice;
    try {
      device = this.#precheck(reading);
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

  /** Writes everything queued now (also called on close). */
  flush(): void {
    this.#flush();
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    let ids: number[];
    try {
      ids = this.#persist(
        batch.map((p) => p.row),
        batch.map((p) => p.source),
      );
    } catch (error) {
      for (const p of batch) this.#devices.reloadCounter(p.row.device_id);
      for (const p of batch) p.reject(error);
      return;
    }
    this.#hooks.onAccepted?.(batch.length);
    batch.forEach((p, i) => p.resolve(resultOf(p.row, ids[i]!)));
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
