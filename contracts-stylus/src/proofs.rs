//! Per-reading proof commits: only the 32-byte proof hash (SHA-256 of the
//! final ciphertext) is stored, with the device id, the submitter and when.
//! A proof hash is written once; a second commit of the same hash reverts,
//! so a committed record can never change.

use alloy_primitives::{Address, B256, U64};
use stylus_sdk::{
    prelude::*,
    storage::{StorageAddress, StorageB256, StorageMap, StorageU64},
};

pub use sol::*;

mod sol {
    use alloy_sol_types::sol;

    sol! {
        /// A reading's proof hash was committed for `device_id` by `submitter`.
        #[derive(Debug, PartialEq, Eq)]
        event ProofCommitted(bytes32 indexed proof_hash, bytes32 indexed device_id, address indexed submitter, uint64 timestamp);

        /// The proof hash is zero.
        #[derive(Debug, PartialEq, Eq)]
        error ProofZeroHash();
        /// `proof_hash` is already committed.
        #[derive(Debug, PartialEq, Eq)]
        error ProofAlreadyCommitted(bytes32 proof_hash);
    }
}

/// Refusals of the proof component.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// The proof hash is zero.
    ZeroHash(ProofZeroHash),
    /// The proof hash is already committed.
    AlreadyCommitted(ProofAlreadyCommitted),
}

/// One committed proof.
#[storage]
pub struct ProofRecord {
    /// The device the reading came from.
    device_id: StorageB256,
    /// The account that committed it; never zero once committed.
    submitter: StorageAddress,
    /// Block timestamp of the commit.
    timestamp: StorageU64,
    /// Block number of the commit.
    block_number: StorageU64,
}

/// Proof storage and its counter.
#[storage]
pub struct Proofs {
    /// Records by proof hash.
    proofs: StorageMap<B256, ProofRecord>,
    /// How many proofs were committed.
    count: StorageU64,
}

impl Proofs {
    /// Guard: the proof hash is not zero.
    ///
    /// # Errors
    /// `ProofZeroHash`.
    pub fn check_hash(proof_hash: B256) -> Result<(), Error> {
        if proof_hash.is_zero() {
            return Err(Error::ZeroHash(ProofZeroHash {}));
        }
        Ok(())
    }

    /// Stores `proof_hash` for `device_id` with the caller and the block's time and number.
    /// The caller's right and the device's state are checked by the contract before.
    ///
    /// # Errors
    /// `ProofZeroHash`, `ProofAlreadyCommitted`.
    ///
    /// # Events
    /// `ProofCommitted(proof_hash, device_id, submitter, timestamp)`.
    pub fn commit(&mut self, proof_hash: B256, device_id: B256) -> Result<(), Error> {
        Self::check_hash(proof_hash)?;
        if self.is_committed(proof_hash) {
            return Err(Error::AlreadyCommitted(ProofAlreadyCommitted {
                proof_hash,
            }));
        }
        let submitter = self.vm().msg_sender();
        let timestamp = self.vm().block_timestamp();
        let block_number = self.vm().block_number();
        let mut record = self.proofs.setter(proof_hash);
        record.device_id.set(device_id);
        record.submitter.set(submitter);
        record.timestamp.set(U64::from(timestamp));
        record.block_number.set(U64::from(block_number));
        let count = self.count.get() + U64::from(1);
        self.count.set(count);
        self.vm().log(ProofCommitted {
            proof_hash,
            device_id,
            submitter,
            timestamp,
        });
        Ok(())
    }

    /// `(device_id, submitter, timestamp, block_number)`; all zero for an unknown proof.
    pub fn get(&self, proof_hash: B256) -> (B256, Address, u64, u64) {
        let record = self.proofs.get(proof_hash);
        (
            record.device_id.get(),
            record.submitter.get(),
            record.timestamp.get().to::<u64>(),
            record.block_number.get().to::<u64>(),
        )
    }

    /// True once `proof_hash` is committed.
    pub fn is_committed(&self, proof_hash: B256) -> bool {
        !self.proofs.get(proof_hash).submitter.get().is_zero()
    }

