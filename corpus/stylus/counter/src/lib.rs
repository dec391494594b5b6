//! Corpus program `counter`: the callee of the cross-call cases.
//!
//! A number anyone may set, increment or decrement, and a payable `deposit`
//! that adds up the value received. `number` sits in storage slot 0, exactly
//! where the Solidity twin (contracts/corpus/CorpusCounter.sol) keeps it, so a
//! delegatecall into either writes the caller's slot 0. The constructor
//! (`stylus_constructor(uint256)`) is what the factory case calls in the
//! deploying transaction; the SDK refuses a second call.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;


use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use stylus_sdk::{prelude::*, storage::StorageU256};

/// Largest number `setNumber` accepts, so the too-large error carries values.
const LIMIT: u64 = 1_000_000;

sol! {
    /// The number changed (set, incremented or decremented) by `by`.
    event NumberSet(address indexed by, uint256 number);
    /// `from` sent `amount` wei to `deposit`.
    event Deposited(address indexed from, uint256 amount);
    /// `decrement` at zero.
    error CounterUnderflow();
    /// `setNumber` above the limit.
    error CounterTooLarge(uint256 requested, uint256 limit);
}

/// The counter's errors, ABI-encoded as the custom errors above.
#[derive(SolidityError)]
pub enum Error {
    Underflow(CounterUnderflow),
    TooLarge(CounterTooLarge),
}

/// Storage of the counter; the field order is the Solidity twin's slot order.
#[storage]
#[entrypoint]
pub struct Counter {
    /// Slot 0: the number.
    number: StorageU256,
    /// Slot 1: wei received by `deposit`, in total.
    deposited: StorageU256,
}

impl Counter {
    /// The one place the number changes; it also emits `NumberSet`.
    fn _set(&mut self, value: U256) {
        self.number.set(value);
        let by: Address = self.vm().msg_sender();
        self.vm().log(NumberSet { by, number: value });
    }
}

#[public]
impl Counter {
    /// Sets the starting number once, in the deploying transaction.
    #[constructor]
    pub fn constructor(&mut self, initial: U256) -> Result<(), Error> {
        self.set_number(initial)
    }

    pub fn number(&self) -> U256 {
        self.number.get()
    }

    pub fn deposited(&self) -> U256 {
        self.deposited.get()
    }

    pub fn increment(&mut self) {
        let next = self.number.get() + U256::from(1);
        self._set(next);
    }

    /// # Errors
    /// `CounterUnderflow` when the number is zero.
    pub fn decrement(&mut self) -> Result<(), Error> {
        let current = self.number.get();
        if current.is_zero() {
            return Err(Error::Underflow(CounterUnderflow {}));
        }
        self._set(current - U256::from(1));
        Ok(())
    }

    /// # Errors
    /// `CounterTooLarge` above 1,000,000.
    pub fn set_number(&mut self, value: U256) -> Result<(), Error> {
        let limit = U256::from(LIMIT);
        if value > limit {
            return Err(Error::TooLarge(CounterTooLarge { requested: value, limit }));
        }
        self._set(value);
        Ok(())
    }

    #[payable]
    pub fn deposit(&mut self) {
        let amount = self.vm().msg_value();
        let total = self.deposited.get() + amount;
        self.deposited.set(total);
        let from = self.vm().msg_sender();
        self.vm().log(Deposited { from, amount });
    }
}

