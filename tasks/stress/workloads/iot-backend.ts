// The seam between the IoT workload and whatever ingests readings: the
// embedded node (encrypts, stores, commits through its outbox) or, when the
// node is not available, a direct path that does the same steps in process.
import type { Abi, Address, Chain, Hex, PublicClient, Transport } from "viem";

import type { SimDevice, SimReading } from "./iot-devices.js";

export type CommitMode = "proof" | "batch" | "legacy";

export interface CommitInfo {
  /** Transaction that put the reading's commitment on chain. */
  readonly txHash: string;
  /** The reading's share of that transaction's gas. */
  readonly gasShare: bigint;
}

export interface IotBackendStats {
  readonly readingsCommitted: number;
  readonly commitTransactions: number;
  readonly commitGasUsed: bigint;
  readonly batches: number;
}

export interface IotBackend {
  /** "node" (through the embedded node) or "direct" (in-process fallback). */
  readonly kind: string;
  readonly commitMode: CommitMode;
  /** Registers a device with the node and on chain; resolves once the registration is confirmed. */
  registerDevice(device: SimDevice): Promise<{ txHash: string; gasUsed?: bigint | undefined }>;
  /**
   * Submits a signed reading. `accepted` resolves when the node has stored it
   * (rejects with the node's error); `committed` when its commitment is on chain.
   */
  submitReading(reading: SimReading): { accepted: Promise<void>; committed: Promise<CommitInfo> };
  /** Commits whatever is still pending (e.g. a partial batch) and waits for it, at most `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** Re-checks up to `sample` committed readings against the contract; returns how many matched. */
  verifyOnChain(sample: number): Promise<number>;
  stats(): IotBackendStats;
  close(): Promise<void>;
}

/** A committed reading as a backend remembers it, enough to re-check it on chain. */
export interface CommittedReadingRef {
  readonly proofHash: Hex;
  /** Batched readings: the batch, the leaf index and the Merkle proof. */
  readonly batchId?: Hex;
  readonly index?: number;
  readonly proof?: Hex[];
}

/**
 * Re-checks an evenly spread sample of at most `sample` committed readings
 * against the contract (`verifyInclusion` for batched readings, `getResult`
 * for legacy ones, `isProofCommitted` otherwise); returns how many matched.
 * A read that fails counts as not verified.
 */
export async function verifyCommittedSample(parameters: {
  client: PublicClient<Transport, Chain>;
  address: Address;
  abi: Abi;
  commitMode: CommitMode;
  committed: readonly CommittedReadingRef[];
  sample: number;
}): Promise<number> {
  const { client, address, abi, commitMode, committed, sample } = parameters;
  const step = Math.max(1, Math.floor(committed.length / Math.max(1, sample)));
  let ok = 0;
  for (let i = 0; i < committed.length && i / step < sample; i += step) {
    const ref = committed[i]!;
    try {
      if (ref.batchId !== undefined) {
        if ((await client.readContract({ address, abi, functionName: "verifyInclusion", args: [ref.batchId, ref.proofHash, ref.index, ref.proof] })) === true) ok++;
      } else if (commitMode === "legacy") {
        const result = (await client.readContract({ address, abi, functionName: "getResult", args: [ref.proofHash] })) as readonly unknown[];
        if (result[1] === ref.proofHash) ok++;
      } else if ((await client.readContract({ address, abi, functionName: "isProofCommitted", args: [ref.proofHash] })) === true) {
        ok++;
      }
    } catch {
      // counted as not verified
    }
  }
  return ok;
}
