// The plugin's activation fee and gas model (documented in the README).
// Nitro prices activation by the size of the compiled machine code through
// its data pricer; we have no native compiler, so we use the validator's
// estimate of that size (`asmEstimate`, from Nitro's own formula) times the
// data pricer's initial minimum price.

/** Nitro's DataPricer initial minimum price, wei per byte of compiled code. */
export const DATA_PRICE_WEI_PER_BYTE = 82_928_201n;

/** Fixed gas charged for an activation, besides storage and logs (Nitro charges compile work). */
export const ACTIVATION_BASE_GAS = 1_000_000n;

/** Extra activation gas per byte of WASM (compile work grows with the program). */
export const ACTIVATION_GAS_PER_WASM_BYTE = 10n;

/** Data fee (wei) for activating a program whose compiled size is estimated at `asmEstimate` bytes. */
export function activationDataFee(asmEstimate: number): bigint {
  return BigInt(asmEstimate) * DATA_PRICE_WEI_PER_BYTE;
}

/** Gas charged by activateProgram beyond intrinsic gas. */
export function activationGas(wasmSize: number): bigint {
  return ACTIVATION_BASE_GAS + BigInt(wasmSize) * ACTIVATION_GAS_PER_WASM_BYTE;
}
