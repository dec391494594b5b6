//! Solidity interface export (`export-abi` feature): the SDK's generated
//! interface (functions and errors) plus the contract's events, which the SDK
//! does not list. `scripts/build-contract.ts` compiles this output with solc
//! into the committed JSON ABI.

#[cfg(feature = "export-abi")]
use alloc::{format, string::String};
#[cfg(feature = "export-abi")]
use core::fmt;

#[cfg(feature = "export-abi")]
use stylus_sdk::abi::export::{print_license_and_pragma, GenerateAbi};

#[cfg(feature = "export-abi")]
use crate::MVPIoTProcessor;

/// The custom errors of every component, as declared in `docs/contract-interface.sol`
/// (the SDK prints them without parameter names). A unit test checks each
/// against the `sol!` error the code returns.
pub const ERROR_DECLARATIONS: &[&str] = &[
    "error AccessAlreadyInitialized();",
    "error AccessNotInitialized();",
    "error AccessUnauthorized(address account);",
    "error AccessZeroAddress();",
    "error RegistryDeviceExists(bytes32 device_id);",
    "error RegistryUnknownDevice(bytes32 device_id);",
    "error RegistryDeviceInactive(bytes32 device_id);",
    "error ProofZeroHash();",
    "error ProofAlreadyCommitted(bytes32 proof_hash);",
    "error BatchZeroRoot();",
    "error BatchEmpty();",
    "error BatchAlreadyCommitted(bytes32 batch_id);",
    "error ResultAlreadySubmitted(bytes32 task_id);",
];

/// The events of every component, as declared in `docs/contract-interface.sol`.
/// A unit test checks each against the `sol!` event the code emits.
pub const EVENT_DECLARATIONS: &[&str] = &[
    "event OwnershipTransferred(address indexed previous_owner, address indexed new_owner);",
    "event SubmitterUpdated(address indexed account, bool allowed);",
    "event DeviceRegistered(bytes32 indexed device_id, address indexed device_owner);",
    "event DeviceStatusChanged(bytes32 indexed device_id, bool active);",
    "event ProofCommitted(bytes32 indexed proof_hash, bytes32 indexed device_id, address indexed submitter, uint64 timestamp);",
    "event BatchCommitted(bytes32 indexed batch_id, bytes32 indexed root, address indexed submitter, uint32 count, uint64 timestamp);",
    "event ResultSubmitted(bytes32 indexed task_id, bytes32 indexed proof_hash, address indexed submitter);",
];

#[cfg(feature = "export-abi")]
mod printer {
    use super::*;

    const DEFAULT_LICENSE: &str = "MIT";
    const DEFAULT_PRAGMA: &str = "pragma solidity ^0.8.23;";

    /// Formats the SDK's interface through `Display`.
    struct Interface;

    impl fmt::Display for Interface {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            <MVPIoTProcessor as GenerateAbi>::fmt_abi(f)
        }
    }

    /// Formats the SDK's constructor signature through `Display`.
    struct Constructor;

    impl fmt::Display for Constructor {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            <MVPIoTProcessor as GenerateAbi>::fmt_constructor_signature(f)
        }
    }

    /// The SDK's interface with its unnamed error declarations replaced by
    /// [`ERROR_DECLARATIONS`] (same signatures, parameter names kept) and the
    /// events appended.
    pub fn interface_with_events() -> String {
        let body = format!("{Interface}");
        let close = body
            .rfind('}')
            .expect("the SDK's interface ends with a closing brace");
        let mut kept = String::with_capacity(body.len() + 2048);
        let mut blank = false;
        for line in body[..close].lines() {
            let trimmed = line.trim();
            if trimmed.starts_with("error ") {
                continue;
            }
            if trimmed.is_empty() {
                if !blank {
                    kept.push('\n');
                }
                blank = true;
                continue;
            }
            blank = false;
            kept.push_str(line);
            kept.push('\n');
        }
        let mut out = String::from(kept.trim_end());
        for group in [ERROR_DECLARATIONS, EVENT_DECLARATIONS] {
            out.push('\n');
            for declaration in group {
                out.push_str("\n    ");
                out.push_str(declaration);
            }
        }
        out.push_str("\n}\n");
        out
    }

    /// Prints the interface, reading the arguments the SDK's exporter accepts:
    /// none, `abi [--license L] [--pragma P]`, or `constructor`.
    pub fn print_abi_from_args() {
        let args: alloc::vec::Vec<String> = std::env::args().skip(1).collect();
        let mut license = String::from(DEFAULT_LICENSE);
        let mut pragma = String::from(DEFAULT_PRAGMA);
        let mut rest = args.iter();
        match rest.next().map(String::as_str) {
            None | Some("abi") => {}
            Some("constructor") => {
                print!("{Constructor}");
                return;
            }
            Some(other) => {
                eprintln!("unknown command {other:?}; use: [abi [--license L] [--pragma P] | constructor]");
                std::process::exit(2);
            }
        }
        while let Some(flag) = rest.next() {
            let value = rest.next().cloned();
            match (flag.as_str(), value) {
                ("--license", Some(v)) => license = v,
                ("--pragma", Some(v)) => pragma = v,
                _ => {
                    eprintln!(
                        "unknown or incomplete option {flag:?}; use --license L or --pragma P"
                    );
                    std::process::exit(2);
                }
            }
        }
        print_license_and_pragma(&license, &pragma);
        print!("{}", interface_with_events());
    }
}

