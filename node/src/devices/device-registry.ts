// The device registry: store rows plus an in-memory cache of each device's
// imported Ed25519 key, last accepted counter and rate-limit bucket, so the
// ingest hot path never parses a key or reads the database to authenticate.
// The cached counter only screens early: the store's persistReadings is the
// replay check that holds across instances sharing one PostgreSQL.
import type { KeyObject } from "node:crypto";

import { getAddress, isAddress, type Address } from "viem";

import { toChainDeviceId, DEVICE_ID_PATTERN } from "../chain/device-id.js";
import { importDevicePublicKey } from "../crypto/device-signature.js";
import { DeviceExistsError, UnknownDeviceError } from "../errors/device.js";
import { ValidationError } from "../errors/request.js";
import type { Store } from "../store/index.js";
import type { DeviceRow } from "../store/devices-repository.js";

export interface CachedDevice {
  readonly deviceId: string;
  readonly publicKey: KeyObject;
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
    this.#cache.set(device_id, { deviceId: device_id, publicKey: key, publicKeyHex, lastCounter: 0, tokens: this.#burst, refilledAt: Date.now() });
    return { ...row, chain_status: "pending" };
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
      d = this.#cache.get(deviceId) ?? { deviceId, publicKey: importDevicePublicKey(row.public_key), publicKeyHex: row.public_key, lastCounter: row.last_counter, tokens: this.#burst, refilledAt: Date.now() };
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
