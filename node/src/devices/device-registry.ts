// The device registry: store rows plus an in-memory cache of each device's
// imported key, last accepted counter and rate-limit bucket, so the ingest
// hot path never parses a key or reads the database to authenticate. Native
// devices sign with Ed25519; JWS devices (did:key / did:lcore) and the
// predecessor's unsigned M1 devices have an identity row too
// (store.deviceFormats). The cached counter only screens early: the store's
// persistReadings is the replay check that holds across instances sharing
// one PostgreSQL.
import { createHash, type KeyObject } from "node:crypto";

import { getAddress, isAddress, type Address } from "viem";

import { toChainDeviceId, DEVICE_ID_PATTERN } from "../chain/device-id.js";
import { importDevicePublicKey } from "../crypto/device-signature.js";
import { DeviceExistsError, UnknownDeviceError } from "../errors/device.js";
import { WrongDeviceFormatError } from "../errors/device-formats.js";
import type { DeviceIdentityRow } from "../store/device-formats-repository.js";
import { importJwsDeviceKey, type DeviceKey } from "./jws/device-key.js";
import { ValidationError } from "../errors/request.js";
import type { Store } from "../store/index.js";
import type { DeviceRow } from "../store/devices-repository.js";

export interface CachedDevice {
  readonly deviceId: string;
  /** How the device authenticates: native Ed25519 readings, a JWS, or not at all (M1 compat). */
  readonly format: "native" | "jws" | "gateway" | "m1";
  /** JWS devices and gateways: the DID and the key it names. */
  readonly did?: string;
  readonly jwsKey?: DeviceKey;
  /** Native devices' Ed25519 key (JWS devices: their key; M1: none). */
  readonly publicKey: KeyObject | undefined;
  /** Raw public key, hex (what the crypto workers import). */
  readonly publicKeyHex: string;
  /** Highest counter accepted (persisted or being persisted). */
  lastCounter: number;
  /** Token bucket for the per-device rate limit. */
  tokens: number;
  refilledAt: number;
}

export interface RegisterDeviceParameters {
  device_id: string;
  /** Raw 32-byte Ed25519 public key, hex. */
  public_key: string;
  /** Owner recorded on chain (may call setDeviceActive); default: the node's submitter account. */
  owner_address?: string;
}

export interface RegisteredDevice {
  device_id: string;
  chain_device_id: string;
  public_key: string;
  owner_address: string;
  chain_status: DeviceRow["chain_status"];
  registered_at: number;
}

export class DeviceRegistry {
  readonly #store: Store;
  readonly #defaultOwner: Address;
  readonly #cache = new Map<string, CachedDevice>();
  readonly #didIndex = new Map<string, string>();
  readonly #burst: number;
  readonly #registerOnChain: boolean;

  /**
   * `registerOnChain` false (legacy mode): the predecessor's deployed contract
   * has no device registry, so registrations stay off chain.
   */
  constructor(store: Store, { defaultOwner, burst, registerOnChain = true }: { defaultOwner: Address; burst: number; registerOnChain?: boolean }) {
    this.#store = store;
    this.#defaultOwner = defaultOwner;
    this.#burst = burst;
    this.#registerOnChain = registerOnChain;
  }

