//! Prints the contract's Solidity interface (`cargo run --features export-abi`),
//! as `cargo stylus export-abi` runs it. Without the feature this is an empty
//! program so that a plain `cargo build` of the crate still links.
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]

#[cfg(not(any(test, feature = "export-abi")))]
#[no_mangle]
pub extern "C" fn main() {}

#[cfg(feature = "export-abi")]
fn main() {
    mvp_iot_processor::print_abi_from_args();
}
