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
    const results: CryptoJobResult[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const job of message.jobs) {
      let key = publicKeys.get(job.publicKey);
      if (key === undefined) {
        key = importDevicePublicKey(job.publicKey);
        if (publicKeys.size > 100_000) publicKeys.clear();
        publicKeys.set(job.publicKey, key);
      }
      const bytes = Buffer.from(job.data, job.encoding);
      if (!verifyReadingSignature({ publicKey: key, deviceId: job.deviceId, counter: job.counter, data: bytes, signatureHex: job.signature })) {
        results.push({ ok: false });
        continue;
      }
      const envelope = sealEnvelope({ keys, deviceId: job.deviceId, counter: job.counter, plaintext: bytes, engine: init.engine });
      bytes.fill(0);
      results.push({ ok: true, envelope, proofHash: proofHashOf(envelope) });
      transfer.push(envelope.buffer as ArrayBuffer);
    }
    parentPort!.postMessage({ id: message.id, results }, transfer);
  });
  parentPort!.postMessage({ ready: true });
}

// Inert when imported (mocha loads every file it is given); acts only as a worker.
if (parentPort !== null && (workerData as { lcoreCryptoWorker?: boolean } | null)?.lcoreCryptoWorker === true) run();
