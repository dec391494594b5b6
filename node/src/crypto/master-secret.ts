// Where the master secret comes from: the caller (a Hardhat configuration
// variable / keystore value passed in), the environment, or, with zero
// configuration, a random secret generated once into a 0600 file. The secret
// itself is never logged; only the fact that a file was generated and its path.
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

import { MasterSecretError } from "../errors/crypto.js";
import { makePrivateDir } from "../fs/private-path.js";

/** Minimum master secret length in bytes. */
export const MIN_MASTER_SECRET_BYTES = 32;

/** Parses a hex master secret (with or without 0x) and checks its length. */
export function parseMasterSecret(hex: string): Uint8Array {
  const clean = hex.trim().replace(/^0x/i, "");
  if (!/^[0-9a-fA-F]*$/.test(clean) || clean.length % 2 !== 0) {
    throw new MasterSecretError({ reason: "expected an even number of hex digits" });
  }
  if (clean.length / 2 < MIN_MASTER_SECRET_BYTES) {
    throw new MasterSecretError({ reason: `expected at least ${MIN_MASTER_SECRET_BYTES} bytes, got ${clean.length / 2}` });
  }
  return Uint8Array.from(Buffer.from(clean, "hex"));
}

export interface LoadOrCreateMasterSecretParameters {
  /** File holding the hex secret; created with mode 0600 when missing. */
  path: string;
  /** Called once when a new secret file is generated (never with the secret). */
  onGenerated?: (path: string) => void;
}

/**
 * Reads the master secret file, or generates 32 random bytes into it (0600).
 * Refuses a file that other users can read.
 */
export function loadOrCreateMasterSecret({ path, onGenerated }: LoadOrCreateMasterSecretParameters): Uint8Array {
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new MasterSecretError({ reason: `${path} has mode ${mode.toString(8)}; run chmod 600 ${path}` });
    }
    return parseMasterSecret(readFileSync(path, "utf8"));
  }
  makePrivateDir(dirname(path));
  const secret = randomBytes(32);
  writeFileSync(path, `${secret.toString("hex")}\n`, { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  onGenerated?.(path);
  return Uint8Array.from(secret);
}
