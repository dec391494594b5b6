//! Corpus program `proxy`: an ERC-1967 proxy written as a Stylus program.
//!
//! The constructor stores the implementation in the ERC-1967 slot (away from
//! the implementation's own slots 0 and 1); every other call reaches the
//! fallback, which delegate-calls the implementation with the same calldata
//! and value and returns or reverts with its output unchanged. The Stylus
//! twin of contracts/corpus/CorpusProxy.sol.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{uint, Address, U256};
use alloy_sol_types::sol;
use stylus_sdk::{call::delegate_call, prelude::*, storage::StorageAddress, ArbResult};

/// bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
const IMPLEMENTATION_SLOT: U256 = uint!(0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc_U256);

sol! {
    /// The implementation changed.
    event Upgraded(address indexed implementation);
}

/// No sequential fields: the only state is the ERC-1967 slot.
#[storage]
#[entrypoint]
pub struct Proxy {}

impl Proxy {
    /// The ERC-1967 implementation slot, the address right-aligned as Solidity stores it
    /// (the SDK counts a slot's byte offsets from the left: 12 = after 12 zero bytes).
    fn implementation_slot(&self) -> StorageAddress {
        // SAFETY: the slot is fixed by ERC-1967 and used by nothing else in this program.
        unsafe { StorageAddress::new(IMPLEMENTATION_SLOT, 12, self.vm().clone()) }
    }
}

#[public]
impl Proxy {
    /// Points the proxy at `implementation`, once, in the deploying transaction.
    #[constructor]
    pub fn constructor(&mut self, implementation: Address) {
        self.implementation_slot().set(implementation);
        self.vm().log(Upgraded { implementation });
    }

    /// Every call not routed above runs the implementation's code on this storage.
    #[fallback]
    #[payable]
    pub fn fallback(&mut self, calldata: &[u8]) -> ArbResult {
        let implementation = self.implementation_slot().get();
        let context = Call::new_mutating(self);
        // SAFETY: the proxy's only state is the ERC-1967 slot, which implementations leave alone.
        unsafe { delegate_call(self.vm(), context, implementation, calldata) }.map_err(Vec::from)
    }
}
