// The TypeScript Merkle tree against the shared vectors (also read by the Rust tests).
import { readFileSync } from "node:fs";

import { expect } from "chai";
import type { Hex } from "viem";

import { buildMerkleTree, getMerkleProof, hashLeaf, hashNode, verifyMerkleProof } from "../../../node/src/merkle/merkle-tree.js";

interface Vectors {
  hashes: { leaf: { input: Hex; output: Hex }; node: { left: Hex; right: Hex; output: Hex } };
  trees: { count: number; leaves: Hex[]; root: Hex; proofs: Hex[][] }[];
  invalid: { why: string; root: Hex; count: number; index: number; leaf: Hex; proof: Hex[] }[];
}
const vectors = JSON.parse(readFileSync(new URL("../../vectors/merkle.json", import.meta.url), "utf8")) as Vectors;

describe("node/merkle: merkle-tree", () => {
  it("hashes leaves and nodes with domain separation", () => {
    expect(hashLeaf(vectors.hashes.leaf.input)).to.equal(vectors.hashes.leaf.output);
    expect(hashNode(vectors.hashes.node.left, vectors.hashes.node.right)).to.equal(vectors.hashes.node.output);
    expect(hashLeaf(vectors.hashes.leaf.input)).to.not.equal(vectors.hashes.leaf.input);
  });

  for (const t of vectors.trees) {
    it(`rebuilds the root and every proof of the ${t.count}-leaf vector`, () => {
      const tree = buildMerkleTree(t.leaves);
      expect(tree.root).to.equal(t.root);
      t.leaves.forEach((leaf, index) => {
        expect(getMerkleProof(tree, index)).to.deep.equal(t.proofs[index]);
        expect(verifyMerkleProof({ root: t.root, count: t.count, index, proofHash: leaf, proof: t.proofs[index]! })).to.equal(true);
      });
    });
  }

  for (const c of vectors.invalid) {
    it(`rejects a proof with ${c.why}`, () => {
      expect(verifyMerkleProof({ root: c.root, count: c.count, index: c.index, proofHash: c.leaf, proof: c.proof })).to.equal(false);
    });
  }

  it("refuses empty trees and bad leaf sizes", () => {
    expect(() => buildMerkleTree([])).to.throw(RangeError, /at least one leaf/);
    expect(() => buildMerkleTree(["0x1234"])).to.throw(RangeError, /32 bytes/);
    expect(() => getMerkleProof(buildMerkleTree([vectors.hashes.leaf.input]), 1)).to.throw(RangeError, /index/);
  });
});
