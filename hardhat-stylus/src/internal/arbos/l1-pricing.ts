// The parent-chain (L1) price model of an Arbitrum chain, after Nitro's
// arbos/l1pricing: what a transaction's bytes cost to post on the parent
// chain. Nitro brotli-compresses the signed transaction, counts 16 L1 gas
// units per compressed byte (TxDataNonZeroGasEIP2028), prices a unit at
// `pricePerUnit` (ArbGasInfo.getL1BaseFeeEstimate) and charges the result as
// extra child-chain gas: posterCost / child base fee (`gasUsedForL1` in the
// receipt). Estimates (no signed transaction yet) are padded as Nitro pads
// them. Exported for the precompiles (ArbGasInfo, NodeInterface) and for the
// receipt handler that adds `gasUsedForL1` / `l1BlockNumber` to receipts.
import { brotliCompressSync, constants as zlibConstants } from "node:zlib";

/** L1 gas units per byte of compressed transaction data (params.TxDataNonZeroGasEIP2028). */
export const L1_GAS_PER_BYTE = 16n;
/** Nitro's InitialPricePerUnitWei: the parent base fee a new chain assumes (50 gwei). */
export const INITIAL_PRICE_PER_UNIT_WEI = 50_000_000_000n;
/** Estimation padding (l1pricing.go): 16 bytes worth of units, then +1 %. */
export const ESTIMATION_PADDING_UNITS = 16n * L1_GAS_PER_BYTE;
export const ESTIMATION_PADDING_BIPS = 100n;
const ONE_IN_BIPS = 10_000n;

/** How the emulated chain prices its parent chain's data (a plugin option). */
export interface ParentChainPriceModel {
  /** Wei per L1 gas unit: the parent chain's base fee as ArbOS sees it (ArbGasInfo.getL1BaseFeeEstimate). */
  pricePerUnit: bigint;
  /** Brotli level Nitro compresses with (ArbOwnerPublic.getBrotliCompressionLevel); 1 on current chains. */
  brotliCompressionLevel: number;
  /** The parent chain's block number the chain reports (ArbSys has none; receipts' l1BlockNumber). */
  l1BlockNumber: bigint;
}

export const DEFAULT_PARENT_CHAIN_PRICE_MODEL: ParentChainPriceModel = {
  pricePerUnit: INITIAL_PRICE_PER_UNIT_WEI,
  brotliCompressionLevel: 1,
  l1BlockNumber: 0n,
};

/** Bytes after Nitro's brotli compression at `level` (Node's brotli, window 22 as arbcompress uses). */
export function compressedLength(bytes: Uint8Array, level: number): bigint {
  const out = brotliCompressSync(bytes, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: Math.max(0, Math.min(11, level)),
      [zlibConstants.BROTLI_PARAM_LGWIN]: 22,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
  return BigInt(out.length);
}

/** L1 gas units a signed transaction's bytes take (getPosterUnitsWithoutCache). */
export function posterUnits(signedTransaction: Uint8Array, model: ParentChainPriceModel): bigint {
  return L1_GAS_PER_BYTE * compressedLength(signedTransaction, model.brotliCompressionLevel);
}

/** Units with the padding Nitro adds when it estimates from an unsigned transaction. */
export function paddedUnits(units: bigint): bigint {
  return ((units + ESTIMATION_PADDING_UNITS) * (ONE_IN_BIPS + ESTIMATION_PADDING_BIPS)) / ONE_IN_BIPS;
}

export interface ParentChainCost {
  /** L1 gas units (16 per compressed byte, padded for estimates). */
  units: bigint;
  /** Wei the poster is paid: units × pricePerUnit. */
  posterCost: bigint;
  /** The same in child-chain gas at `childBaseFee`: the receipt's `gasUsedForL1`. */
  gasForL1: bigint;
}

/**
 * The parent-chain share of a transaction from its bytes and the price model: the
 * function the receipt handler uses for `gasUsedForL1`.
 * @param transactionBytes the signed transaction (its EIP-2718 encoding), or for an
 *   estimate (`estimate: true`) any encoding of the unsigned transaction.
 * @param childBaseFee the child block's base fee; 0 gives gasForL1 0, as Nitro does.
 */
export function parentChainCost(
  transactionBytes: Uint8Array,
  childBaseFee: bigint,
  model: ParentChainPriceModel = DEFAULT_PARENT_CHAIN_PRICE_MODEL,
  options: { estimate?: boolean } = {},
): ParentChainCost {
  const raw = posterUnits(transactionBytes, model);
  const units = options.estimate === true ? paddedUnits(raw) : raw;
  const posterCost = units * model.pricePerUnit;
  const gasForL1 = childBaseFee > 0n ? posterCost / childBaseFee : 0n;
  return { units, posterCost, gasForL1 };
}
