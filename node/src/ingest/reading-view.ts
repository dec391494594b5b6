// What GET /readings/:id (and node.getReading) shows: status, commitment
// receipt, and for batched readings the batch and the Merkle inclusion proof
// that the contract's verifyInclusion accepts.
import type { Hex } from "viem";

import { openEnvelope, type CryptoEngine } from "../crypto/envelope.js";
import type { Keyring } from "../crypto/keyring.js";
import { ReadingNotFoundError } from "../errors/request.js";
import { buildMerkleTree, getMerkleProof } from "../merkle/merkle-tree.js";
import type { Store } from "../store/index.js";

export interface ReadingView {
  id: number;
  device_id: string;
  counter: number;
  proof_hash: string;
  key_id: string;
  mode: "proof" | "batch" | "legacy";
  status: "pending" | "batched" | "committed" | "failed";
  tx_hash: string | null;
  block_number: number | null;
  gas_used: number | null;
  received_at: string;
  committed_at: string | null;
  envelope_bytes: number;
  batch: null | {
    batch_id: string;
    root: string;
    count: number;
    leaf_index: number;
    merkle_proof: string[];
    status: string;
    gas_used: number | null;
  };
  outbox: null | { status: string; attempts: number; last_error: string | null };
  /** How the device sent it: native Ed25519, a JWS, a gateway's signed batch, or the predecessor's unsigned M1 API. */
  format: "native" | "jws" | "gateway" | "m1";
  /** False for M1 readings: nothing proves which device sent them. */
  authenticated: boolean;
  /** Only for an authorised read with decrypt requested: the data as UTF-8 and as base64. */
  data?: string;
  data_base64?: string;
}

/** Trees of recent batches (a batch's leaves never change once it is closed). */
const treeCache = new Map<string, ReturnType<typeof buildMerkleTree>>();
const TREE_CACHE_SIZE = 32;

async function batchTree(store: Store, batchId: string): Promise<ReturnType<typeof buildMerkleTree>> {
  const key = `${store.name}:${batchId}`;
  let tree = treeCache.get(key);
  if (tree === undefined) {
    tree = buildMerkleTree((await store.readings.batchProofHashes(batchId)) as Hex[]);
    if (treeCache.size >= TREE_CACHE_SIZE) treeCache.delete(treeCache.keys().next().value!);
    treeCache.set(key, tree);
  }
  return tree;
}

export async function viewReading(
  store: Store,
  id: number,
  { decrypt, keyring, engine }: { decrypt?: boolean; keyring?: Keyring; engine?: CryptoEngine } = {},
): Promise<ReadingView> {
  const r = await store.readings.get(id);
  if (r === undefined) throw new ReadingNotFoundError({ id });
  let batch: ReadingView["batch"] = null;
  if (r.batch_id !== null && r.leaf_index !== null) {
    const b = await store.batches.get(r.batch_id);
    const tree = await batchTree(store, r.batch_id);
    batch = {
      batch_id: r.batch_id,
      root: tree.root,
      count: tree.count,
      leaf_index: r.leaf_index,
      merkle_proof: getMerkleProof(tree, r.leaf_index),
      status: b?.status ?? "pending",
      gas_used: b?.gas_used ?? null,
    };
  }
  const outboxRow =
    r.mode === "batch"
      ? r.batch_id === null ? undefined : await store.outbox.getByRef("commit_batch", r.batch_id)
      : await store.outbox.getByRef(r.mode === "proof" ? "commit_proof" : "submit_result", String(r.id));
  const source = await store.deviceFormats.source(r.id);
  const view: ReadingView = {
    id: r.id,
    device_id: r.device_id,
    counter: r.counter,
    proof_hash: r.proof_hash,
    key_id: r.key_id,
    mode: r.mode,
    status: r.status,
    tx_hash: r.tx_hash,
    block_number: r.block_number,
    gas_used: r.gas_used,
    received_at: new Date(r.received_at).toISOString(),
    committed_at: r.committed_at === null ? null : new Date(r.committed_at).toISOString(),
    envelope_bytes: r.envelope.length,
    batch,
    outbox: outboxRow === undefined ? null : { status: outboxRow.status, attempts: outboxRow.attempts, last_error: outboxRow.last_error },
    format: source?.format ?? "native",
    authenticated: source === undefined || source.authenticated === 1,
  };
  if (decrypt === true && keyring !== undefined) {
    const plain = openEnvelope({ keyring, deviceId: r.device_id, counter: r.counter, envelope: r.envelope, engine: engine ?? "noble" });
    view.data = Buffer.from(plain).toString("utf8");
    view.data_base64 = Buffer.from(plain).toString("base64");
    plain.fill(0);
  }
  return view;
}