    /// How many proofs were committed.
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
        registry::{RegistryDeviceInactive, RegistryUnknownDevice},
        testing::{Fixture, ALICE, BLOCK0, BOB, DAVE, DEVICE, EVE, PROOF, T0},
        Error as ContractError,
    };

    #[test]
    fn commits_a_proof_with_its_device_submitter_time_and_block() {
        let mut f = Fixture::with_device();
        f.sender(BOB);
        assert!(!f.contract.is_proof_committed(PROOF));
        f.contract
            .commit_proof(PROOF, DEVICE)
            .expect("submitter commits");
        assert!(f.contract.is_proof_committed(PROOF));
        assert_eq!(f.contract.get_proof(PROOF), (DEVICE, BOB, T0, BLOCK0));
        assert_eq!(f.contract.totals().1, 1);
        f.assert_emitted_only(ProofCommitted {
            proof_hash: PROOF,
            device_id: DEVICE,
            submitter: BOB,
            timestamp: T0,
        });
    }

    #[test]
    fn refuses_a_second_commit_and_keeps_the_first_record() {
        let mut f = Fixture::with_device();
        f.sender(BOB);
        f.contract
            .commit_proof(PROOF, DEVICE)
            .expect("first commit");
        f.vm.clear_mocks();
        f.vm.set_block_timestamp(T0 + 99);
        f.vm.set_block_number(BLOCK0 + 9);
        f.sender(ALICE);
        let err = f.contract.commit_proof(PROOF, DEVICE).unwrap_err();
        assert!(
            matches!(err, ContractError::ProofAlreadyCommitted(ProofAlreadyCommitted { proof_hash }) if proof_hash == PROOF),
            "{err:?}"
        );
        assert_eq!(f.contract.get_proof(PROOF), (DEVICE, BOB, T0, BLOCK0));
        assert_eq!(f.contract.totals().1, 1);
        f.assert_no_logs();
    }

    #[test]
    fn refuses_a_zero_proof_hash_before_looking_at_the_device() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let err = f.contract.commit_proof(B256::ZERO, DEVICE).unwrap_err();
        assert!(matches!(err, ContractError::ProofZeroHash(_)), "{err:?}");
        f.assert_no_logs();
    }

    #[test]
    fn refuses_proofs_for_an_unknown_device() {
        let mut f = Fixture::initialized();
        f.sender(BOB);
        let err = f.contract.commit_proof(PROOF, DEVICE).unwrap_err();
        assert!(
            matches!(err, ContractError::UnknownDevice(RegistryUnknownDevice { device_id }) if device_id == DEVICE),
            "{err:?}"
        );
        assert!(!f.contract.is_proof_committed(PROOF));
        f.assert_no_logs();
    }

    #[test]
    fn refuses_proofs_for_an_inactive_device() {
        let mut f = Fixture::with_device();
        f.sender(DAVE);
        f.contract
            .set_device_active(DEVICE, false)
            .expect("device owner switches off");
        f.vm.clear_mocks();
        f.sender(BOB);
        let err = f.contract.commit_proof(PROOF, DEVICE).unwrap_err();
        assert!(
            matches!(err, ContractError::DeviceInactive(RegistryDeviceInactive { device_id }) if device_id == DEVICE),
            "{err:?}"
        );
        assert!(!f.contract.is_proof_committed(PROOF));
        f.assert_no_logs();
    }

    #[test]
    fn prevents_strangers_from_committing_proofs() {
        let mut f = Fixture::with_device();
        f.sender(EVE);
        let err = f.contract.commit_proof(PROOF, DEVICE).unwrap_err();
        assert!(
            matches!(err, ContractError::Unauthorized(AccessUnauthorized { account }) if account == EVE),
            "{err:?}"
        );
        f.assert_no_logs();
    }

    #[test]
    fn answers_zeros_for_an_unknown_proof() {
        let f = Fixture::with_device();
        assert_eq!(
            f.contract.get_proof(PROOF),
            (B256::ZERO, Address::ZERO, 0, 0)
        );
        assert!(!f.contract.is_proof_committed(PROOF));
    }
}
