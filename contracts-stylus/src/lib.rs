//! # MVPIoTProcessor
//!
//! The L{CORE} IoT proof registry as an Arbitrum Stylus contract. It keeps:
//!
//! - an owner set once and the accounts allowed to commit ([`access`]),
//! - a device registry ([`registry`]),
//! - per-reading proof commits that store only the 32-byte proof hash ([`proofs`]),
//! - Merkle-batch commits with an on-chain inclusion check ([`batches`], [`merkle`]),
//! - the predecessor's `submitResult` / `getResult` with their selectors ([`legacy`]).
//!
//! Every record is written once: a second commit of the same id reverts with a
//! custom error, so committed data never changes. Every state change emits an
//! event with its ids indexed. The external interface is the one in
//! `docs/contract-interface.sol`; `cargo run --features export-abi` prints it.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

extern crate alloc;

pub mod access;
pub mod batches;
pub mod legacy;
pub mod merkle;
pub mod proofs;
pub mod registry;

#[cfg(any(test, feature = "export-abi"))]
mod export;
#[cfg(feature = "export-abi")]
pub use export::print_abi_from_args;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use stylus_sdk::prelude::*;

use crate::{
    access::{
        Access, AccessAlreadyInitialized, AccessNotInitialized, AccessUnauthorized,
        AccessZeroAddress,
    },
    batches::{BatchAlreadyCommitted, BatchEmpty, BatchZeroRoot, Batches},
    legacy::{Legacy, ResultAlreadySubmitted},
    proofs::{ProofAlreadyCommitted, ProofZeroHash, Proofs},
    registry::{Registry, RegistryDeviceExists, RegistryDeviceInactive, RegistryUnknownDevice},
};

/// Every refusal of the contract, one variant per custom error of the interface.
#[derive(SolidityError, Debug)]
pub enum Error {
    /// `initialize` was already called.
    AlreadyInitialized(AccessAlreadyInitialized),
    /// A guarded function ran before `initialize`.
    NotInitialized(AccessNotInitialized),
    /// The caller may not call this function.
    Unauthorized(AccessUnauthorized),
    /// The zero address was given where an account is required.
    ZeroAddress(AccessZeroAddress),
    /// The device is already registered.
    DeviceExists(RegistryDeviceExists),
    /// The device was never registered.
    UnknownDevice(RegistryUnknownDevice),
    /// The device is switched off.
    DeviceInactive(RegistryDeviceInactive),
    /// The proof hash is zero.
    ProofZeroHash(ProofZeroHash),
    /// The proof hash is already committed.
    ProofAlreadyCommitted(ProofAlreadyCommitted),
    /// The batch root is zero.
    BatchZeroRoot(BatchZeroRoot),
    /// The batch count is zero.
    BatchEmpty(BatchEmpty),
    /// The batch id is already committed.
    BatchAlreadyCommitted(BatchAlreadyCommitted),
    /// The task id already has a result.
    ResultAlreadySubmitted(ResultAlreadySubmitted),
}

impl From<access::Error> for Error {
    fn from(error: access::Error) -> Self {
        match error {
            access::Error::AlreadyInitialized(e) => Self::AlreadyInitialized(e),
            access::Error::NotInitialized(e) => Self::NotInitialized(e),
            access::Error::Unauthorized(e) => Self::Unauthorized(e),
            access::Error::ZeroAddress(e) => Self::ZeroAddress(e),
        }
    }
}

impl From<registry::Error> for Error {
    fn from(error: registry::Error) -> Self {
        match error {
            registry::Error::DeviceExists(e) => Self::DeviceExists(e),
            registry::Error::UnknownDevice(e) => Self::UnknownDevice(e),
            registry::Error::DeviceInactive(e) => Self::DeviceInactive(e),
            registry::Error::Unauthorized(e) => Self::Unauthorized(e),
            registry::Error::ZeroAddress(e) => Self::ZeroAddress(e),
        }
    }
}

