// The ingest hot path: authenticate a signed reading (device known, counter
// fresh, Ed25519 signature, rate), encrypt it into an envelope, hash it, and
// persist it with its outbox row. Readings arriving while the previous write
// is in flight are written together in one transaction (group commit: one
// write at a time, so a device's counters reach the store in order); a
// caller's promise resolves only after its row is durable, so a 202 never
// covers data that could be lost. The store's persistReadings re-checks each
// counter against the database (the replay check shared by all instances).
// Signatures are checked off the event loop: on the crypto workers when there
// are any, else on libuv's threadpool; either way readings are taken in
// arrival order.
import { DeviceRateLimitedError, ReplayedCounterError, BadSignatureError } from "../errors/device.js";
import { ValidationError } from "../errors/request.js";
import { ReplayedPayloadError, WrongDeviceFormatError } from "../errors/device-formats.js";
import type { DeviceFormat } from "../store/device-formats-repository.js";
import { verifyReadingSignatureAsync, type SignedReading } from "../crypto/device-signature.js";
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
  /** Who a duplicate replay key is reported for (the DID when there is one). */
  replayId?: string;
  /** Node-assigned counters: the row sealed again under another counter. */
  reseal?: (counter: number) => NewReading;
  /** Times this row was resealed after the store refused its counter. */
  attempts?: number;
  resolve: (r: IngestResult) => void;
  reject: (e: unknown) => void;
}

/** A native reading whose signature check runs on libuv's threadpool. */
interface Verifying {
  reading: SignedReading;
  device: CachedDevice;
  bytes: Buffer;
  now: number;
  /** The check's outcome, once known. */
  ok: boolean | undefined;
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
  /** Native readings whose signatures are being checked off the event loop, in arrival order. */
  #verifying: Verifying[] = [];
  /** The checks running (flush on close waits for them). */
  readonly #checks = new Set<Promise<void>>();
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
    if (device.format !== "native") {
      throw new WrongDeviceFormatError({ deviceId: device_id, expected: device.format === "m1" ? "the M1 compat API (POST /device/data {device_id, data, timestamp})" : "JWS (POST /api/device/submit)" });
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

  /** After the signature verified: rate limit, counter, envelope (the bytes are wiped). */
  #accept(reading: SignedReading, device: CachedDevice, bytes: Buffer, now: number): NewReading {
    const { device_id, counter } = reading;
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

  #persist(batch: readonly Pending[]): Promise<PersistOutcome[]> {
    const kind = this.#options.mode === "proof" ? "commit_proof" : this.#options.mode === "legacy" ? "submit_result" : undefined;
    const rows = batch.map((p) => p.row);
    if (!batch.some((p) => p.source !== undefined)) return this.#store.readings.persistReadings(rows, kind);
    const sources = batch.map((p) =>
      p.source === undefined ? undefined : { format: p.source.format, authenticated: p.source.authenticated ? (1 as const) : (0 as const), replay_key: p.source.replayKey },
    );
    return this.#store.readings.persistReadings(rows, kind, sources);
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

  /**
   * Without crypto workers: the checks that need no crypto here, the Ed25519
   * check on libuv's threadpool (so the event loop serves HTTP meanwhile and
   * both cores work), then counter, rate limit and envelope here, in arrival
   * order whatever order the checks end in, so a device's readings are taken
   * as the synchronous path would take them.
   */
  #ingestWith(reading: SignedReading, device: CachedDevice): Promise<IngestResult> {
    if (this.#pool !== undefined) return this.#ingestPooled(reading, device);
    let checked: CachedDevice;
    let bytes: Buffer;
    try {
      checked = this.#precheck(reading, device);
      bytes = Buffer.from(reading.data, reading.encoding ?? "utf8");
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
    return new Promise<IngestResult>((resolve, reject) => {
      const entry: Verifying = { reading, device: checked, bytes, now: Date.now(), ok: undefined, resolve, reject };
      this.#verifying.push(entry);
      const check = verifyReadingSignatureAsync({ publicKey: checked.publicKey!, deviceId: reading.device_id, counter: reading.counter, data: bytes, signatureHex: reading.signature }).then((ok) => {
        this.#checks.delete(check);
        entry.ok = ok;
        this.#takeVerified();
      });
      this.#checks.add(check);
    });
  }

  /** Takes in the checked readings at the head of the arrival order. */
  #takeVerified(): void {
    let queued = false;
    while (this.#verifying.length > 0 && this.#verifying[0]!.ok !== undefined) {
      const e = this.#verifying.shift()!;
      try {
        if (!e.ok) throw new BadSignatureError({ deviceId: e.reading.device_id, counter: e.reading.counter });
        if (e.reading.counter <= e.device.lastCounter) {
          throw new ReplayedCounterError({ deviceId: e.reading.device_id, counter: e.reading.counter, lastCounter: e.device.lastCounter });
        }
        this.#queue.push({ row: this.#accept(e.reading, e.device, e.bytes, e.now), resolve: e.resolve, reject: e.reject });
        queued = true;
      } catch (error) {
        e.bytes.fill(0);
        this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
        e.reject(error);
      }
    }
    if (!queued) return;
    if (this.#queue.length >= this.#options.maxGroup) this.#flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /**
   * The shared path of the non-native formats after authentication: replay
   * check, rate limit, a node-assigned counter, then the same envelope, group
   * commit and outbox as a native reading. Resolves once durable. The store
   * refuses a replay key already stored (by any instance) in the same
   * transaction that would insert the reading.
   */
  ingestAuthenticated(reading: AuthenticatedReading): Promise<AuthenticatedIngestResult> {
    const { device, data, source } = reading;
    const key = `${device.deviceId}\u0000${source.replayKey}`;
    try {
      if (data.length > this.#options.maxDataBytes) {
        throw new ValidationError({ issues: [{ path: "data", message: `expected at most ${this.#options.maxDataBytes} bytes, got ${data.length}` }] });
      }
      if (reading.onReplay === "refuse") return this.#queueAuthenticated(reading, key);
      // M1 clients retry blindly: a stored repeat is answered with the first reading before it takes a token or a counter.
      return this.#store.deviceFormats.readingByReplayKey(device.deviceId, source.replayKey).then(async (existing) => {
        if (existing === undefined) return await this.#existingOnDuplicate(this.#queueAuthenticated(reading, key), device.deviceId, source.replayKey);
        return await this.#existing(existing);
      });
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
  }

  async #existing(readingId: number): Promise<AuthenticatedIngestResult> {
    const row = await this.#store.readings.get(readingId);
    if (row === undefined) throw new Error(`reading ${readingId} is gone from the store`);
    return { ...resultOf(row, row.id), replayed: true };
  }

  /** "return-existing": a payload the store found already accepted (by another request or instance) answers with that reading. */
  async #existingOnDuplicate(queued: Promise<AuthenticatedIngestResult>, deviceId: string, replayKey: string): Promise<AuthenticatedIngestResult> {
    try {
      return await queued;
    } catch (error) {
      if (!(error instanceof ReplayedPayloadError)) throw error;
      const existing = await this.#store.deviceFormats.readingByReplayKey(deviceId, replayKey);
      if (existing === undefined) throw error;
      return await this.#existing(existing);
    }
  }

