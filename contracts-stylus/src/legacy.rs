//! The predecessor's interface: `submitResult(bytes32,uint8[],bytes32)` and
//! `getResult(bytes32)`, same selectors and return shapes, but a task id is
//! written once (the predecessor let anyone overwrite any id).
//!
//! The ciphertext is kept as 32-byte words plus its byte length rather than in
//! the SDK's `StorageBytes`, whose length decoding pulls a 256-bit division
//! (about 8 KB of WASM) into the program.

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256, U32, U64};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU32, StorageU64, StorageVec},
};

pub use sol::*;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// A result was stored for `task_id` by `submitter`.
        #[derive(Debug, PartialEq, Eq)]
        event ResultSubmitted(bytes32 indexed task_id, bytes32 indexed proof_hash, address indexed submitter);

        /// `task_id` already has a result.
        #[derive(Debug, PartialEq, Eq)]
        error ResultAlreadySubmitted(bytes32 task_id);
    }
}

/// Refusals of the legacy component.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// The task id already has a result.
    AlreadySubmitted(ResultAlreadySubmitted),
}

/// One stored result, as the predecessor kept it.
#[storage]
pub struct ResultRecord {
    /// The proof hash given with it.
    proof_hash: StorageB256,
    /// The account that submitted it; never zero once stored.
    submitter: StorageAddress,
    /// Block timestamp of the submission (returned as `uint256`).
    timestamp: StorageU64,
    /// Length of the ciphertext in bytes.
    length: StorageU32,
    /// The ciphertext in 32-byte words, the last one zero-padded.
    words: StorageVec<StorageB256>,
}

/// Result storage and its counter.
#[storage]
pub struct Legacy {
    /// Records by task id.
    results: StorageMap<B256, ResultRecord>,
    /// How many results were stored.
    count: StorageU64,
}

impl Legacy {
    /// Stores a result once. The caller's right is checked by the contract before.
    ///
    /// # Errors
    /// `ResultAlreadySubmitted`.
    ///
    /// # Events
    /// `ResultSubmitted(task_id, proof_hash, submitter)`.
    pub fn submit(
        &mut self,
        task_id: B256,
        encrypted_result: &[u8],
        proof_hash: B256,
    ) -> Result<(), Error> {
        if !self.results.get(task_id).submitter.get().is_zero() {
            return Err(Error::AlreadySubmitted(ResultAlreadySubmitted { task_id }));
        }
        let length = u32::try_from(encrypted_result.len()).expect("calldata is far below 4 GiB");
        let submitter = self.vm().msg_sender();
        let timestamp = self.vm().block_timestamp();
        let mut record = self.results.setter(task_id);
        record.proof_hash.set(proof_hash);
        record.submitter.set(submitter);
        record.timestamp.set(U64::from(timestamp));
        record.length.set(U32::from(length));
        for chunk in encrypted_result.chunks(32) {
            let mut word = B256::ZERO;
            word[..chunk.len()].copy_from_slice(chunk);
            record.words.push(word);
        }
        let count = self.count.get() + U64::from(1);
        self.count.set(count);
        self.vm().log(ResultSubmitted {
            task_id,
            proof_hash,
            submitter,
        });
        Ok(())
    }

    /// `(encrypted_result, proof_hash, timestamp, submitter)`; empty and zeros for an unknown task.
    pub fn get(&self, task_id: B256) -> (Vec<u8>, B256, U256, Address) {
        let record = self.results.get(task_id);
        let length = record.length.get().to::<usize>();
        let mut encrypted_result = Vec::with_capacity(length.next_multiple_of(32));
        for index in 0..record.words.len() {
            if let Some(word) = record.words.get(index) {
                encrypted_result.extend_from_slice(word.as_slice());
            }
        }
        encrypted_result.truncate(length);
        (
            encrypted_result,
            record.proof_hash.get(),
            U256::from(record.timestamp.get()),
            record.submitter.get(),
        )
    }

    /// How many results were stored.
    pub fn count(&self) -> u64 {
        self.count.get().to::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, B256, U256};
    use alloy_sol_types::{sol, SolCall, SolError};
    use stylus_sdk::{abi::router_entrypoint, crypto::keccak};

    use super::*;
    use crate::{
        access::AccessUnauthorized,
        testing::{Fixture, ALICE, BOB, EVE, PROOF, T0},
        Error as ContractError, MVPIoTProcessor,
    };

    const TASK: B256 = B256::repeat_byte(0x7a);

    sol! {
        function submitResult(bytes32 task_id, uint8[] encrypted_result, bytes32 proof_hash);
        function getResult(bytes32 task_id) returns (uint8[], bytes32, uint256, address);
    }

