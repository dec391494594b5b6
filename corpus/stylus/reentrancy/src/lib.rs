//! Corpus program `reentrancy`: a program that is called back by its callee.
//!
//! `enter(hook)` counts the entry, emits `Entered`, calls `hook.onEnter()`
//! (contracts/corpus/CorpusReentryHook.sol), which calls `reenter()` on this
//! program before returning, and then emits `Left`. `reenter()` records what
//! the host's `msg_reentrant` says: true when the program is already on the
//! call stack, false on a direct call. `#[entrypoint]` would revert every
//! reentrant call (stylus-sdk's deprecated guard; its `reentrant` feature,
//! which lifts it, does not resolve in 0.10.10), so this program writes its
//! `user_entrypoint` itself: the macro's, minus the guard.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloy_primitives::{Address, U256};
use alloy_sol_types::sol;
use stylus_sdk::{
    prelude::*,
    storage::{StorageBool, StorageU256},
    stylus_core::calls::errors::Error as CallError,
};

sol_interface! {
    interface IReentryHook {
        function onEnter() external;
    }
}

sol! {
    /// `enter` began; `entries` counts it.
    event Entered(address indexed hook, uint256 entries);
    /// `reenter` ran; `reentrant` is the host's `msg_reentrant`.
    event Reentered(address indexed by, bool reentrant);
    /// `enter` finished after the hook returned.
    event Left(address indexed hook, uint256 reentries);
}

/// Counters of the two entry points and the last `msg_reentrant`.
#[storage]
pub struct Reentrancy {
    /// Calls of `enter`.
    entries: StorageU256,
    /// Calls of `reenter`.
    reentries: StorageU256,
    /// `msg_reentrant` seen by the last `reenter`.
    last_reentrant: StorageBool,
}

#[public]
impl Reentrancy {
    pub fn entries(&self) -> U256 {
        self.entries.get()
    }

    pub fn reentries(&self) -> U256 {
        self.reentries.get()
    }

    pub fn last_reentrant(&self) -> bool {
        self.last_reentrant.get()
    }

    /// Calls `hook.onEnter()`, which is expected to call `reenter()` back.
    pub fn enter(&mut self, hook: Address) -> Result<(), CallError> {
        let entries = self.entries.get() + U256::from(1);
        self.entries.set(entries);
        self.vm().log(Entered { hook, entries });
        let context = Call::new_mutating(self);
        IReentryHook::new(hook).on_enter(self.vm(), context)?;
        let reentries = self.reentries.get();
        self.vm().log(Left { hook, reentries });
        Ok(())
    }

    /// Records one re-entry and whether the host saw it as reentrant.
    pub fn reenter(&mut self) {
        let reentrant = self.vm().msg_reentrant();
        self.reentries.set(self.reentries.get() + U256::from(1));
        self.last_reentrant.set(reentrant);
        let by = self.vm().msg_sender();
        self.vm().log(Reentered { by, reentrant });
    }
}

// SAFETY: `Reentrancy` is the program's only top-level storage, rooted at slot 0.
unsafe impl stylus_sdk::stylus_core::storage::TopLevelStorage for Reentrancy {}

/// The program's entry point, as `#[entrypoint]` writes it but letting reentrant calls in.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn user_entrypoint(len: usize) -> usize {
    let host = stylus_sdk::host::VM { host: stylus_sdk::host::WasmVM {} };
    // References pay_for_memory_grow so activation can instrument memory growth.
    host.pay_for_memory_grow(0);
    let input = host.read_args(len);
    let (data, status) = match stylus_sdk::abi::router_entrypoint::<Reentrancy, Reentrancy>(input, host.clone()) {
        Ok(data) => (data, 0),
        Err(data) => (data, 1),
    };
    host.flush_cache(false);
    host.write_result(&data);
    status
}