  /** Registers a device and queues its on-chain registration, in one transaction. */
  async register({ device_id, public_key, owner_address }: RegisterDeviceParameters): Promise<RegisteredDevice> {
    if (!DEVICE_ID_PATTERN.test(device_id)) {
      throw new ValidationError({ issues: [{ path: "device_id", message: "expected 1-32 characters of [A-Za-z0-9_.:-]" }] });
    }
    if (owner_address !== undefined && !isAddress(owner_address)) {
      throw new ValidationError({ issues: [{ path: "owner_address", message: "expected a 0x-prefixed 20-byte address" }] });
    }
    const key = importDevicePublicKey(public_key);
    const publicKeyHex = public_key.replace(/^0x/i, "").toLowerCase();
    const row = {
      device_id,
      chain_device_id: toChainDeviceId(device_id),
      public_key: publicKeyHex,
      owner_address: getAddress(owner_address ?? this.#defaultOwner),
      registered_at: Date.now(),
    };
    if (!(await this.#store.devices.register(row, this.#registerOnChain))) throw new DeviceExistsError({ deviceId: device_id });
    this.#cache.set(device_id, { deviceId: device_id, format: "native", publicKey: key, publicKeyHex, lastCounter: 0, tokens: this.#burst, refilledAt: Date.now() });
    return { ...row, chain_status: "pending" };
  }

  /** Inserts a non-native device (row, identity, on-chain registration) atomically; false when its id or DID exists. */
  async #insertWithIdentity(row: Omit<DeviceRow, "last_counter" | "chain_status" | "chain_tx_hash">, identity: DeviceIdentityRow): Promise<boolean> {
    return await this.#store.deviceFormats.register(row, identity, this.#registerOnChain);
  }

  /**
   * Registers a JWS device by its DID (the node's device id is derived from
   * the DID, since a DID is longer than an on-chain bytes32 id).
   * @throws DeviceExistsError when the DID is already registered
   */
  async registerJws({ did, key, enrolledBy, owner_address, gateway = false }: { did: string; key: DeviceKey; enrolledBy: "operator" | "open"; owner_address?: string; gateway?: boolean }): Promise<RegisteredDevice & { did: string }> {
    if (owner_address !== undefined && !isAddress(owner_address)) {
      throw new ValidationError({ issues: [{ path: "owner_address", message: "expected a 0x-prefixed 20-byte address" }] });
    }
    const device_id = deviceIdOfDid(did);
    const row = {
      device_id,
      chain_device_id: toChainDeviceId(device_id),
      public_key: key.publicKeyHex,
      owner_address: getAddress(owner_address ?? this.#defaultOwner),
      registered_at: Date.now(),
    };
    const format = gateway ? "gateway" : "jws";
    if (!(await this.#insertWithIdentity(row, { device_id, format, did, alg: key.alg, label: null, enrolled_by: enrolledBy }))) throw new DeviceExistsError({ deviceId: did });
    const cached: CachedDevice = { deviceId: device_id, format, did, jwsKey: key, publicKey: key.keyObject, publicKeyHex: key.publicKeyHex, lastCounter: 0, tokens: this.#burst, refilledAt: Date.now() };
    this.#cache.set(device_id, cached);
    this.#didIndex.set(did, device_id);
    return { ...row, did, chain_status: "pending" };
  }

  /**
   * The predecessor's registration: an id and an optional label that nothing
   * signs with. Re-registering an M1 device is a no-op (`created: false`).
   * @throws WrongDeviceFormatError when the id belongs to a signing device
   */
  async registerM1({ device_id, label }: { device_id: string; label?: string }): Promise<{ device: RegisteredDevice; created: boolean }> {
    if (!DEVICE_ID_PATTERN.test(device_id)) {
      throw new ValidationError({ issues: [{ path: "device_id", message: "expected 1-32 characters of [A-Za-z0-9_.:-]" }] });
    }
    const existing = async () => {
      const identity = await this.#store.deviceFormats.identity(device_id);
      if (identity?.format !== "m1") throw new WrongDeviceFormatError({ deviceId: device_id, expected: identity === undefined ? "signed readings (POST /device/data with counter and signature)" : "a JWS (/api/device/submit or /api/gateway/submit)" });
      return { device: await this.describe(device_id), created: false };
    };
    if ((await this.#store.devices.get(device_id)) !== undefined) return await existing();
    const row = {
      device_id,
      chain_device_id: toChainDeviceId(device_id),
      public_key: "",
      owner_address: getAddress(this.#defaultOwner),
      registered_at: Date.now(),
    };
    // Registered meanwhile (another request or instance): answer as a repeat.
    if (!(await this.#insertWithIdentity(row, { device_id, format: "m1", did: null, alg: null, label: label ?? null, enrolled_by: "m1" }))) return await existing();
    return { device: { ...row, chain_status: "pending" }, created: true };
  }

  /** The JWS device a DID names, if registered (from the cache when it is there: no await on the hot path). */
  byDid(did: string): CachedDevice | undefined | Promise<CachedDevice | undefined> {
    const known = this.#didIndex.get(did);
    const hit = known === undefined ? undefined : this.#cache.get(known);
    if (hit !== undefined) return hit;
    return (async () => {
      let deviceId = known;
      if (deviceId === undefined) {
        deviceId = (await this.#store.deviceFormats.identityByDid(did))?.device_id;
        if (deviceId === undefined) return undefined;
        this.#didIndex.set(did, deviceId);
      }
      return await this.get(deviceId);
    })();
  }

  /** The cached device, if it is cached (the hot path: no await). */
  cached(deviceId: string): CachedDevice | undefined {
    return this.#cache.get(deviceId);
  }

  /** The cached device (loaded from the store on first use). @throws UnknownDeviceError */
  async get(deviceId: string): Promise<CachedDevice> {
    let d = this.#cache.get(deviceId);
    if (d === undefined) {
      const row = await this.#store.devices.get(deviceId);
      if (row === undefined) throw new UnknownDeviceError({ deviceId });
      const identity = await this.#store.deviceFormats.identity(deviceId);
      const common = { deviceId, publicKeyHex: row.public_key, lastCounter: row.last_counter, tokens: this.#burst, refilledAt: Date.now() };
      let loaded: CachedDevice;
      if (identity === undefined) loaded = { ...common, format: "native", publicKey: importDevicePublicKey(row.public_key) };
      else if (identity.format === "m1") loaded = { ...common, format: "m1", publicKey: undefined };
      else {
        const jwsKey = importJwsDeviceKey(identity.alg!, Buffer.from(row.public_key, "hex"));
        loaded = { ...common, format: identity.format, did: identity.did!, jwsKey, publicKey: jwsKey.keyObject };
      }
      // Another caller may have loaded it during the awaits: keep the one already cached.
      d = this.#cache.get(deviceId) ?? loaded;
      this.#cache.set(deviceId, d);
    }
    return d;
  }

  /**
   * After a failed or refused write the cached counter may be ahead of (or,
   * with other instances, behind) the database: re-read it from the store.
   * When the store does not answer, the device leaves the cache and is loaded
   * again on its next reading.
   */
  async reloadCounter(deviceId: string): Promise<void> {
    const d = this.#cache.get(deviceId);
    if (d === undefined) return;
    try {
      const row = await this.#store.devices.get(deviceId);
      if (row !== undefined) d.lastCounter = row.last_counter;
    } catch {
      this.#cache.delete(deviceId);
    }
  }

  async describe(deviceId: string): Promise<RegisteredDevice> {
    const row = await this.#store.devices.get(deviceId);
    if (row === undefined) throw new UnknownDeviceError({ deviceId });
    return {
      device_id: row.device_id,
      chain_device_id: row.chain_device_id,
      public_key: row.public_key,
      owner_address: row.owner_address,
      chain_status: row.chain_status,
      registered_at: row.registered_at,
    };
  }
}

/** The node's device id of a DID: "did_" + 28 hex of SHA-256(did) (fits the 32-character on-chain id). */
export function deviceIdOfDid(did: string): string {
  return `did_${createHash("sha256").update(did).digest("hex").slice(0, 28)}`;
}
