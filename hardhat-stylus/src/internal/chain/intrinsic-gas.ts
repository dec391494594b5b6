// Intrinsic gas of a transaction (what the EVM charges before execution),
// used by the gas model: a Stylus transaction's receipt gas is this plus the
// program's own gas. Prague rules incl. the EIP-7623 calldata floor.

export interface IntrinsicGas {
  /** 21000 (+32000 + initcode words for CREATE) + 4/16 per calldata byte. */
  intrinsic: bigint;
  /** EIP-7623 floor: 21000 + 10 per calldata token (zero byte = 1, non-zero = 4). */
  floor: bigint;
}

export function intrinsicGas(data: Uint8Array, isCreate: boolean): IntrinsicGas {
  // Counted as numbers (calldata is far below 2^53 bytes), converted once.
  let zeroCount = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 0) zeroCount++;
  const zeros = BigInt(zeroCount);
  const nonZeros = BigInt(data.length - zeroCount);
  let intrinsic = 21_000n + zeros * 4n + nonZeros * 16n;
  if (isCreate) intrinsic += 32_000n + 2n * ((BigInt(data.length) + 31n) / 32n);
  const floor = 21_000n + 10n * (zeros + 4n * nonZeros);
  return { intrinsic, floor };
}
