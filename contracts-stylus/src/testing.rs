//! Test fixture shared by the unit tests: a `TestVM` with the contract on it,
//! named accounts, log helpers and the shared Merkle vectors
//! (`test/vectors/merkle.json`, written by the TypeScript side).

use alloc::vec::Vec;

use alloy_primitives::{address, b256, Address, B256};
use alloy_sol_types::SolEvent;
use serde_json::Value;
use stylus_sdk::{host::VM, testing::TestVM};

use crate::MVPIoTProcessor;

/// The owner in every fixture.
pub const ALICE: Address = address!("0x00000000000000000000000000000000000a11ce");
/// An authorised submitter in [`Fixture::initialized`].
pub const BOB: Address = address!("0x0000000000000000000000000000000000000b0b");
/// An account with no rights.
pub const EVE: Address = address!("0x0000000000000000000000000000000000000e5e");
/// The owner of [`DEVICE`].
pub const DAVE: Address = address!("0x0000000000000000000000000000000000000da5");
/// A device registered (active) in [`Fixture::with_device`].
pub const DEVICE: B256 =
    b256!("0x6465766963652d30000000000000000000000000000000000000000000000000");
/// A proof hash (SHA-256 of "reading-0").
pub const PROOF: B256 = b256!("0x5bc60aca312f7fcfc3cf38adda2f7a6d91b333f11e716fab762cd6772ad9d2a8");
/// Block timestamp the fixtures start at.
pub const T0: u64 = 1_700_000_000;
/// Block number the fixtures start at.
pub const BLOCK0: u64 = 4_200;

/// A test VM and the contract deployed on it.
pub struct Fixture {
    /// The mocked host: sender, block, storage, logs.
    pub vm: TestVM,
    /// The contract under test.
    pub contract: MVPIoTProcessor,
}

impl Fixture {
    /// A fresh contract, not initialised, at block [`BLOCK0`] / time [`T0`].
    pub fn new() -> Self {
        let vm = TestVM::new();
        vm.set_block_timestamp(T0);
        vm.set_block_number(BLOCK0);
        vm.set_sender(EVE);
        let contract = MVPIoTProcessor::from(&vm);
        Self { vm, contract }
    }

    /// Owner [`ALICE`], submitter [`BOB`]; logs cleared.
    pub fn initialized() -> Self {
        let mut f = Self::new();
        f.vm.set_sender(ALICE);
        f.contract
            .initialize(ALICE)
            .expect("fixture: first initialize succeeds");
        f.contract
            .set_submitter(BOB, true)
            .expect("fixture: the owner may add a submitter");
        f.vm.clear_mocks();
        f
    }

    /// [`Fixture::initialized`] plus [`DEVICE`] registered by [`BOB`] for [`DAVE`]; logs cleared.
    pub fn with_device() -> Self {
        let mut f = Self::initialized();
        f.vm.set_sender(BOB);
        f.contract
            .register_device(DEVICE, DAVE)
            .expect("fixture: a submitter may register a device");
        f.vm.clear_mocks();
        f
    }

    /// Sets `msg.sender` for the following calls.
    pub fn sender(&self, account: Address) {
        self.vm.set_sender(account);
    }

    /// The logs emitted since the fixture was made (or last cleared).
    pub fn logs(&self) -> Vec<(Vec<B256>, Vec<u8>)> {
        self.vm.get_emitted_logs()
    }

    /// Asserts that exactly `event` was emitted since the last clear, then clears the logs.
    pub fn assert_emitted_only<E: SolEvent>(&self, event: E) {
        assert_eq!(self.logs(), vec![encoded(&event)], "emitted logs");
        self.vm.clear_mocks();
    }

    /// Asserts that nothing was emitted since the last clear.
    pub fn assert_no_logs(&self) {
        assert!(
            self.logs().is_empty(),
            "expected no logs, got {:?}",
            self.logs()
        );
    }

    /// A `VM` handle on this fixture's host, for calls through the ABI router.
    pub fn host(&self) -> VM {
        VM {
            host: alloc::boxed::Box::new(self.vm.clone()),
        }
    }
}

/// The raw `(topics, data)` the host receives for `event`.
pub fn encoded<E: SolEvent>(event: &E) -> (Vec<B256>, Vec<u8>) {
    let topics = event.encode_topics().into_iter().map(|t| t.0).collect();
    (topics, event.encode_data())
}

/// The shared Merkle vectors.
pub fn merkle_vectors() -> Value {
    serde_json::from_str(include_str!("../../test/vectors/merkle.json"))
        .expect("test/vectors/merkle.json is valid JSON")
}

/// A 32-byte word from a vector field.
pub fn word(value: &Value) -> B256 {
    value
        .as_str()
        .expect("vector field is a hex string")
        .parse()
        .expect("vector field is a 32-byte hex word")
}

/// A list of 32-byte words from a vector field.
pub fn words(value: &Value) -> Vec<B256> {
    value
        .as_array()
        .expect("vector field is an array")
        .iter()
        .map(word)
        .collect()
}

/// A `u32` from a vector field.
pub fn number(value: &Value) -> u32 {
    let n = value.as_u64().expect("vector field is a number");
    u32::try_from(n).expect("vector number fits in u32")
}
