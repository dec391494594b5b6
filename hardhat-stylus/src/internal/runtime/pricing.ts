// Nitro's ink and gas prices for Stylus host I/O (arbutil pricing.rs,
// user-host-trait, Go programs/api.go) and the EVM costs the host charges
// for state access (EIP-2929 / EIP-2200 / EIP-3529), in one place.

/** Default ink per gas (ArbOS `InkPrice`). */
export const DEFAULT_INK_PRICE = 10_000;

export const HOSTIO_INK = 8_400n;
export const PTR_INK = 13_440n - HOSTIO_INK;
export const EVM_API_INK = 59_673n;
export const DIV_INK = 20_000n;
export const MUL_MOD_INK = 24_100n;
export const ADD_MOD_INK = 21_000n;

/** Base ink of each host function (Nitro `pricing::hostio`). */
export const BASE_INK = {
  read_args: HOSTIO_INK,
  write_result: HOSTIO_INK,
  exit_early: 0n,
  storage_load_bytes32: HOSTIO_INK + 2n * PTR_INK,
  storage_cache_bytes32: HOSTIO_INK + 2n * PTR_INK,
  storage_flush_cache: HOSTIO_INK + EVM_API_INK,
  transient_load_bytes32: HOSTIO_INK + 2n * PTR_INK + EVM_API_INK,
  transient_store_bytes32: HOSTIO_INK + 2n * PTR_INK + EVM_API_INK,
  call_contract: HOSTIO_INK + 3n * PTR_INK + EVM_API_INK,
  delegate_call_contract: HOSTIO_INK + 3n * PTR_INK + EVM_API_INK,
  static_call_contract: HOSTIO_INK + 3n * PTR_INK + EVM_API_INK,
  create1: HOSTIO_INK + 3n * PTR_INK + EVM_API_INK,
  create2: HOSTIO_INK + 4n * PTR_INK + EVM_API_INK,
  read_return_data: HOSTIO_INK + EVM_API_INK,
  return_data_size: HOSTIO_INK,
  emit_log: HOSTIO_INK + EVM_API_INK,
  account_balance: HOSTIO_INK + 2n * PTR_INK + EVM_API_INK,
  account_code: HOSTIO_INK + EVM_API_INK,
  account_code_size: HOSTIO_INK + EVM_API_INK,
  account_codehash: HOSTIO_INK + 2n * PTR_INK + EVM_API_INK,
  block_basefee: HOSTIO_INK + PTR_INK,
  block_coinbase: HOSTIO_INK + PTR_INK,
  block_gas_limit: HOSTIO_INK,
  block_number: HOSTIO_INK,
  block_timestamp: HOSTIO_INK,
  chainid: HOSTIO_INK,
  contract_address: HOSTIO_INK + PTR_INK,
  evm_gas_left: HOSTIO_INK,
  evm_ink_left: HOSTIO_INK,
  math_div: HOSTIO_INK + 3n * PTR_INK + DIV_INK,
  math_mod: HOSTIO_INK + 3n * PTR_INK + DIV_INK,
  math_pow: HOSTIO_INK + 3n * PTR_INK,
  math_add_mod: HOSTIO_INK + 4n * PTR_INK + ADD_MOD_INK,
  math_mul_mod: HOSTIO_INK + 4n * PTR_INK + MUL_MOD_INK,
  msg_reentrant: HOSTIO_INK,
  msg_sender: HOSTIO_INK + PTR_INK,
  msg_value: HOSTIO_INK + PTR_INK,
  native_keccak256: 0n,
  tx_gas_price: HOSTIO_INK + PTR_INK,
  tx_ink_price: HOSTIO_INK,
  tx_origin: HOSTIO_INK + PTR_INK,
  pay_for_memory_grow: HOSTIO_INK,
} as const;

const satSub32 = (bytes: number): bigint => BigInt(Math.max(0, bytes - 32));

/** Ink to copy `bytes` from the host into WASM memory. */
export const writePrice = (bytes: number): bigint => 5_040n + 30n * satSub32(bytes);
/** Ink to copy `bytes` from WASM memory into the host. */
export const readPrice = (bytes: number): bigint => 16_381n + 55n * satSub32(bytes);
/** Ink of native_keccak256 over `bytes`. */
export const keccakPrice = (bytes: number): bigint => {
  const words = Math.max(0, Math.ceil(bytes / 32) - 2);
  return 121_800n + 21_000n * BigInt(words);
};
/** Ink of math_pow for a big-endian exponent. */
export const powPrice = (exponent: Uint8Array): bigint => {
  let exp = 33n;
  for (const b of exponent) {
    if (b !== 0) break;
    exp -= 1n;
  }
  return 3_000n + exp * 17_500n;
};

