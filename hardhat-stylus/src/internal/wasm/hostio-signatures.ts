// The host functions a Stylus program may import, with their exact WebAssembly
// signatures, as Nitro links them (module `vm_hooks`, plus `console` in debug
// mode). Shared by the validator (imports must match exactly) and the runtime
// (which implements each one).

/** A WebAssembly signature written as param and result type names. */
export interface HostioSignature {
  params: readonly ("i32" | "i64" | "f32" | "f64")[];
  results: readonly ("i32" | "i64" | "f32" | "f64")[];
}

const sig = (
  params: HostioSignature["params"],
  results: HostioSignature["results"] = [],
): HostioSignature => ({ params, results });

const I32 = "i32" as const;
const I64 = "i64" as const;

/** Every `vm_hooks` import Nitro provides, by name. */
export const VM_HOOKS: Readonly<Record<string, HostioSignature>> = {
  read_args: sig([I32]),
  write_result: sig([I32, I32]),
  exit_early: sig([I32]),
  storage_load_bytes32: sig([I32, I32]),
  storage_cache_bytes32: sig([I32, I32]),
  storage_flush_cache: sig([I32]),
  transient_load_bytes32: sig([I32, I32]),
  transient_store_bytes32: sig([I32, I32]),
  call_contract: sig([I32, I32, I32, I32, I64, I32], [I32]),
  delegate_call_contract: sig([I32, I32, I32, I64, I32], [I32]),
  static_call_contract: sig([I32, I32, I32, I64, I32], [I32]),
  create1: sig([I32, I32, I32, I32, I32]),
  create2: sig([I32, I32, I32, I32, I32, I32]),
  read_return_data: sig([I32, I32, I32], [I32]),
  return_data_size: sig([], [I32]),
  emit_log: sig([I32, I32, I32]),
  account_balance: sig([I32, I32]),
  account_code: sig([I32, I32, I32, I32], [I32]),
  account_code_size: sig([I32], [I32]),
  account_codehash: sig([I32, I32]),
  block_basefee: sig([I32]),
  block_coinbase: sig([I32]),
  block_gas_limit: sig([], [I64]),
  block_number: sig([], [I64]),
  block_timestamp: sig([], [I64]),
  chainid: sig([], [I64]),
  contract_address: sig([I32]),
  evm_gas_left: sig([], [I64]),
  evm_ink_left: sig([], [I64]),
  math_div: sig([I32, I32]),
  math_mod: sig([I32, I32]),
  math_pow: sig([I32, I32]),
  math_add_mod: sig([I32, I32, I32]),
  math_mul_mod: sig([I32, I32, I32]),
  msg_reentrant: sig([], [I32]),
  msg_sender: sig([I32]),
  msg_value: sig([I32]),
  native_keccak256: sig([I32, I32, I32]),
  tx_gas_price: sig([I32]),
  tx_ink_price: sig([], [I32]),
  tx_origin: sig([I32]),
  pay_for_memory_grow: sig([I32]),
};

/** Debug-only `console` imports (Nitro links them only when debug mode is on). */
export const CONSOLE_HOOKS: Readonly<Record<string, HostioSignature>> = {
  log_txt: sig([I32, I32]),
  log_i32: sig([I32]),
  log_i64: sig([I64]),
  log_f32: sig(["f32"]),
  log_f64: sig(["f64"]),
  tee_i32: sig([I32], [I32]),
  tee_i64: sig([I64], [I64]),
  tee_f32: sig(["f32"], ["f32"]),
  tee_f64: sig(["f64"], ["f64"]),
};

/** Formats a signature as `(i32, i64) -> i32`. */
export function formatSignature(s: HostioSignature): string {
  const results = s.results.length === 0 ? "()" : s.results.join(", ");
  return `(${s.params.join(", ")}) -> ${results}`;
}
