// HKDF key derivation from master secrets, and the keyring that lets keys
// rotate: each master secret has a 4-byte key id (derived, not secret) written
// into every envelope, so data written under a retired secret stays readable
// while new data uses the current one.
import { createHash, hkdfSync } from "node:crypto";

import { UnknownKeyIdError } from "../errors/crypto.js";

const HKDF_SALT = Buffer.from("lcore-iot/node/hkdf-salt/v1", "utf8");

/** The two data keys of one master secret, plus its id. */
export interface DataKeys {
  /** 4 bytes, derived from the master secret with a one-way hash. */
  readonly keyId: Uint8Array;
  readonly keyIdHex: string;
  /** Layer 1, AES-256-GCM. */
  readonly layer1: Uint8Array;
  /** Layer 2, XChaCha20-Poly1305. */
  readonly layer2: Uint8Array;
}

/** Derives the key id and both layer keys of a master secret (HKDF-SHA256, distinct info labels). */
export function deriveDataKeys(masterSecret: Uint8Array): DataKeys {
  const keyId = createHash("sha256").update("lcore-iot/node/key-id/v1").update(masterSecret).digest().subarray(0, 4);
  const derive = (label: string) =>
    new Uint8Array(hkdfSync("sha256", masterSecret, HKDF_SALT, Buffer.from(`lcore-iot/node/${label}/v1`), 32));
  return {
    keyId: Uint8Array.from(keyId),
    keyIdHex: Buffer.from(keyId).toString("hex"),
    layer1: derive("layer1-aes-256-gcm"),
    layer2: derive("layer2-xchacha20-poly1305"),
  };
}

/** Current keys for writing, every loaded keys for reading. */
export class Keyring {
  readonly current: DataKeys;
  readonly #byId = new Map<string, DataKeys>();

  constructor(current: Uint8Array, previous: readonly Uint8Array[] = []) {
    const derived = [current, ...previous].map(deriveDataKeys);
    this.current = derived[0]!;
    for (const keys of derived) {
      if (!this.#byId.has(keys.keyIdHex)) this.#byId.set(keys.keyIdHex, keys);
    }
  }

  /** @throws UnknownKeyIdError when no loaded secret has this id. */
  get(keyIdHex: string): DataKeys {
    const keys = this.#byId.get(keyIdHex);
    if (keys === undefined) throw new UnknownKeyIdError({ keyId: keyIdHex });
    return keys;
  }

  get keyIds(): string[] {
    return [...this.#byId.keys()];
  }

  /** Zeroes every derived key (call on shutdown). */
  wipe(): void {
    for (const keys of this.#byId.values()) {
      keys.layer1.fill(0);
      keys.layer2.fill(0);
    }
  }
}
