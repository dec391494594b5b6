//! Corpus program `verifier`: signature checks through the EVM's precompiles.
//!
//! `recover` asks the ecrecover precompile (0x01) for the signer of a
//! secp256k1 signature, through openzeppelin-stylus's ECDSA helper (which
//! rejects malleable `s` values with `ECDSAInvalidSignatureS` and a zero
//! signer with `ECDSAInvalidSignature`); `verifyP256` asks the P-256 verifier
//! (0x100, RIP-7212). A program that gets nothing back from a precompile
//! traps, so these are the cases that fail when precompiles are not served
//! to programs.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloy_primitives::{Address, B256};
use openzeppelin_stylus::utils::{cryptography::ecdsa, precompiles::Precompiles};
use stylus_sdk::prelude::*;

/// No state: the program only answers questions.
#[entrypoint]
#[storage]
pub struct CorpusVerifier {}

#[public]
impl CorpusVerifier {
    /// The address that signed `hash` with (`v`, `r`, `s`).
    ///
    /// # Errors
    /// `ECDSAInvalidSignatureS` for a high `s`, `ECDSAInvalidSignature` when no signer is recovered.
    pub fn recover(&self, hash: B256, v: u8, r: B256, s: B256) -> Result<Address, ecdsa::Error> {
        self.ec_recover(hash, v, r, s)
    }

    /// True when (`r`, `s`) is a P-256 signature of `hash` by the key (`x`, `y`).
    #[selector(name = "verifyP256")]
    pub fn verify_p256(&self, hash: B256, r: B256, s: B256, x: B256, y: B256) -> bool {
        self.p256_verify(hash, r, s, x, y)
    }
}