// EVM gas constants.
export const COLD_SLOAD_GAS = 2_100n;
export const WARM_READ_GAS = 100n;
export const COLD_ACCOUNT_GAS = 2_600n;
export const SSTORE_SENTRY_GAS = 2_300n;
export const SSTORE_SET_GAS = 20_000n;
export const SSTORE_RESET_GAS = 5_000n - COLD_SLOAD_GAS;
export const SSTORE_CLEARS_REFUND = 4_800n;
export const TLOAD_GAS = 100n;
export const TSTORE_GAS = 100n;
export const LOG_TOPIC_GAS = 375n;
export const LOG_DATA_GAS = 8n;
export const CALL_VALUE_GAS = 9_000n;
export const CALL_NEW_ACCOUNT_GAS = 25_000n;
export const CALL_STIPEND = 2_300n;
export const CREATE_GAS = 32_000n;
export const INITCODE_WORD_GAS = 2n;
export const KECCAK_WORD_GAS = 6n;
/** Extra gas Nitro charges when a host function loads an account's code (ExtcodeSizeGasEIP150). */
export const ACCOUNT_CODE_LOAD_GAS = 700n;
/** Gas a storage cache access needs to be available (StorageCache::REQUIRED_ACCESS_GAS). */
export const STORAGE_CACHE_REQUIRED_ACCESS_GAS = 10n;

/** Nitro StorageCache::read_gas, by the 1-based count of cache reads. */
export const cacheReadGas = (reads: number): bigint => (reads <= 32 ? 0n : reads <= 128 ? 2n : 10n);
/** Nitro StorageCache::write_gas, by the 1-based count of cache writes. */
export const cacheWriteGas = (writes: number): bigint => (writes <= 8 ? 0n : writes <= 64 ? 7n : 10n);

/** Memory model (ArbOS defaults): free pages per transaction and gas per page beyond them. */
export const FREE_PAGES = 2;
export const PAGE_GAS = 1_000n;

/**
 * Gas to open `newPages` pages when `open` are open and `ever` were ever open in the transaction
 * (Nitro MemoryModel.GasCost, linear term only; the exponential term is omitted: see README-runtime.md).
 */
export function memoryGas(newPages: number, open: number, ever: number): bigint {
  const newOpen = open + newPages;
  const newEver = Math.max(ever, newOpen);
  if (newEver <= FREE_PAGES) return 0n;
  const subFree = (p: number): number => Math.max(0, p - FREE_PAGES);
  const adding = Math.max(0, subFree(newOpen) - subFree(open));
  return BigInt(adding) * PAGE_GAS;
}

/** EIP-2200 + EIP-2929 SSTORE gas (cold surcharge included) and EIP-3529 refund delta. */
export function sstoreCost(
  original: bigint,
  current: bigint,
  next: bigint,
  cold: boolean,
): { gas: bigint; refund: bigint } {
  const coldGas = cold ? COLD_SLOAD_GAS : 0n;
  if (current === next) return { gas: coldGas + WARM_READ_GAS, refund: 0n };
  if (original === current) {
    if (original === 0n) return { gas: coldGas + SSTORE_SET_GAS, refund: 0n };
    return { gas: coldGas + SSTORE_RESET_GAS, refund: next === 0n ? SSTORE_CLEARS_REFUND : 0n };
  }
  let refund = 0n;
  if (original !== 0n) {
    if (current === 0n) refund -= SSTORE_CLEARS_REFUND;
    else if (next === 0n) refund += SSTORE_CLEARS_REFUND;
  }
  if (original === next) {
    refund += original === 0n ? SSTORE_SET_GAS - WARM_READ_GAS : SSTORE_RESET_GAS - WARM_READ_GAS;
  }
  return { gas: coldGas + WARM_READ_GAS, refund };
}

/** ArbOS defaults: minimum init gas per call (72 x 128) and for a cached program (11 x 32). */
export const MIN_INIT_GAS = 9_216n;
export const MIN_CACHED_INIT_GAS = 352n;

/**
 * Gas Nitro charges before a program runs (Go `programs.go` call cost, default scalars of 100 %):
 * the minimum plus the program's init gas, or the cheaper cached figures when the program is in
 * Nitro's LRU cache. Pass the result as `initGas` to `executeStylusProgram`.
 */
export function programStartupGas(info: { initGas: number; cachedInitGas: number }, cached = false): bigint {
  return cached ? MIN_CACHED_INIT_GAS + BigInt(info.cachedInitGas) : MIN_INIT_GAS + BigInt(info.initGas);
}
