// The in-process IoT path, used when the embedded node is not available:
// verifies the device signature and seals the reading with the node's own
// crypto (Ed25519 check, AES-256-GCM then XChaCha20-Poly1305 envelope under a
// throwaway key), takes SHA-256 of the final ciphertext as the proof hash
// (the predecessor's scheme), but skips SQLite and the outbox, and commits
// it per reading (commitProof), in Merkle batches (commitBatch) or the
// predecessor's way (submitResult with the ciphertext).
import type { Abi, Hex, LocalAccount } from "viem";

import { randomBytes } from "node:crypto";

import { encodeFunctionData, keccak256, toHex } from "viem";

import { importDevicePublicKey, verifyReadingSignature } from "../../../node/src/crypto/device-signature.js";
import { sealEnvelope } from "../../../node/src/crypto/envelope.js";
import { Keyring } from "../../../node/src/crypto/keyring.js";
import { proofHashOf } from "../../../node/src/crypto/proof-hash.js";
import { buildMerkleTree, getMerkleProof } from "../../../node/src/merkle/merkle-tree.js";
import { SendFailedError, WalletPool, type ChainSender } from "../engine/chain-sender.js";
import { verifyCommittedSample, type CommittedReadingRef, type CommitInfo, type CommitMode, type IotBackend, type IotBackendStats } from "./iot-backend.js";
import type { SimDevice, SimReading } from "./iot-devices.js";

interface PendingReading {
  readonly proofHash: Hex;
  readonly deviceId: Hex;
  readonly resolve: (info: CommitInfo) => void;
  readonly reject: (error: Error) => void;
}

export interface DirectBackendParameters {
  readonly sender: ChainSender;
  readonly contract: Hex;
  readonly abi: Abi;
  readonly operators: readonly LocalAccount[];
  readonly commitMode: CommitMode;
  /** Batch mode: commit when this many readings wait, or after batchWaitMs. */
  readonly batchSize: number;
  readonly batchWaitMs: number;
  readonly runTag: string;
}

export class DirectIotBackend implements IotBackend {
  readonly kind = "direct";
  readonly commitMode: CommitMode;
  readonly #p: DirectBackendParameters;
  readonly #operators: WalletPool<LocalAccount>;
  /** Throwaway data keys: this backend keeps no ciphertext, so nothing needs decrypting later. */
  readonly #keyring = new Keyring(randomBytes(32));
  #pending: PendingReading[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #committed: CommittedReadingRef[] = [];
  #batchSeq = 0;
  #stats = { readingsCommitted: 0, commitTransactions: 0, commitGasUsed: 0n, batches: 0 };

  constructor(params: DirectBackendParameters) {
    this.#p = params;
    this.commitMode = params.commitMode;
    this.#operators = new WalletPool<LocalAccount>(params.operators);
    if (this.#operators.size === 0) throw new Error("IoT commits need at least one iot_operator wallet");
  }

  async #call(functionName: string, args: readonly unknown[]): Promise<{ hash: Hex; gasUsed: bigint }> {
    const data = encodeFunctionData({ abi: this.#p.abi, functionName, args });
    return await this.#operators.with(async (operator) => {
      const { hash, receipt } = await this.#p.sender.send({ from: operator, to: this.#p.contract, data });
      return { hash, gasUsed: receipt.gasUsed };
    });
  }

  async registerDevice(device: SimDevice): Promise<{ txHash: string; gasUsed?: bigint }> {
    const { hash, gasUsed } = await this.#call("registerDevice", [device.deviceId, device.owner]);
    device.registered = true;
    return { txHash: hash, gasUsed };
  }

  #seal(reading: SimReading): Uint8Array {
    return sealEnvelope({
      keys: this.#keyring.current,
      deviceId: reading.device.name,
      counter: reading.counter,
      plaintext: reading.data,
      engine: "openssl",
    });
  }

  submitReading(reading: SimReading): { accepted: Promise<void>; committed: Promise<CommitInfo> } {
    const { device } = reading;
    const publicKey = importDevicePublicKey(device.publicKeyHex);
    if (!verifyReadingSignature({ publicKey, deviceId: device.name, counter: reading.counter, data: reading.data, signatureHex: reading.signatureHex })) {
      const error = new Error(`bad signature from ${device.name}`);
      return { accepted: Promise.reject(error), committed: Promise.reject(error) };
    }
    const sealed = this.#seal(reading);
    const proofHash = proofHashOf(sealed);
    let committed: Promise<CommitInfo>;
    if (this.commitMode === "batch") {
      committed = new Promise<CommitInfo>((resolve, reject) => {
        this.#pending.push({ proofHash, deviceId: device.deviceId, resolve, reject });
      });
      if (this.#pending.length >= this.#p.batchSize) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#p.batchWaitMs);
    } else {
      committed = this.#track(
        (async () => {
          const { hash, gasUsed } =
            this.commitMode === "proof"
              ? await this.#call("commitProof", [proofHash, device.deviceId])
              : await this.#call("submitResult", [proofHash, [...sealed], proofHash]);
          this.#note(1, gasUsed);
          this.#committed.push({ proofHash });
          return { txHash: hash, gasShare: gasUsed };
        })(),
      );
    }
    return { accepted: Promise.resolve(), committed };
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    const settled: Promise<void> = promise.then(
      () => undefined,
      () => undefined,
    );
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
    return promise;
  }

  #note(readings: number, gasUsed: bigint): void {
    this.#stats.readingsCommitted += readings;
    this.#stats.commitTransactions++;
    this.#stats.commitGasUsed += gasUsed;
  }

  /** Commits the waiting readings as one Merkle batch. */
  #flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    const tree = buildMerkleTree(batch.map((r) => r.proofHash));
    const batchId = keccak256(toHex(`batch:${this.#p.runTag}:${++this.#batchSeq}`));
    void this.#track(
      (async () => {
        try {
          const { hash, gasUsed } = await this.#call("commitBatch", [batchId, tree.root, batch.length]);
          this.#note(batch.length, gasUsed);
          this.#stats.batches++;
          const share = gasUsed / BigInt(batch.length);
          batch.forEach((r, index) => {
            this.#committed.push({ proofHash: r.proofHash, batchId, index, proof: getMerkleProof(tree, index) });
            r.resolve({ txHash: hash, gasShare: share });
          });
        } catch (error) {
          const failure = error instanceof Error ? error : new Error(String(error));
          for (const r of batch) r.reject(failure instanceof SendFailedError ? failure : new Error(failure.message));
        }
      })(),
    );
  }

  async drain(timeoutMs: number): Promise<void> {
    this.#flush();
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.all([...this.#inFlight]), deadline]);
  }

  async verifyOnChain(sample: number): Promise<number> {
    return await verifyCommittedSample({
      client: this.#p.sender.context.publicClient,
      address: this.#p.contract,
      abi: this.#p.abi,
      commitMode: this.commitMode,
      committed: this.#committed,
      sample,
    });
  }

  stats(): IotBackendStats {
    return { ...this.#stats };
  }

  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
