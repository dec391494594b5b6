//! Merkle-batch commits: a batch id maps to the root of a tree of `count`
//! proof hashes (see [`crate::merkle`]), with the submitter and when. A batch
//! id is written once. [`Batches::verify_inclusion`] checks a leaf and its
//! proof against a committed root on chain.

use alloy_primitives::{Address, B256, U32, U64};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU32, StorageU64},
};

use crate::merkle;

pub use sol::*;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// A batch of `count` proofs with Merkle root `root` was committed by `submitter`.
        #[derive(Debug, PartialEq, Eq)]
        event BatchCommitted(bytes32 indexed batch_id, bytes32 indexed root, address indexed submitter, uint32 count, uint64 timestamp);

        /// The batch root is zero.
        #[derive(Debug, PartialEq, Eq)]
        error BatchZeroRoot();
        /// The batch holds no leaf.
        #[derive(Debug, PartialEq, Eq)]
        error BatchEmpty();
        /// `batch_id` is already committed.
        #[derive(Debug, PartialEq, Eq)]
        error BatchAlreadyCommitted(bytes32 batch_id);
    }
}

/// Refusals of the batch component.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// The root is zero.
    ZeroRoot(BatchZeroRoot),
    /// The count is zero.
    Empty(BatchEmpty),
    /// The batch id is already committed.
    AlreadyCommitted(BatchAlreadyCommitted),
}

/// One committed batch (root in one slot, count + submitter + timestamp in the next).
#[storage]
pub struct BatchRecord {
    /// Merkle root of the batch; never zero once committed.
    root: StorageB256,
    /// Number of leaves, at least 1.
    count: StorageU32,
    /// The account that committed it.
    submitter: StorageAddress,
    /// Block timestamp of the commit.
    timestamp: StorageU64,
    /// Block number of the commit.
    block_number: StorageU64,
}

/// Batch storage and its counter.
#[storage]
pub struct Batches {
    /// Records by batch id.
    batches: StorageMap<B256, BatchRecord>,
    /// How many batches were committed.
    count: StorageU64,
}

impl Batches {
    /// Stores a batch root. The caller's right is checked by the contract before.
    ///
    /// # Errors
    /// `BatchZeroRoot`, `BatchEmpty`, `BatchAlreadyCommitted`.
    ///
    /// # Events
    /// `BatchCommitted(batch_id, root, submitter, count, timestamp)`.
    pub fn commit(&mut self, batch_id: B256, root: B256, count: u32) -> Result<(), Error> {
        if root.is_zero() {
            return Err(Error::ZeroRoot(BatchZeroRoot {}));
        }
        if count == 0 {
            return Err(Error::Empty(BatchEmpty {}));
        }
        if !self.batches.get(batch_id).root.get().is_zero() {
            return Err(Error::AlreadyCommitted(BatchAlreadyCommitted { batch_id }));
        }
        let submitter = self.vm().msg_sender();
        let timestamp = self.vm().block_timestamp();
        let block_number = self.vm().block_number();
        let mut record = self.batches.setter(batch_id);
        record.root.set(root);
        record.count.set(U32::from(count));
        record.submitter.set(submitter);
        record.timestamp.set(U64::from(timestamp));
        record.block_number.set(U64::from(block_number));
        let total = self.count.get() + U64::from(1);
        self.count.set(total);
        self.vm().log(BatchCommitted {
            batch_id,
            root,
            submitter,
            count,
            timestamp,
        });
        Ok(())
    }

    /// `(root, count, submitter, timestamp, block_number)`; all zero for an unknown batch.
    pub fn get(&self, batch_id: B256) -> (B256, u32, Address, u64, u64) {
        let record = self.batches.get(batch_id);
        (
            record.root.get(),
            record.count.get().to::<u32>(),
            record.submitter.get(),
            record.timestamp.get().to::<u64>(),
            record.block_number.get().to::<u64>(),
        )
    }

    /// True when `proof_hash` is leaf `index` of the committed batch; false for an unknown batch.
    pub fn verify_inclusion(
        &self,
        batch_id: B256,
        proof_hash: B256,
        index: u32,
        proof: &[B256],
    ) -> bool {
        let record = self.batches.get(batch_id);
        let count = record.count.get().to::<u32>();
        merkle::verify_inclusion(record.root.get(), count, proof_hash, index, proof)
    }

    /// How many batches were committed.
    pub fn count(&self) -> u64 {
        self.count.get().to::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, B256};

