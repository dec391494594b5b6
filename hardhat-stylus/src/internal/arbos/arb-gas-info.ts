// ArbGasInfo (0x6c), after Nitro's precompiles/ArbGasInfo.go: child-chain
// gas prices from the block's base fee and parent-chain prices from the
// price model (l1-pricing.ts). Pricing parameters are Nitro's initial values
// (arbos/l1pricing, arbos/l2pricing); the L1 pricer's accounting (surplus,
// fees available, units since update) is zero because this chain posts no
// batches.
import type { Address } from "viem";

import { DEFAULT_PARENT_CHAIN_PRICE_MODEL, L1_GAS_PER_BYTE, type ParentChainPriceModel } from "./l1-pricing.js";
import { definePrecompile, type DefinedPrecompile, STORAGE_WRITE_COST } from "./precompile-kit.js";

export const ARBGASINFO_ADDRESS: Address = "0x000000000000000000000000000000000000006C";

/** Nitro's constants (precompiles/ArbGasInfo.go, arbos/l1pricing, arbos/l2pricing). */
export const ASSUMED_SIMPLE_TX_SIZE = 140n;
export const INITIAL_MINIMUM_BASE_FEE_WEI = 100_000_000n;
export const INITIAL_SPEED_LIMIT_PER_SECOND = 7_000_000n;
export const INITIAL_PER_BLOCK_GAS_LIMIT = 32_000_000n;
export const INITIAL_PER_TX_GAS_LIMIT = 32_000_000n;
export const INITIAL_PRICING_INERTIA = 102n;
export const INITIAL_BACKLOG_TOLERANCE = 10n;
export const INITIAL_L1_INERTIA = 10n;
export const INITIAL_PER_UNIT_REWARD = 10n;
export const INITIAL_PER_BATCH_GAS_COST = 210_000n;
export const INITIAL_EQUILIBRATION_UNITS = L1_GAS_PER_BYTE * 10_000_000n;

export interface ArbGasInfoOptions {
  arbOsVersion: number;
  parentChain?: ParentChainPriceModel;
  /** Receives the L1 pricing rewards (ArbGasInfo.getL1RewardRecipient): the chain owner. */
  chainOwner: Address;
}

