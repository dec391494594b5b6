//! Merkle rules shared with the TypeScript side (`node/src/merkle/merkle-tree.ts`).
//!
//! - `leaf(p) = keccak256(0x00 || p)` where `p` is a proof hash.
//! - `node(l, r) = keccak256(0x01 || l || r)`.
//! - A level of `n` nodes pairs `(0, 1), (2, 3), ...`; when `n` is odd the last
//!   node is promoted unchanged, so a proof skips that level.
//! - The root of a one-leaf tree is `leaf(p)`.
//!
//! The 0x00 / 0x01 domain bytes keep a leaf from ever being read as an inner
//! node (second-preimage safety). Hashing uses [`stylus_sdk::crypto::keccak`],
//! which maps to the `native_keccak256` host function in WASM.

use alloy_primitives::B256;
use stylus_sdk::crypto::keccak;

/// Domain byte in front of a leaf's proof hash.
pub const LEAF_PREFIX: u8 = 0x00;
/// Domain byte in front of two child hashes.
pub const NODE_PREFIX: u8 = 0x01;

/// Hashes a proof hash into a leaf: `keccak256(0x00 || proof_hash)`.
pub fn hash_leaf(proof_hash: B256) -> B256 {
    let mut buf = [0u8; 33];
    buf[0] = LEAF_PREFIX;
    buf[1..].copy_from_slice(proof_hash.as_slice());
    keccak(buf)
}

/// Hashes two children into their parent: `keccak256(0x01 || left || right)`.
pub fn hash_node(left: B256, right: B256) -> B256 {
    let mut buf = [0u8; 65];
    buf[0] = NODE_PREFIX;
    buf[1..33].copy_from_slice(left.as_slice());
    buf[33..].copy_from_slice(right.as_slice());
    keccak(buf)
}

/// True when `proof_hash` is leaf `index` of a tree of `count` leaves whose root is `root`.
///
/// `proof` lists the siblings from the bottom up, skipping levels where the node
/// is promoted. The check fails (returns `false`, never panics) when the index is
/// out of range, a sibling is missing, a sibling is left over, or the root differs.
pub fn verify_inclusion(
    root: B256,
    count: u32,
    proof_hash: B256,
    index: u32,
    proof: &[B256],
) -> bool {
    if index >= count {
        return false;
    }
    let mut hash = hash_leaf(proof_hash);
    let mut i = index;
    let mut n = count;
    let mut siblings = proof.iter();
    while n > 1 {
        let left = i & 1 == 0;
        let promoted = left && i == n - 1;
        if !promoted {
            let Some(&sibling) = siblings.next() else {
                return false;
            };
            hash = if left {
                hash_node(hash, sibling)
            } else {
                hash_node(sibling, hash)
            };
        }
        i >>= 1;
        n = n.div_ceil(2);
    }
    siblings.next().is_none() && hash == root
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{b256, B256};

    use super::*;
    use crate::testing::{merkle_vectors, number, word, words};

    #[test]
    fn hashes_a_leaf_like_the_typescript_side() {
        let v = merkle_vectors();
        let leaf = &v["hashes"]["leaf"];
        assert_eq!(hash_leaf(word(&leaf["input"])), word(&leaf["output"]));
    }

    #[test]
    fn hashes_a_node_like_the_typescript_side() {
        let v = merkle_vectors();
        let node = &v["hashes"]["node"];
        assert_eq!(
            hash_node(word(&node["left"]), word(&node["right"])),
            word(&node["output"])
        );
    }

    #[test]
    fn accepts_every_leaf_of_every_shared_tree() {
        let v = merkle_vectors();
        let trees = v["trees"].as_array().expect("trees is an array");
        assert!(!trees.is_empty());
        let mut checked = 0;
        for tree in trees {
            let count = number(&tree["count"]);
            let root = word(&tree["root"]);
            let leaves = words(&tree["leaves"]);
            let proofs = tree["proofs"].as_array().expect("proofs is an array");
            assert_eq!(leaves.len(), count as usize);
            for (index, (leaf, proof)) in leaves.iter().zip(proofs).enumerate() {
                let index = u32::try_from(index).expect("index fits in u32");
                assert!(
                    verify_inclusion(root, count, *leaf, index, &words(proof)),
                    "leaf {index} of the {count}-leaf tree"
                );
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} leaves checked");
    }

    #[test]
    fn rejects_every_invalid_shared_case() {
        let v = merkle_vectors();
        let cases = v["invalid"].as_array().expect("invalid is an array");
        assert!(!cases.is_empty());
        for case in cases {
            assert!(
                !verify_inclusion(
                    word(&case["root"]),
                    number(&case["count"]),
                    word(&case["leaf"]),
                    number(&case["index"]),
                    &words(&case["proof"]),
                ),
                "{}",
                case["why"]
            );
        }
    }

    #[test]
    fn rejects_a_valid_proof_checked_against_the_wrong_count() {
        let v = merkle_vectors();
        let tree = &v["trees"][4];
        let count = number(&tree["count"]);
        let root = word(&tree["root"]);
        let last = count - 1;
        let leaf = word(&tree["leaves"][last as usize]);
        let proof = words(&tree["proofs"][last as usize]);
        assert!(verify_inclusion(root, count, leaf, last, &proof));
        assert!(!verify_inclusion(root, count + 1, leaf, last, &proof));
    }

    #[test]
    fn treats_a_single_leaf_tree_root_as_the_leaf_hash() {
        let p = b256!("0x5bc60aca312f7fcfc3cf38adda2f7a6d91b333f11e716fab762cd6772ad9d2a8");
        assert!(verify_inclusion(hash_leaf(p), 1, p, 0, &[]));
        assert!(!verify_inclusion(p, 1, p, 0, &[]));
    }

    #[test]
    fn rejects_an_empty_tree() {
        assert!(!verify_inclusion(B256::ZERO, 0, B256::ZERO, 0, &[]));
    }
}
