// The verifier: re-checks the store (SQLite or PostgreSQL) against the chain. For every stored reading
// it recomputes the proof hash from the stored envelope, then checks the
// chain: the proof record (proof mode), the batch root + Merkle inclusion,
// locally and through the contract's verifyInclusion (batch mode), or the
// stored ciphertext and proof hash (legacy mode). Returns every mismatch.
import type { Hex } from "viem";

import type { ChainClients } from "../chain/clients.js";
import { readBatch, verifyInclusionOnChain, type ReadBatchReturnType } from "../chain/read-batch.js";
import { readProof } from "../chain/read-proof.js";
import { readResult } from "../chain/read-result.js";
import { proofHashOf } from "../crypto/proof-hash.js";
import { buildMerkleTree, getMerkleProof, verifyMerkleProof, type MerkleTree } from "../merkle/merkle-tree.js";
import type { Store } from "../store/index.js";
import type { ReadingRow } from "../store/readings-repository.js";

export interface Mismatch {
  readingId: number;
  proofHash: string;
  reason: string;
}

export interface VerifyReport {
  checked: number;
  verified: number;
  /** Readings not committed yet (pending / batched), not counted as mismatches. */
  uncommitted: number;
  /** Readings the outbox gave up on (status failed). */
  failed: number;
  mismatches: Mismatch[];
}

export interface VerifyReadingsParameters {
  /** Also ask the contract's verifyInclusion for batched readings (one eth_call each). Default true. */
  onChainInclusion?: boolean;
  /** Stop after this many readings (bounded work). Default: all. */
  limit?: number;
  /** Readings checked concurrently. */
  concurrency?: number;
}

export async function verifyReadings(
  store: Store,
  clients: ChainClients,
  { onChainInclusion = true, limit = Number.MAX_SAFE_INTEGER, concurrency = 16 }: VerifyReadingsParameters = {},
): Promise<VerifyReport> {
  const report: VerifyReport = { checked: 0, verified: 0, uncommitted: 0, failed: 0, mismatches: [] };
  const batches = new Map<string, Promise<{ chain: ReadBatchReturnType; tree: MerkleTree; stored: { root: string; count: number } | undefined }>>();
  const { publicClient: client, contractAddress: address } = clients;
  const deviceChainId = new Map<string, string>();

  const batchInfo = (batchId: string) => {
    let p = batches.get(batchId);
    if (p === undefined) {
      p = (async () => ({
        chain: await readBatch(client, { address, batchId: batchId as Hex }),
        tree: buildMerkleTree((await store.readings.batchProofHashes(batchId)) as Hex[]),
        stored: await store.batches.get(batchId),
      }))();
      batches.set(batchId, p);
    }
    return p;
  };

  const check = async (r: ReadingRow): Promise<string | undefined> => {
    const recomputed = proofHashOf(r.envelope);
    if (recomputed !== r.proof_hash) return `stored envelope hashes to ${recomputed}, not the stored proof hash`;
    if (r.mode === "proof") {
      const p = await readProof(client, { address, proofHash: r.proof_hash as Hex });
      if (p.timestamp === 0n) return "proof hash not committed on chain";
      let chainId = deviceChainId.get(r.device_id);
      if (chainId === undefined) {
        chainId = (await store.devices.get(r.device_id))?.chain_device_id ?? "";
        deviceChainId.set(r.device_id, chainId);
      }
      if (p.deviceId.toLowerCase() !== chainId.toLowerCase()) return `chain records device ${p.deviceId}, SQLite ${chainId}`;
      if (r.block_number !== null && Number(p.blockNumber) !== r.block_number) return `chain block ${p.blockNumber}, SQLite block ${r.block_number}`;
      return undefined;
    }
    if (r.mode === "batch") {
      if (r.batch_id === null || r.leaf_index === null) return "committed reading without batch";
      const b = await batchInfo(r.batch_id);
      if (b.chain.timestamp === 0n) return `batch ${r.batch_id} not committed on chain`;
      if (b.chain.root !== b.tree.root || b.chain.count !== b.tree.count) return `batch ${r.batch_id}: chain root/count differ from the tree rebuilt from SQLite`;
      if (b.stored !== undefined && (b.stored.root !== b.chain.root || b.stored.count !== b.chain.count)) return `batch ${r.batch_id}: stored root/count differ from chain`;
      const proof = getMerkleProof(b.tree, r.leaf_index);
      const ok = verifyMerkleProof({ root: b.chain.root, count: b.chain.count, index: r.leaf_index, proofHash: r.proof_hash as Hex, proof });
      if (!ok) return "Merkle inclusion proof does not verify against the chain root";
      if (onChainInclusion) {
        const onChain = await verifyInclusionOnChain(client, { address, batchId: r.batch_id as Hex, proofHash: r.proof_hash as Hex, index: r.leaf_index, proof });
        if (!onChain) return "contract's verifyInclusion refused the proof";
      }
      return undefined;
    }
    const res = await readResult(client, { address, taskId: r.proof_hash as Hex });
    if (res.timestamp === 0n) return "result not submitted on chain";
    if (res.proofHash !== r.proof_hash) return "chain proof hash differs";
    if (Buffer.compare(Buffer.from(res.encryptedResult), Buffer.from(r.envelope)) !== 0) return "chain ciphertext differs from the stored envelope";
    return undefined;
  };

  let after = 0;
  while (report.checked + report.uncommitted + report.failed < limit) {
    const page = await store.readings.page(after, Math.min(500, limit));
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    const committed: ReadingRow[] = [];
    for (const r of page) {
      if (r.status === "committed") committed.push(r);
      else if (r.status === "failed") report.failed++;
      else report.uncommitted++;
    }
    for (let i = 0; i < committed.length; i += concurrency) {
      const slice = committed.slice(i, i + concurrency);
      const reasons = await Promise.all(slice.map((r) => check(r).catch((e: unknown) => `check failed: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`)));
      slice.forEach((r, k) => {
        report.checked++;
        const reason = reasons[k];
        if (reason === undefined) report.verified++;
        else report.mismatches.push({ readingId: r.id, proofHash: r.proof_hash, reason });
      });
    }
  }
  return report;
}