  #queueAuthenticated(reading: AuthenticatedReading, key: string): Promise<AuthenticatedIngestResult> {
    const { device, data, source } = reading;
    try {
      const inFlight = this.#inFlight.get(key);
      if (inFlight !== undefined) {
        if (reading.onReplay === "refuse") throw new ReplayedPayloadError({ deviceId: device.did ?? device.deviceId });
        return inFlight.then((r) => ({ ...r, replayed: true }));
      }
      const now = Date.now();
      this.#takeToken(device, now);
      const promise = new Promise<IngestResult>((resolve, reject) => {
        this.#queue.push({ ...this.#sealed(device, data, now), source, replayId: device.did ?? device.deviceId, resolve, reject });
        if (this.#queue.length >= this.#options.maxGroup) this.#flush();
        else if (!this.#scheduled) {
          this.#scheduled = true;
          setImmediate(() => this.#flush());
        }
      });
      this.#inFlight.set(key, promise);
      const forget = () => {
        this.#inFlight.delete(key);
        data.fill(0);
      };
      promise.then(forget, forget);
      return promise.then((r) => ({ ...r, replayed: false }));
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
  }

  /**
   * A node-assigned counter's row and how to seal it again under a new
   * counter (another instance on the same database may have taken this one:
   * the store answers "replayed", the counter is reloaded and the row resealed).
   * The caller wipes `data` once the row is settled.
   */
  #sealed(device: CachedDevice, data: Buffer, now: number): Pick<Pending, "row" | "reseal"> {
    const reseal = (counter: number): NewReading => {
      const keys = this.#keyring.current;
      const envelope = sealEnvelope({ keys, deviceId: device.deviceId, counter, plaintext: data, engine: this.#options.engine });
      return { device_id: device.deviceId, counter, key_id: keys.keyIdHex, envelope, proof_hash: proofHashOf(envelope), mode: this.#options.mode, received_at: now };
    };
    return { row: reseal(++device.lastCounter), reseal };
  }

  /**
   * A gateway's signed batch after its one signature verified: it takes one
   * rate-limit token, and its readings get consecutive counters and go
   * through the same envelope, group commit and outbox as every other
   * reading, each with the replay key `batchKey:i` (a batch sent again is
   * refused by the store, on any instance). Resolves once all are durable.
   */
  ingestGatewayBatch(gateway: CachedDevice, readings: readonly Buffer[], batchKey: string): Promise<IngestResult[]> {
    try {
      const firstKey = `${batchKey}:0`;
      const marker = `${gateway.deviceId}\u0000${firstKey}`;
      if (this.#inFlight.has(marker)) throw new ReplayedPayloadError({ deviceId: gateway.did ?? gateway.deviceId });
      const now = Date.now();
      this.#takeToken(gateway, now);
      const promises = readings.map(
        (data, i) =>
          new Promise<IngestResult>((resolve, reject) => {
            this.#queue.push({ ...this.#sealed(gateway, data, now), source: { format: "gateway", authenticated: true, replayKey: `${batchKey}:${i}` }, replayId: gateway.did ?? gateway.deviceId, resolve, reject });
          }),
      );
      const all = Promise.all(promises);
      const first = all.then((r) => r[0]!);
      first.catch(() => undefined); // a refused batch is reported through `all`
      this.#inFlight.set(marker, first);
      const forget = () => {
        this.#inFlight.delete(marker);
        for (const data of readings) data.fill(0);
      };
      all.then(forget, forget);
      this.#flush();
      return all;
    } catch (error) {
      this.#hooks.onRefused?.((error as { code?: string }).code ?? "ERROR");
      return Promise.reject(error);
    }
  }

  /**
   * Accepts many readings (a gateway's upload) through the same ordered path
   * as single readings, so they and single ingests reach the store in arrival
   * order (and are written in group transactions with whatever else is
   * queued); returns one outcome per reading, in order. Refused readings do
   * not stop the others.
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
    const pending = readings.map((reading) => {
      const device = devices.get(reading.device_id)!;
      if (!(device instanceof Error)) return this.#ingestWith(reading, device);
      this.#hooks.onRefused?.((device as { code?: string }).code ?? "ERROR");
      return Promise.reject(device);
    });
    return (await Promise.allSettled(pending)).map((o) => (o.status === "fulfilled" ? { ok: true as const, result: o.value } : { ok: false as const, error: o.reason as unknown }));
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
    while (this.#checks.size > 0) await Promise.all(this.#checks);
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
      ids = await this.#persist(batch);
    } catch (error) {
      for (const id of new Set(batch.map((p) => p.row.device_id))) await this.#devices.reloadCounter(id);
      for (const p of batch) p.reject(error);
      return;
    }
    let accepted = 0;
    const refused = new Set<string>();
    const retry: Pending[] = [];
    batch.forEach((p, i) => {
      const id = ids[i]!;
      if (id === "replayed") {
        refused.add(p.row.device_id);
        if (p.reseal !== undefined && (p.attempts ?? 0) < MAX_RESEALS) retry.push(p);
        else p.reject(this.#replayed(p.row));
      } else if (id === "duplicate") {
        this.#hooks.onRefused?.("REPLAYED_PAYLOAD");
        p.reject(new ReplayedPayloadError({ deviceId: p.replayId ?? p.row.device_id }));
      } else {
        accepted++;
        p.resolve(resultOf(p.row, id));
      }
    });
    for (const id of refused) await this.#devices.reloadCounter(id);
    // Node-assigned counters another instance took: the next counters after the stored one (written by the next group).
    for (const p of retry) {
      const device = this.#devices.cached(p.row.device_id);
      if (device === undefined) p.reject(this.#replayed(p.row));
      else this.#queue.push({ ...p, row: p.reseal!(++device.lastCounter), attempts: (p.attempts ?? 0) + 1 });
    }
    if (accepted > 0) this.#hooks.onAccepted?.(accepted);
  }
}

/** How many times a node-assigned counter is taken again after another instance took it. */
const MAX_RESEALS = 3;

/** A device's readings always go to the same worker, so their order is kept. */
function workerOf(deviceId: string, size: number): number {
  let h = 2166136261;
  for (let i = 0; i < deviceId.length; i++) h = Math.imul(h ^ deviceId.charCodeAt(i), 16777619);
  return (h >>> 0) % size;
}

function resultOf(row: NewReading, id: number): IngestResult {
  return { reading_id: id, device_id: row.device_id, counter: row.counter, proof_hash: row.proof_hash as Hex, status: "pending" };
}