export function createArbGasInfo(options: ArbGasInfoOptions): DefinedPrecompile {
  const model = options.parentChain ?? DEFAULT_PARENT_CHAIN_PRICE_MODEL;
  const v = options.arbOsVersion;

  const pricesInWei = (l2GasPrice: bigint): bigint[] => {
    const weiForL1Calldata = model.pricePerUnit * L1_GAS_PER_BYTE;
    const perL2Tx = weiForL1Calldata * ASSUMED_SIMPLE_TX_SIZE;
    const weiForL2Storage = l2GasPrice * STORAGE_WRITE_COST;
    if (v < 4) return [perL2Tx, weiForL1Calldata, weiForL2Storage, l2GasPrice, 0n, l2GasPrice];
    const perArbGasBase = l2GasPrice < INITIAL_MINIMUM_BASE_FEE_WEI ? l2GasPrice : INITIAL_MINIMUM_BASE_FEE_WEI;
    return [perL2Tx, weiForL1Calldata, weiForL2Storage, perArbGasBase, l2GasPrice - perArbGasBase, l2GasPrice];
  };
  const pricesInArbGas = (l2GasPrice: bigint): bigint[] => {
    const weiForL1Calldata = model.pricePerUnit * L1_GAS_PER_BYTE;
    const gasForL1Calldata = l2GasPrice > 0n ? weiForL1Calldata / l2GasPrice : 0n;
    if (v < 4) return [ASSUMED_SIMPLE_TX_SIZE, gasForL1Calldata, STORAGE_WRITE_COST];
    const gasPerL2Tx = l2GasPrice > 0n ? (weiForL1Calldata * ASSUMED_SIMPLE_TX_SIZE) / l2GasPrice : 0n;
    return [gasPerL2Tx, gasForL1Calldata, STORAGE_WRITE_COST];
  };

  return definePrecompile({
    address: ARBGASINFO_ADDRESS,
    name: "ArbGasInfo",
    arbOsVersion: v,
    methods: [
      {
        signature: "function getPricesInWeiWithAggregator(address aggregator) view returns (uint256, uint256, uint256, uint256, uint256, uint256)",
        reads: 2,
        run: (_a, s) => pricesInWei(s.context.block.baseFee),
      },
      {
        signature: "function getPricesInWei() view returns (uint256, uint256, uint256, uint256, uint256, uint256)",
        reads: 2,
        run: (_a, s) => pricesInWei(s.context.block.baseFee),
      },
      {
        signature: "function getPricesInArbGasWithAggregator(address aggregator) view returns (uint256, uint256, uint256)",
        reads: 1,
        run: (_a, s) => pricesInArbGas(s.context.block.baseFee),
      },
      {
        signature: "function getPricesInArbGas() view returns (uint256, uint256, uint256)",
        reads: 1,
        run: (_a, s) => pricesInArbGas(s.context.block.baseFee),
      },
      {
        signature: "function getGasAccountingParams() view returns (uint256, uint256, uint256)",
        reads: 2,
        run: () => [INITIAL_SPEED_LIMIT_PER_SECOND, INITIAL_PER_BLOCK_GAS_LIMIT, INITIAL_PER_BLOCK_GAS_LIMIT],
      },
      { signature: "function getMaxTxGasLimit() view returns (uint256)", since: 50, reads: 1, run: () => INITIAL_PER_TX_GAS_LIMIT },
      { signature: "function getMaxBlockGasLimit() view returns (uint64)", since: 50, reads: 1, run: () => INITIAL_PER_BLOCK_GAS_LIMIT },
      { signature: "function getMinimumGasPrice() view returns (uint256)", reads: 1, run: () => INITIAL_MINIMUM_BASE_FEE_WEI },
      { signature: "function getL1BaseFeeEstimate() view returns (uint256)", reads: 1, run: () => model.pricePerUnit },
      { signature: "function getL1BaseFeeEstimateInertia() view returns (uint64)", reads: 1, run: () => INITIAL_L1_INERTIA },
      { signature: "function getL1RewardRate() view returns (uint64)", since: 11, reads: 1, run: () => INITIAL_PER_UNIT_REWARD },
      { signature: "function getL1RewardRecipient() view returns (address)", since: 11, reads: 1, run: () => options.chainOwner },
      { signature: "function getL1GasPriceEstimate() view returns (uint256)", reads: 1, run: () => model.pricePerUnit },
      // The poster fee of the running transaction: none in a call or a frame this emulation runs.
      { signature: "function getCurrentTxL1GasFees() view returns (uint256)", run: () => 0n },
      { signature: "function getGasBacklog() view returns (uint64)", reads: 1, run: () => 0n },
      { signature: "function getPricingInertia() view returns (uint64)", reads: 1, run: () => INITIAL_PRICING_INERTIA },
      { signature: "function getGasBacklogTolerance() view returns (uint64)", reads: 1, run: () => INITIAL_BACKLOG_TOLERANCE },
      { signature: "function getL1PricingSurplus() view returns (int256)", reads: 2, run: () => 0n },
      { signature: "function getPerBatchGasCharge() view returns (int64)", reads: 1, run: () => INITIAL_PER_BATCH_GAS_COST },
      { signature: "function getAmortizedCostCapBips() view returns (uint64)", reads: 1, run: () => 0n },
      { signature: "function getL1FeesAvailable() view returns (uint256)", since: 10, reads: 1, run: () => 0n },
      {
        signature: "function getL1PricingEquilibrationUnits() view returns (uint256)",
        since: 20,
        reads: 1,
        run: () => INITIAL_EQUILIBRATION_UNITS,
      },
      { signature: "function getLastL1PricingUpdateTime() view returns (uint64)", since: 20, reads: 1, run: () => 0n },
      { signature: "function getL1PricingFundsDueForRewards() view returns (uint256)", since: 20, reads: 1, run: () => 0n },
      { signature: "function getL1PricingUnitsSinceUpdate() view returns (uint64)", since: 20, reads: 1, run: () => 0n },
      { signature: "function getLastL1PricingSurplus() view returns (int256)", since: 20, reads: 1, run: () => 0n },
      { signature: "function getGasPricingConstraints() view returns (uint64[3][])", since: 50, reads: 1, run: () => [] },
    ],
  });
}
