// Merkle trees over reading proof hashes, built exactly as MVPIoTProcessor's
// on-chain `verifyInclusion` checks them (docs/contract-interface.sol):
// domain-separated keccak256 leaves and nodes, positional pairs, and an odd
// last node promoted unchanged (never duplicated, so no CVE-2012-2459 style
// second preimage). The leaf count is part of the commitment.
// Hashing works on bytes with @noble/hashes' keccak_256 (one 33- or 65-byte
// input buffer per hash, hex only at the API edge): the commit loop builds a
// tree over every batch, so this is on the ingest path's CPU budget.
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, hexToBytes, type Hex } from "viem";

function asBytes32(label: string, value: Hex | Uint8Array): Uint8Array {
  const bytes = typeof value === "string" ? hexToBytes(value) : value;
  if (bytes.length !== 32) {
    throw new RangeError(`"${label}" expected 32 bytes, got ${bytes.length}`);
  }
  return bytes;
}

/** keccak256(0x00 || proofHash), as bytes. */
function leafBytes(proofHash: Uint8Array): Uint8Array {
  const input = new Uint8Array(33);
  input.set(proofHash, 1);
  return keccak_256(input);
}

/** keccak256(0x01 || left || right), as bytes. */
function nodeBytes(left: Uint8Array, right: Uint8Array): Uint8Array {
  const input = new Uint8Array(65);
  input[0] = 0x01;
  input.set(left, 1);
  input.set(right, 33);
  return keccak_256(input);
}

/** Hash of a leaf: keccak256(0x00 || proofHash). */
export function hashLeaf(proofHash: Hex | Uint8Array): Hex {
  return bytesToHex(leafBytes(asBytes32("proofHash", proofHash)));
}

/** Hash of an inner node: keccak256(0x01 || left || right). */
export function hashNode(left: Hex, right: Hex): Hex {
  return bytesToHex(nodeBytes(asBytes32("left", left), asBytes32("right", right)));
}

/** One level up: pairs (0,1), (2,3)...; an odd last node is promoted. */
function nextLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const up: Uint8Array[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i]!;
    const right = level[i + 1];
    up.push(right === undefined ? left : nodeBytes(left, right));
  }
  return up;
}

/** A built tree: every level from the leaf hashes (level 0) up to the root. */
export interface MerkleTree {
  readonly count: number;
  readonly root: Hex;
  readonly levels: readonly (readonly Hex[])[];
}

/**
 * Builds the tree over `proofHashes` (in order).
 * @throws RangeError when the list is empty or an element is not 32 bytes.
 */
export function buildMerkleTree(proofHashes: readonly Hex[]): MerkleTree {
  if (proofHashes.length === 0) throw new RangeError('"proofHashes" expected at least one leaf, got 0');
  const levels: Uint8Array[][] = [proofHashes.map((p) => leafBytes(asBytes32("proofHash", p)))];
  while (levels[levels.length - 1]!.length > 1) {
    levels.push(nextLevel(levels[levels.length - 1]!));
  }
  const hexLevels = levels.map((level) => level.map((h) => bytesToHex(h)));
  return { count: proofHashes.length, root: hexLevels[hexLevels.length - 1]![0]!, levels: hexLevels };
}

/** The root alone (what the commit loop needs): the same value as buildMerkleTree(proofHashes).root. */
export function merkleRoot(proofHashes: readonly Hex[]): Hex {
  if (proofHashes.length === 0) throw new RangeError('"proofHashes" expected at least one leaf, got 0');
  let level = proofHashes.map((p) => leafBytes(asBytes32("proofHash", p)));
  while (level.length > 1) level = nextLevel(level);
  return bytesToHex(level[0]!);
}

/** The inclusion proof of leaf `index`: siblings bottom-up, promoted levels skipped. */
export function getMerkleProof(tree: MerkleTree, index: number): Hex[] {
  if (!Number.isInteger(index) || index < 0 || index >= tree.count) {
    throw new RangeError(`"index" expected an integer in [0, ${tree.count}), got ${index}`);
  }
  const proof: Hex[] = [];
  let i = index;
  for (const level of tree.levels.slice(0, -1)) {
    const promoted = i % 2 === 0 && i === level.length - 1;
    if (!promoted) proof.push(level[i % 2 === 0 ? i + 1 : i - 1]!);
    i >>= 1;
  }
  return proof;
}

/** Checks an inclusion proof the way the contract does. Never throws on bad input; returns false. */
export function verifyMerkleProof(parameters: {
  root: Hex;
  count: number;
  index: number;
  proofHash: Hex;
  proof: readonly Hex[];
}): boolean {
  const { root, count, index, proofHash, proof } = parameters;
  if (!Number.isInteger(count) || !Number.isInteger(index) || index < 0 || index >= count) return false;
  let h: Hex;
  try {
    h = hashLeaf(proofHash);
  } catch {
    return false;
  }
  let i = index;
  let n = count;
  let k = 0;
  while (n > 1) {
    if (!(i % 2 === 0 && i === n - 1)) {
      const sibling = proof[k++];
      if (sibling === undefined) return false;
      h = i % 2 === 0 ? hashNode(h, sibling) : hashNode(sibling, h);
    }
    i >>= 1;
    n = (n + 1) >> 1;
  }
  return k === proof.length && h.toLowerCase() === root.toLowerCase();
}

