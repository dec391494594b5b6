//! Corpus program `caller`: calls out to a counter, in every way a program can.
//!
//! The target is any contract with the counter interface: the Stylus
//! `counter` program or its Solidity twin, so one program covers the
//! Stylus -> Stylus and Stylus -> Solidity directions. Calls that fail
//! revert with the callee's revert data unchanged (as Solidity bubbles it),
//! so the callee's custom errors reach the transaction's sender.
//!
//! Storage mirrors the counter's (slot 0 `number`, slot 1 `deposited`), so
//! `delegateSetNumber` makes the counter's code write this program's slot 0.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, U256};
use alloy_sol_types::{sol, SolCall};
use stylus_sdk::{
    call::{delegate_call, transfer::transfer_eth},
    prelude::*,
    storage::StorageU256,
    stylus_core::calls::errors::Error as CallError,
};

sol_interface! {
    interface ICounter {
        function number() external view returns (uint256);
        function increment() external;
        function setNumber(uint256 value) external;
        function deposit() external payable;
    }
}

sol! {
    /// The calldata of `setNumber`, for the delegatecall.
    function setNumber(uint256 value);
    /// A call out succeeded; `number` is what the target reported after it, if asked.
    event Called(address indexed target, uint256 value);
}

/// Storage laid out as the counter's, for the delegatecall case.
#[storage]
#[entrypoint]
pub struct Caller {
    /// Slot 0: written only through `delegateSetNumber`.
    number: StorageU256,
    /// Slot 1: unused here; keeps the layout equal to the counter's.
    #[allow(dead_code)]
    deposited: StorageU256,
}

#[public]
impl Caller {
    /// This program's own slot 0.
    pub fn number(&self) -> U256 {
        self.number.get()
    }

    /// Accepts plain value transfers (funds for `payOut`).
    #[receive]
    #[payable]
    pub fn receive(&mut self) -> Result<(), Vec<u8>> {
        Ok(())
    }

    /// `target.number()` through a static call.
    pub fn read_number(&self, target: Address) -> Result<U256, CallError> {
        ICounter::new(target).number(self.vm(), Call::new())
    }

    /// `target.increment()`; emits `Called(target, 0)` after it.
    pub fn call_increment(&mut self, target: Address) -> Result<(), CallError> {
        let context = Call::new_mutating(self);
        ICounter::new(target).increment(self.vm(), context)?;
        self.vm().log(Called { target, value: U256::ZERO });
        Ok(())
    }

    /// `target.setNumber(value)`; the callee's errors come back unchanged.
    pub fn call_set_number(&mut self, target: Address, value: U256) -> Result<(), CallError> {
        let context = Call::new_mutating(self);
        ICounter::new(target).set_number(self.vm(), context, value)?;
        self.vm().log(Called { target, value });
        Ok(())
    }

    /// `target.deposit{value: msg.value}()`.
    #[payable]
    pub fn forward_deposit(&mut self, target: Address) -> Result<(), CallError> {
        let value = self.vm().msg_value();
        let context = Call::new_payable(self, value);
        ICounter::new(target).deposit(self.vm(), context)?;
        self.vm().log(Called { target, value });
        Ok(())
    }

    /// Runs `implementation.setNumber(value)` on this program's storage.
    pub fn delegate_set_number(&mut self, implementation: Address, value: U256) -> Result<(), CallError> {
        let data = setNumberCall { value }.abi_encode();
        // SAFETY: the corpus delegates only to the counter, whose layout this program mirrors.
        let context = Call::new_mutating(self);
        unsafe { delegate_call(self.vm(), context, implementation, &data) }?;
        Ok(())
    }

    /// Sends `amount` wei of this program's balance to `to`.
    pub fn pay_out(&mut self, to: Address, amount: U256) -> Result<(), Vec<u8>> {
        transfer_eth(self.vm(), to, amount)
    }
}
