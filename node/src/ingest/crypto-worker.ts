// Worker thread of the crypto pool: verifies device signatures and seals
// envelopes (the CPU-heavy part of ingest) so ingest uses every core. It
// holds the current data keys (sent once at start, wiped on exit) and a cache
// of imported device keys; it never touches SQLite or device state.
import { parentPort, workerData } from "node:worker_threads";

import type { KeyObject } from "node:crypto";

import { importDevicePublicKey, verifyReadingSignature } from "../crypto/device-signature.js";
import { sealEnvelope, type CryptoEngine } from "../crypto/envelope.js";
import type { DataKeys } from "../crypto/keyring.js";
import { proofHashOf } from "../crypto/proof-hash.js";
import type { JwsAlg } from "../devices/did/device-did.js";
import { verifyJwsSignature } from "../devices/jws/compact-jws.js";
import { importJwsDeviceKey } from "../devices/jws/device-key.js";

export interface CryptoJob {
  deviceId: string;
  publicKey: string;
  counter: number;
  data: string;
  encoding: "utf8" | "base64";
  signature: string;
}

export type CryptoJobResult = { ok: true; envelope: Uint8Array; proofHash: `0x${string}` } | { ok: false };

/** A chunk's results as the worker sends them: sizes[i] is 0 for a job whose signature failed; envelopes are concatenated in job order. */
export interface PackedCryptoResults {
  sizes: Uint32Array;
  envelopes: Uint8Array;
  proofHashes: string[];
}

/** Views of a packed chunk as one result per job (the envelopes share the one transferred buffer). */
export function unpackCryptoResults({ sizes, envelopes, proofHashes }: PackedCryptoResults): CryptoJobResult[] {
  const out: CryptoJobResult[] = new Array<CryptoJobResult>(sizes.length);
  let offset = 0;
  for (let i = 0; i < sizes.length; i++) {
    const size = sizes[i]!;
    out[i] = size === 0 ? { ok: false } : { ok: true, envelope: envelopes.subarray(offset, offset + size), proofHash: proofHashes[i] as `0x${string}` };
    offset += size;
  }
  return out;
}

/** A JWS signature check (JWS devices and gateways); the result is true when it verifies. */
export interface JwsVerifyJob {
  alg: JwsAlg;
  /** Compressed SEC1 or raw Ed25519, hex (already validated when the device was registered). */
  publicKey: string;
  signingInput: Uint8Array;
  signature: Uint8Array;
}

export interface CryptoWorkerInit {
  keys: { keyId: Uint8Array; keyIdHex: string; layer1: Uint8Array; layer2: Uint8Array };
  engine: CryptoEngine;
}

function run(): void {
  const init = workerData as CryptoWorkerInit;
  const keys: DataKeys = init.keys;
  const publicKeys = new Map<string, KeyObject>();
  const jwsKeys = new Map<string, KeyObject>();
  parentPort!.on("message", (message: { id: number; jobs: CryptoJob[] } | { id: number; jws: JwsVerifyJob[] } | "close") => {
    if (message === "close") {
      keys.layer1.fill(0);
      keys.layer2.fill(0);
      process.exit(0);
    }
    if ("jws" in message) {
      const results = message.jws.map((job) => {
        const cacheKey = `${job.alg}:${job.publicKey}`;
        let key = jwsKeys.get(cacheKey);
        if (key === undefined) {
          key = importJwsDeviceKey(job.alg, Buffer.from(job.publicKey, "hex")).keyObject;
          if (jwsKeys.size > 100_000) jwsKeys.clear();
          jwsKeys.set(cacheKey, key);
        }
        return verifyJwsSignature(job.alg, key, job.signingInput, job.signature);
      });
      parentPort!.postMessage({ id: message.id, results });
      return;
    }
    // One transferable buffer for the whole chunk's envelopes (transferring one small buffer per reading costs more than the copy).
    const count = message.jobs.length;
    const sealed: (Uint8Array | undefined)[] = new Array<Uint8Array | undefined>(count);
    const proofHashes: string[] = new Array<string>(count).fill("");
    let total = 0;
    message.jobs.forEach((job, i) => {
      let key = publicKeys.get(job.publicKey);
      if (key === undefined) {
        key = importDevicePublicKey(job.publicKey);
        if (publicKeys.size > 100_000) publicKeys.clear();
        publicKeys.set(job.publicKey, key);
      }
      const bytes = Buffer.from(job.data, job.encoding);
      if (!verifyReadingSignature({ publicKey: key, deviceId: job.deviceId, counter: job.counter, data: bytes, signatureHex: job.signature })) return;
      const envelope = sealEnvelope({ keys, deviceId: job.deviceId, counter: job.counter, plaintext: bytes, engine: init.engine });
      bytes.fill(0);
      sealed[i] = envelope;
      proofHashes[i] = proofHashOf(envelope);
      total += envelope.length;
    });
    const sizes = new Uint32Array(count);
    const envelopes = new Uint8Array(total);
    let offset = 0;
    sealed.forEach((envelope, i) => {
      if (envelope === undefined) return;
      envelopes.set(envelope, offset);
      sizes[i] = envelope.length;
      offset += envelope.length;
    });
    const packed: PackedCryptoResults = { sizes, envelopes, proofHashes };
    parentPort!.postMessage({ id: message.id, results: packed }, [envelopes.buffer]);
  });
  parentPort!.postMessage({ ready: true });
}

// Inert when imported (mocha loads every file it is given); acts only as a worker.
if (parentPort !== null && (workerData as { lcoreCryptoWorker?: boolean } | null)?.lcoreCryptoWorker === true) run();
