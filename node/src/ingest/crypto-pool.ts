// A small pool of worker threads for the ingest crypto (Ed25519 verify, two
// AEAD layers, SHA-256). Jobs go out in chunks, round-robin; each chunk's
// results come back in order. Used by IngestService when ingestWorkers > 0.
import { Worker } from "node:worker_threads";

import type { CryptoEngine } from "../crypto/envelope.js";
import type { DataKeys } from "../crypto/keyring.js";
import { unpackCryptoResults, type CryptoJob, type CryptoJobResult, type CryptoWorkerInit, type JwsVerifyJob, type PackedCryptoResults } from "./crypto-worker.js";

const WORKER_URL = new URL(`./crypto-worker.${import.meta.url.endsWith(".ts") ? "ts" : "js"}`, import.meta.url);

export class CryptoPool {
  readonly #workers: Worker[] = [];
  readonly #pending = new Map<number, { resolve: (r: never) => void; reject: (e: unknown) => void }>();
  #nextId = 1;
  readonly #ready: Promise<void>[] = [];

  constructor(size: number, keys: DataKeys, engine: CryptoEngine) {
    for (let i = 0; i < size; i++) {
      const init: CryptoWorkerInit & { lcoreCryptoWorker: true } = {
        keys: { keyId: keys.keyId, keyIdHex: keys.keyIdHex, layer1: keys.layer1, layer2: keys.layer2 },
        engine,
        lcoreCryptoWorker: true,
      };
      const worker = new Worker(WORKER_URL, {
        workerData: init,
        // TypeScript sources run through tsx in workers too (resolved here, so any cwd works).
        execArgv: WORKER_URL.pathname.endsWith(".ts") ? ["--import", import.meta.resolve("tsx")] : [],
      });
      this.#ready.push(
        new Promise<void>((resolve, reject) => {
          worker.once("message", () => resolve());
          worker.once("error", reject);
        }),
      );
      worker.on("message", (m: { id: number; results: never } | { ready: true }) => {
        if (!("id" in m)) return;
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (this.#pending.size === 0) this.#setRef(false);
        p?.resolve(m.results);
      });
      worker.on("error", (e) => {
        for (const p of this.#pending.values()) p.reject(e);
        this.#pending.clear();
      });
      this.#workers.push(worker);
    }
  }

  /** Resolves once every worker has loaded (jobs sent earlier simply wait). */
  async ready(): Promise<void> {
    await Promise.all(this.#ready);
    if (this.#pending.size === 0) this.#setRef(false);
  }

  /** Idle workers do not keep the process alive; workers with jobs do. */
  #setRef(on: boolean): void {
    for (const w of this.#workers) {
      if (on) w.ref();
      else w.unref();
    }
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Runs one chunk of jobs on worker `index` (results in job order). */
  async runOn(index: number, jobs: CryptoJob[]): Promise<CryptoJobResult[]> {
    return unpackCryptoResults(await this.#post<PackedCryptoResults>(index, { jobs }));
  }

  /** Checks one chunk of JWS signatures on worker `index` (true when one verifies, in job order). */
  runJwsOn(index: number, jws: JwsVerifyJob[]): Promise<boolean[]> {
    return this.#post<boolean[]>(index, { jws });
  }

  #post<R>(index: number, body: { jobs: CryptoJob[] } | { jws: JwsVerifyJob[] }): Promise<R> {
    const id = this.#nextId++;
    const worker = this.#workers[index % this.#workers.length]!;
    return new Promise<R>((resolve, reject) => {
      if (this.#pending.size === 0) this.#setRef(true);
      this.#pending.set(id, { resolve: resolve as (r: never) => void, reject });
      worker.postMessage({ id, ...body });
    });
  }

  async close(): Promise<void> {
    this.#setRef(true); // keep the process alive until every worker has exited
    await Promise.all(
      this.#workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once("exit", () => resolve());
            w.postMessage("close");
          }),
      ),
    );
  }
}