    use super::*;
    use crate::{
        access::AccessUnauthorized,
        merkle::hash_leaf,
        testing::{
            merkle_vectors, number, word, words, Fixture, ALICE, BLOCK0, BOB, EVE, PROOF, T0,
        },
        Error as ContractError,
    };

    const BATCH: B256 = B256::repeat_byte(0xba);

    #[test]
    fn commits_a_batch_and_emits_batch_committed() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let root = hash_leaf(PROOF);
        f.contract
            .commit_batch(BATCH, root, 1)
            .expect("submitter commits");
        assert_eq!(f.contract.get_batch(BATCH), (root, 1, BOB, T0, BLOCK0));
        assert_eq!(f.contract.totals().2, 1);
        f.assert_emitted_only(BatchCommitted {
            batch_id: BATCH,
            root,
            submitter: BOB,
            count: 1,
            timestamp: T0,
        });
        assert!(f.contract.verify_inclusion(BATCH, PROOF, 0, vec![]));
    }

    #[test]
    fn refuses_a_second_commit_and_keeps_the_first_root() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let root = hash_leaf(PROOF);
        f.contract
            .commit_batch(BATCH, root, 1)
            .expect("first commit");
        f.vm.clear_mocks();
        f.sender(ALICE);
        let err = f
            .contract
            .commit_batch(BATCH, B256::repeat_byte(1), 2)
            .unwrap_err();
        assert!(
            matches!(err, ContractError::BatchAlreadyCommitted(BatchAlreadyCommitted { batch_id }) if batch_id == BATCH),
            "{err:?}"
        );
        assert_eq!(f.contract.get_batch(BATCH), (root, 1, BOB, T0, BLOCK0));
        assert_eq!(f.contract.totals().2, 1);
        f.assert_no_logs();
    }

    #[test]
    fn refuses_a_zero_root() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let err = f.contract.commit_batch(BATCH, B256::ZERO, 1).unwrap_err();
        assert!(matches!(err, ContractError::BatchZeroRoot(_)), "{err:?}");
        f.assert_no_logs();
    }

    #[test]
    fn refuses_an_empty_batch() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let err = f.contract.commit_batch(BATCH, PROOF, 0).unwrap_err();
        assert!(matches!(err, ContractError::BatchEmpty(_)), "{err:?}");
        assert_eq!(f.contract.totals().2, 0);
        f.assert_no_logs();
    }

    #[test]
    fn prevents_strangers_from_committing_batches() {
        let mut f = Fixture::initialized();
        f.sender(EVE);
        let err = f.contract.commit_batch(BATCH, PROOF, 1).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == EVE),
            "{err:?}"
        );
        f.assert_no_logs();
    }

    #[test]
    fn verifies_every_leaf_of_the_shared_vectors_against_committed_batches() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let v = merkle_vectors();
        for (i, tree) in v["trees"].as_array().expect("trees").iter().enumerate() {
            let batch_id = B256::with_last_byte(u8::try_from(i + 1).expect("few trees"));
            let count = number(&tree["count"]);
            f.contract
                .commit_batch(batch_id, word(&tree["root"]), count)
                .expect("commit vector tree");
            let leaves = words(&tree["leaves"]);
            let proofs = tree["proofs"].as_array().expect("proofs");
            for (index, (leaf, proof)) in leaves.iter().zip(proofs).enumerate() {
                let index = u32::try_from(index).expect("index fits");
                assert!(
                    f.contract
                        .verify_inclusion(batch_id, *leaf, index, words(proof)),
                    "leaf {index} of the {count}-leaf batch"
                );
            }
        }
    }

    #[test]
    fn rejects_every_invalid_shared_case_against_a_committed_batch() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let v = merkle_vectors();
        for (i, case) in v["invalid"].as_array().expect("invalid").iter().enumerate() {
            let batch_id = B256::with_last_byte(u8::try_from(i + 1).expect("few cases"));
            f.contract
                .commit_batch(batch_id, word(&case["root"]), number(&case["count"]))
                .expect("commit invalid case root");
            assert!(
                !f.contract.verify_inclusion(
                    batch_id,
                    word(&case["leaf"]),
                    number(&case["index"]),
                    words(&case["proof"]),
                ),
                "{}",
                case["why"]
            );
        }
    }

    #[test]
    fn answers_false_and_zeros_for_an_unknown_batch() {
        let f = Fixture::initialized();
        assert!(!f.contract.verify_inclusion(BATCH, PROOF, 0, vec![]));
        assert_eq!(
            f.contract.get_batch(BATCH),
            (B256::ZERO, 0, Address::ZERO, 0, 0)
        );
    }
}