    #[test]
    fn stores_a_result_with_the_predecessors_return_shape() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let ciphertext: Vec<u8> = (0..300u32).map(|i| (i % 251) as u8).collect();
        f.contract
            .submit_result(TASK, ciphertext.clone(), PROOF)
            .expect("submitter stores");
        assert_eq!(
            f.contract.get_result(TASK),
            (ciphertext, PROOF, U256::from(T0), BOB)
        );
        assert_eq!(f.contract.totals().3, 1);
        f.assert_emitted_only(ResultSubmitted {
            task_id: TASK,
            proof_hash: PROOF,
            submitter: BOB,
        });
    }

    #[test]
    fn stores_empty_and_word_aligned_ciphertexts_intact() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        for (i, len) in [0usize, 1, 31, 32, 33, 64].into_iter().enumerate() {
            let task = B256::with_last_byte(u8::try_from(i).expect("few cases"));
            let ciphertext: Vec<u8> = (0..len).map(|b| (b as u8).wrapping_add(1)).collect();
            f.contract
                .submit_result(task, ciphertext.clone(), PROOF)
                .expect("submitter stores");
            assert_eq!(f.contract.get_result(task).0, ciphertext, "length {len}");
            assert_eq!(f.contract.get_result(task).3, BOB);
        }
        assert_eq!(f.contract.totals().3, 6);
    }

    #[test]
    fn refuses_a_second_submission_and_keeps_the_first_result() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        f.contract
            .submit_result(TASK, vec![1, 2, 3], PROOF)
            .expect("first");
        f.vm.clear_mocks();
        f.vm.set_block_timestamp(T0 + 5);
        f.sender(ALICE);
        let err = f
            .contract
            .submit_result(TASK, vec![9; 40], B256::repeat_byte(9))
            .unwrap_err();
        assert!(
            matches!(err, ContractError::ResultAlreadySubmitted(ResultAlreadySubmitted { task_id }) if task_id == TASK),
            "{err:?}"
        );
        assert_eq!(
            f.contract.get_result(TASK),
            (vec![1, 2, 3], PROOF, U256::from(T0), BOB)
        );
        assert_eq!(f.contract.totals().3, 1);
        f.assert_no_logs();
    }

    #[test]
    fn prevents_strangers_from_submitting_results() {
        let mut f = Fixture::initialized();
        f.sender(EVE);
        let err = f.contract.submit_result(TASK, vec![1], PROOF).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == EVE),
            "{err:?}"
        );
        f.assert_no_logs();
    }

    #[test]
    fn answers_an_empty_array_and_zeros_for_an_unknown_task() {
        let f = Fixture::initialized();
        assert_eq!(
            f.contract.get_result(TASK),
            (Vec::new(), B256::ZERO, U256::ZERO, Address::ZERO)
        );
    }

    #[test]
    fn keeps_the_predecessors_selectors() {
        let submit = keccak(b"submitResult(bytes32,uint8[],bytes32)");
        let get = keccak(b"getResult(bytes32)");
        assert_eq!(submit[..4], [0x9b, 0x29, 0x6b, 0x71]);
        assert_eq!(get[..4], [0xad, 0xd4, 0xc7, 0x84]);
        assert_eq!(submitResultCall::SELECTOR, [0x9b, 0x29, 0x6b, 0x71]);
        assert_eq!(getResultCall::SELECTOR, [0xad, 0xd4, 0xc7, 0x84]);
    }

    #[test]
    fn answers_the_predecessors_calldata_through_the_abi_router() {
        let f = Fixture::initialized();
        f.sender(BOB);
        let ciphertext = vec![0xde, 0xad, 0xbe, 0xef];
        let submit = submitResultCall {
            task_id: TASK,
            encrypted_result: ciphertext.clone(),
            proof_hash: PROOF,
        }
        .abi_encode();
        let out = router_entrypoint::<MVPIoTProcessor, MVPIoTProcessor>(submit.clone(), f.host());
        assert_eq!(out, Ok(Vec::new()));

        let get = getResultCall { task_id: TASK }.abi_encode();
        let out = router_entrypoint::<MVPIoTProcessor, MVPIoTProcessor>(get, f.host())
            .expect("getResult succeeds");
        let decoded = getResultCall::abi_decode_returns(&out).expect("predecessor return shape");
        assert_eq!(decoded._0, ciphertext);
        assert_eq!(decoded._1, PROOF);
        assert_eq!(decoded._2, U256::from(T0));
        assert_eq!(decoded._3, BOB);

        let again = router_entrypoint::<MVPIoTProcessor, MVPIoTProcessor>(submit, f.host());
        assert_eq!(
            again,
            Err(ResultAlreadySubmitted { task_id: TASK }.abi_encode())
        );
    }
}