#[cfg(feature = "export-abi")]
pub use printer::print_abi_from_args;

#[cfg(test)]
mod tests {
    use alloy_sol_types::SolEvent;

    use alloy_sol_types::SolError;

    use super::{ERROR_DECLARATIONS, EVENT_DECLARATIONS};
    use crate::{access, batches, legacy, proofs, registry};

    const INTERFACE: &str = include_str!("../../docs/contract-interface.sol");

    /// `Name(type,type)` from `event Name(type indexed name, type name);`.
    fn canonical(declaration: &str) -> String {
        let rest = declaration
            .strip_prefix("event ")
            .or_else(|| declaration.strip_prefix("error "))
            .expect("starts with event or error");
        let open = rest.find('(').expect("has parameters");
        let types: Vec<&str> = rest[open + 1..rest.rfind(')').expect("closes")]
            .split(',')
            .filter_map(|p| p.split_whitespace().next())
            .collect();
        format!("{}({})", &rest[..open], types.join(","))
    }

    #[test]
    fn declares_the_events_the_code_emits() {
        let emitted = [
            access::OwnershipTransferred::SIGNATURE,
            access::SubmitterUpdated::SIGNATURE,
            registry::DeviceRegistered::SIGNATURE,
            registry::DeviceStatusChanged::SIGNATURE,
            proofs::ProofCommitted::SIGNATURE,
            batches::BatchCommitted::SIGNATURE,
            legacy::ResultSubmitted::SIGNATURE,
        ];
        let declared: Vec<String> = EVENT_DECLARATIONS.iter().map(|d| canonical(d)).collect();
        assert_eq!(declared, emitted);
    }

    #[test]
    fn declares_the_events_exactly_as_the_interface_file() {
        for declaration in EVENT_DECLARATIONS {
            assert!(
                INTERFACE.contains(declaration),
                "{declaration} is not in docs/contract-interface.sol"
            );
        }
        let in_file = INTERFACE
            .lines()
            .filter(|l| l.trim_start().starts_with("event "))
            .count();
        assert_eq!(in_file, EVENT_DECLARATIONS.len());
    }

    #[test]
    fn declares_the_errors_the_code_returns() {
        let returned = [
            access::AccessAlreadyInitialized::SIGNATURE,
            access::AccessNotInitialized::SIGNATURE,
            access::AccessUnauthorized::SIGNATURE,
            access::AccessZeroAddress::SIGNATURE,
            registry::RegistryDeviceExists::SIGNATURE,
            registry::RegistryUnknownDevice::SIGNATURE,
            registry::RegistryDeviceInactive::SIGNATURE,
            proofs::ProofZeroHash::SIGNATURE,
            proofs::ProofAlreadyCommitted::SIGNATURE,
            batches::BatchZeroRoot::SIGNATURE,
            batches::BatchEmpty::SIGNATURE,
            batches::BatchAlreadyCommitted::SIGNATURE,
            legacy::ResultAlreadySubmitted::SIGNATURE,
        ];
        let declared: Vec<String> = ERROR_DECLARATIONS.iter().map(|d| canonical(d)).collect();
        assert_eq!(declared, returned);
        for declaration in ERROR_DECLARATIONS {
            assert!(
                INTERFACE.contains(declaration),
                "{declaration} is not in docs/contract-interface.sol"
            );
        }
    }
}