impl From<proofs::Error> for Error {
    fn from(error: proofs::Error) -> Self {
        match error {
            proofs::Error::ZeroHash(e) => Self::ProofZeroHash(e),
            proofs::Error::AlreadyCommitted(e) => Self::ProofAlreadyCommitted(e),
        }
    }
}

impl From<batches::Error> for Error {
    fn from(error: batches::Error) -> Self {
        match error {
            batches::Error::ZeroRoot(e) => Self::BatchZeroRoot(e),
            batches::Error::Empty(e) => Self::BatchEmpty(e),
            batches::Error::AlreadyCommitted(e) => Self::BatchAlreadyCommitted(e),
        }
    }
}

impl From<legacy::Error> for Error {
    fn from(error: legacy::Error) -> Self {
        match error {
            legacy::Error::AlreadySubmitted(e) => Self::ResultAlreadySubmitted(e),
        }
    }
}

/// The contract's storage: one field per component, in this order (the
/// storage layout follows the field order, so never reorder them).
#[storage]
#[entrypoint]
pub struct MVPIoTProcessor {
    /// Owner and submitters.
    access: Access,
    /// Registered devices.
    registry: Registry,
    /// Per-reading proof commits.
    proofs: Proofs,
    /// Merkle-batch commits.
    batches: Batches,
    /// The predecessor's results.
    legacy: Legacy,
}

/// The external interface (`IMVPIoTProcessor` in `docs/contract-interface.sol`).
#[public]
impl MVPIoTProcessor {
    // ---- access control ---------------------------------------------------

    /// Sets the owner once; the deployer calls it right after activation.
    ///
    /// # Errors
    /// `AccessAlreadyInitialized`, `AccessZeroAddress`.
    ///
    /// # Events
    /// `OwnershipTransferred(0, owner)`.
    pub fn initialize(&mut self, owner: Address) -> Result<(), Error> {
        Ok(self.access.initialize(owner)?)
    }

    /// The owner; zero before `initialize`.
    pub fn owner(&self) -> Address {
        self.access.owner()
    }

    /// Hands ownership to `new_owner`; owner only.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized`, `AccessZeroAddress`.
    ///
    /// # Events
    /// `OwnershipTransferred(previous_owner, new_owner)`.
    pub fn transfer_ownership(&mut self, new_owner: Address) -> Result<(), Error> {
        Ok(self.access.transfer_ownership(new_owner)?)
    }

    /// Allows or revokes an account that may commit; owner only.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized`, `AccessZeroAddress`.
    ///
    /// # Events
    /// `SubmitterUpdated(account, allowed)`.
    pub fn set_submitter(&mut self, account: Address, allowed: bool) -> Result<(), Error> {
        Ok(self.access.set_submitter(account, allowed)?)
    }

    /// True for authorised submitters and for the owner.
    pub fn is_submitter(&self, account: Address) -> bool {
        self.access.is_submitter(account)
    }

    // ---- device registry --------------------------------------------------

    /// Registers an active device; submitter or owner.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized`, `AccessZeroAddress`, `RegistryDeviceExists`.
    ///
    /// # Events
    /// `DeviceRegistered(device_id, device_owner)`.
    pub fn register_device(&mut self, device_id: B256, device_owner: Address) -> Result<(), Error> {
        self.access.only_submitter()?;
        Ok(self.registry.register(device_id, device_owner)?)
    }

    /// Switches a device on or off; the owner or the device's owner.
    ///
    /// # Errors
    /// `RegistryUnknownDevice`, `AccessUnauthorized`.
    ///
    /// # Events
    /// `DeviceStatusChanged(device_id, active)`.
    pub fn set_device_active(&mut self, device_id: B256, active: bool) -> Result<(), Error> {
        let owner = self.access.owner();
        Ok(self.registry.set_active(owner, device_id, active)?)
    }

    /// `(device_owner, active, registered_at)`; `(0, false, 0)` for an unknown device.
    pub fn get_device(&self, device_id: B256) -> (Address, bool, u64) {
        self.registry.get(device_id)
    }

