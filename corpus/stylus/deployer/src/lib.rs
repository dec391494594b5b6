//! Corpus program `deployer`: StylusDeployer written as a Stylus program.
//!
//! `deploy` CREATE2s the init code it is given, activates the new program
//! through ArbWasm (0x71) unless its code hash is already active, calls its
//! constructor with `initValue` wei, and sends what is left of msg.value (the
//! activation refund included) back to the sender, all in one transaction.
//! `create` is a plain CREATE with an endowment, e.g. of EVM init code, so a
//! program creates an EVM contract. These are the `create1` / `create2` host
//! calls, and a program calling a precompile with value.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::sol;
use stylus_sdk::{
    abi::Bytes,
    call::{call, transfer::transfer_eth},
    deploy::RawDeploy,
    prelude::*,
};

sol_interface! {
    interface IArbWasm {
        function activateProgram(address program) external payable returns (uint16 version, uint256 dataFee);
        function codehashVersion(bytes32 codehash) external view returns (uint16 version);
    }
}

sol! {
    /// `deployed` was created (`salt` zero for `create`); `activated` when this call activated it.
    event ProgramDeployed(address indexed deployed, bytes32 salt, bool activated);
    /// CREATE/CREATE2 failed; `reason` is the init code's revert data.
    error DeployerCreateFailed(bytes reason);
    /// The activation call failed.
    error DeployerActivationFailed(bytes reason);
    /// The constructor call failed.
    error DeployerInitFailed(bytes reason);
    /// msg.value does not cover `initValue`.
    error DeployerInsufficientValue(uint256 value, uint256 initValue);
}

/// The deployer's errors, ABI-encoded as the custom errors above.
#[derive(SolidityError)]
pub enum Error {
    CreateFailed(DeployerCreateFailed),
    ActivationFailed(DeployerActivationFailed),
    InitFailed(DeployerInitFailed),
    InsufficientValue(DeployerInsufficientValue),
}

const ARB_WASM: Address = Address::new([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x71]);

/// No state: every deployment is one transaction.
#[storage]
#[entrypoint]
pub struct Deployer {}

impl Deployer {
    fn _create(&mut self, code: &[u8], endowment: U256, salt: Option<B256>) -> Result<Address, Error> {
        self.vm().flush_cache(true);
        // SAFETY: the deployer keeps no storage references across the call.
        unsafe { RawDeploy::new().salt_option(salt).deploy(self.vm(), code, endowment) }
            .map_err(|reason| Error::CreateFailed(DeployerCreateFailed { reason: reason.into() }))
    }
}

#[public]
impl Deployer {
    /// CREATE2 + activation + constructor; returns the new program's address.
    ///
    /// # Errors
    /// `DeployerInsufficientValue`, `DeployerCreateFailed`, `DeployerActivationFailed`, `DeployerInitFailed`.
    #[payable]
    pub fn deploy(&mut self, init_code: Bytes, init_data: Bytes, init_value: U256, salt: B256) -> Result<Address, Error> {
        let value = self.vm().msg_value();
        if value < init_value {
            return Err(Error::InsufficientValue(DeployerInsufficientValue { value, initValue: init_value }));
        }
        let program = self._create(&init_code, U256::ZERO, Some(salt))?;

        let arb_wasm = IArbWasm::new(ARB_WASM);
        let code_hash = self.vm().code_hash(program);
        let active = arb_wasm.codehash_version(self.vm(), Call::new(), code_hash).is_ok();
        if !active {
            let context = Call::new_payable(self, value - init_value);
            arb_wasm
                .activate_program(self.vm(), context, program)
                .map_err(|e| Error::ActivationFailed(DeployerActivationFailed { reason: Vec::from(e).into() }))?;
        }

        if !init_data.is_empty() {
            let context = Call::new_payable(self, init_value);
            call(self.vm(), context, program, &init_data)
                .map_err(|e| Error::InitFailed(DeployerInitFailed { reason: Vec::from(e).into() }))?;
        }
        self.vm().log(ProgramDeployed { deployed: program, salt, activated: !active });

        let rest = self.vm().balance(self.vm().contract_address());
        if !rest.is_zero() {
            let sender = self.vm().msg_sender();
            transfer_eth(self.vm(), sender, rest)
                .map_err(|reason| Error::InitFailed(DeployerInitFailed { reason: reason.into() }))?;
        }
        Ok(program)
    }

    /// Plain CREATE of `init_code` with msg.value as endowment.
    ///
    /// # Errors
    /// `DeployerCreateFailed` with the init code's revert data.
    #[payable]
    pub fn create(&mut self, init_code: Bytes) -> Result<Address, Error> {
        let value = self.vm().msg_value();
        let created = self._create(&init_code, value, None)?;
        self.vm().log(ProgramDeployed { deployed: created, salt: B256::ZERO, activated: false });
        Ok(created)
    }
}
