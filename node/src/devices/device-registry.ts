// The device registry: SQLite rows plus an in-memory cache of each device's
// imported Ed25519 key, last accepted counter and rate-limit bucket, so the
// ingest hot path never parses a key or reads SQLite to authenticate.
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
  register({ device_id, public_key, owner_address }: RegisterDeviceParameters): RegisteredDevice {
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
    this.#store.transaction(() => {
      if (this.#store.devices.get(device_id) !== undefined) throw new DeviceExistsError({ deviceId: device_id });
      this.#store.devices.insert(row);
      if (this.#registerOnChain) this.#store.outbox.enqueue("register_device", device_id, row.registered_at);
    });
    this.#cache.set(device_id, { deviceId: device_id, publicKey: key, publicKeyHex, lastCounter: 0, tokens: this.#burst, refilledAt: Date.now() });
    return { ...row, chain_status: "pending" };
  }

  /** The cached device (loaded from SQLite on first use). @throws UnknownDeviceError */
  get(deviceId: string): CachedDevice {
    let d = this.#cache.get(deviceId);
    if (d === undefined) {
      const row = this.#store.devices.get(deviceId);
      if (row === undefined) throw new UnknownDeviceError({ deviceId });
      d = { deviceId, publicKey: importDevicePublicKey(row.public_key), publicKeyHex: row.public_key, lastCounter: row.last_counter, tokens: this.#burst, refilledAt: Date.now() };
      this.#cache.set(deviceId, d);
    }
    return d;
  }

  /** Re-reads the persisted counter (after a failed write). */
  reloadCounter(deviceId: string): void {
    const d = this.#cache.get(deviceId);
    const row = this.#store.devices.get(deviceId);
    if (d !== undefined && row !== undefined) d.lastCounter = row.last_counter;
  }

  describe(deviceId: string): RegisteredDevice {
    const row = this.#store.devices.get(deviceId);
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