    // ---- per-reading proofs -----------------------------------------------

    /// Commits a reading's proof hash once; submitter only, for a registered active device.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized`, `ProofZeroHash`, `RegistryUnknownDevice`,
    /// `RegistryDeviceInactive`, `ProofAlreadyCommitted`.
    ///
    /// # Events
    /// `ProofCommitted(proof_hash, device_id, submitter, timestamp)`.
    pub fn commit_proof(&mut self, proof_hash: B256, device_id: B256) -> Result<(), Error> {
        self.access.only_submitter()?;
        Proofs::check_hash(proof_hash)?;
        self.registry.ensure_active(device_id)?;
        Ok(self.proofs.commit(proof_hash, device_id)?)
    }

    /// `(device_id, submitter, timestamp, block_number)`; all zero for an unknown proof.
    pub fn get_proof(&self, proof_hash: B256) -> (B256, Address, u64, u64) {
        self.proofs.get(proof_hash)
    }

    /// True once `proof_hash` is committed.
    pub fn is_proof_committed(&self, proof_hash: B256) -> bool {
        self.proofs.is_committed(proof_hash)
    }

    // ---- Merkle batches ---------------------------------------------------

    /// Commits a batch root once; submitter only, `count >= 1`, `root != 0`.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized`, `BatchZeroRoot`, `BatchEmpty`,
    /// `BatchAlreadyCommitted`.
    ///
    /// # Events
    /// `BatchCommitted(batch_id, root, submitter, count, timestamp)`.
    pub fn commit_batch(&mut self, batch_id: B256, root: B256, count: u32) -> Result<(), Error> {
        self.access.only_submitter()?;
        Ok(self.batches.commit(batch_id, root, count)?)
    }

    /// `(root, count, submitter, timestamp, block_number)`; all zero for an unknown batch.
    pub fn get_batch(&self, batch_id: B256) -> (B256, u32, Address, u64, u64) {
        self.batches.get(batch_id)
    }

    /// True when `proof_hash` is leaf `index` of the committed batch (rules in [`merkle`]).
    pub fn verify_inclusion(
        &self,
        batch_id: B256,
        proof_hash: B256,
        index: u32,
        proof: Vec<B256>,
    ) -> bool {
        self.batches
            .verify_inclusion(batch_id, proof_hash, index, &proof)
    }

    // ---- predecessor interface --------------------------------------------

    /// Stores a result once; submitter only. Selector `submitResult(bytes32,uint8[],bytes32)`.
    ///
    /// # Errors
    /// `AccessNotInitialized`, `AccessUnauthorized`, `ResultAlreadySubmitted`.
    ///
    /// # Events
    /// `ResultSubmitted(task_id, proof_hash, submitter)`.
    pub fn submit_result(
        &mut self,
        task_id: B256,
        encrypted_result: Vec<u8>,
        proof_hash: B256,
    ) -> Result<(), Error> {
        self.access.only_submitter()?;
        Ok(self.legacy.submit(task_id, &encrypted_result, proof_hash)?)
    }

    /// `(encrypted_result, proof_hash, timestamp, submitter)`; empty and zeros for an
    /// unknown task, as the predecessor answered. Selector `getResult(bytes32)`.
    pub fn get_result(&self, task_id: B256) -> (Vec<u8>, B256, U256, Address) {
        self.legacy.get(task_id)
    }

    // ---- counters ---------------------------------------------------------

    /// `(devices, proofs, batches, results)` committed so far.
    pub fn totals(&self) -> (u64, u64, u64, u64) {
        (
            self.registry.count(),
            self.proofs.count(),
            self.batches.count(),
            self.legacy.count(),
        )
    }
}

#[cfg(test)]
mod testing;

#[cfg(test)]
mod tests {
    use alloy_primitives::{Address, B256};
    use stylus_sdk::{abi::Router, crypto::keccak};

