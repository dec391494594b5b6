// Where JWS signatures are checked: on libuv's threadpool (no crypto
// workers: node:crypto's callback form, off the event loop), or collected for one event-loop turn and sent in chunks to the crypto
// workers (LCORE_NODE_INGEST_WORKERS > 0), so ES256K / ES256 verification,
// the expensive part of a JWS reading, uses every core the node is given.
import type { CryptoPool } from "../../ingest/crypto-pool.js";
import { verifyJwsSignatureAsync } from "./compact-jws.js";
import type { DeviceKey } from "./device-key.js";

interface Waiting {
  key: DeviceKey;
  signingInput: Buffer;
  signature: Uint8Array;
  resolve: (ok: boolean) => void;
  reject: (e: unknown) => void;
}

const CHUNK = 256;

export class JwsVerifier {
  readonly #pool: CryptoPool | undefined;
  #queue: Waiting[] = [];
  #scheduled = false;
  #next = 0;

  constructor(pool: CryptoPool | undefined) {
    this.#pool = pool !== undefined && pool.size > 0 ? pool : undefined;
  }

  verify = (key: DeviceKey, signingInput: Buffer, signature: Uint8Array): boolean | Promise<boolean> => {
    if (this.#pool === undefined) return verifyJwsSignatureAsync(key.alg, key.keyObject, signingInput, signature);
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ key, signingInput, signature, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#dispatch());
      }
    });
  };

  #dispatch(): void {
    this.#scheduled = false;
    const pool = this.#pool!;
    const queue = this.#queue;
    this.#queue = [];
    for (let i = 0; i < queue.length; i += CHUNK) {
      const chunk = queue.slice(i, i + CHUNK);
      pool
        .runJwsOn(this.#next++ % pool.size, chunk.map((w) => ({ alg: w.key.alg, publicKey: w.key.publicKeyHex, signingInput: w.signingInput, signature: w.signature })))
        .then(
          (results) => chunk.forEach((w, k) => w.resolve(results[k] === true)),
          (error: unknown) => chunk.forEach((w) => w.reject(error)),
        );
    }
  }
}
