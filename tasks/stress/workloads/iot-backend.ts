// The seam between the IoT workload and whatever ingests readings: the
// embedded node (encrypts, stores, commits through its outbox) or, when the
// node is not available, a direct path that does the same steps in process.
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