    use super::*;
    use crate::{
        merkle::hash_leaf,
        testing::{Fixture, ALICE, BOB, DAVE, DEVICE, PROOF},
    };

    const INTERFACE: &str = include_str!("../../docs/contract-interface.sol");

    /// `name(type,type)` signatures of every `function` / `error` / `event` line in the interface file.
    fn interface_signatures(kind: &str) -> Vec<String> {
        let prefix = format!("{kind} ");
        INTERFACE
            .lines()
            .map(str::trim)
            .filter_map(|line| line.strip_prefix(prefix.as_str()))
            .map(|rest| {
                let open = rest.find('(').expect("declaration has parameters");
                let close = rest[open..].find(')').expect("parameters close") + open;
                let types: Vec<&str> = rest[open + 1..close]
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(|p| p.split_whitespace().next().expect("parameter has a type"))
                    .collect();
                format!("{}({})", &rest[..open], types.join(","))
            })
            .collect()
    }

    #[test]
    fn routes_every_function_of_the_interface_file() {
        let functions = interface_signatures("function");
        assert_eq!(functions.len(), 17, "{functions:?}");
        let f = Fixture::new();
        let mut storage = MVPIoTProcessor::from(&f.vm);
        for signature in functions {
            let hash = keccak(signature.as_bytes());
            let selector = u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]);
            let routed =
                <MVPIoTProcessor as Router<MVPIoTProcessor>>::route(&mut storage, selector, &[]);
            assert!(routed.is_some(), "{signature} is not routed");
        }
        let unknown =
            <MVPIoTProcessor as Router<MVPIoTProcessor>>::route(&mut storage, 0xdead_beef, &[]);
        assert!(unknown.is_none());
    }

    #[test]
    fn encodes_every_error_with_the_selector_of_the_interface_file() {
        let errors: Vec<Error> = vec![
            AccessAlreadyInitialized {}.into(),
            AccessNotInitialized {}.into(),
            AccessUnauthorized { account: BOB }.into(),
            AccessZeroAddress {}.into(),
            RegistryDeviceExists { device_id: DEVICE }.into(),
            RegistryUnknownDevice { device_id: DEVICE }.into(),
            RegistryDeviceInactive { device_id: DEVICE }.into(),
            ProofZeroHash {}.into(),
            ProofAlreadyCommitted { proof_hash: PROOF }.into(),
            BatchZeroRoot {}.into(),
            BatchEmpty {}.into(),
            BatchAlreadyCommitted { batch_id: DEVICE }.into(),
            ResultAlreadySubmitted { task_id: DEVICE }.into(),
        ];
        let signatures = interface_signatures("error");
        assert_eq!(signatures.len(), errors.len(), "{signatures:?}");
        for (error, signature) in errors.into_iter().zip(signatures) {
            let bytes: Vec<u8> = error.into();
            assert_eq!(bytes[..4], keccak(signature.as_bytes())[..4], "{signature}");
        }
    }

    #[test]
    fn counts_every_kind_of_commit_in_totals() {
        let mut f = Fixture::with_device();
        assert_eq!(f.contract.totals(), (1, 0, 0, 0));
        f.sender(BOB);
        f.contract.commit_proof(PROOF, DEVICE).expect("proof");
        f.contract
            .commit_batch(B256::repeat_byte(1), hash_leaf(PROOF), 1)
            .expect("batch");
        f.contract
            .submit_result(PROOF, vec![1], PROOF)
            .expect("result");
        f.sender(ALICE);
        f.contract
            .register_device(B256::repeat_byte(2), DAVE)
            .expect("second device");
        assert_eq!(f.contract.totals(), (2, 1, 1, 1));
    }

    #[test]
    fn starts_with_zero_totals_and_no_owner() {
        let f = Fixture::new();
        assert_eq!(f.contract.totals(), (0, 0, 0, 0));
        assert_eq!(f.contract.owner(), Address::ZERO);
    }
}
