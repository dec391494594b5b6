// NodeInterface (0xc8), after Nitro's execution/nodeinterface: a virtual
// contract that only the node's RPC answers (a contract calling 0xc8 finds
// no code). Answered here: gasEstimateComponents and gasEstimateL1Component
// (what the SDK, cast and cargo-stylus call for the parent-chain share, with
// Nitro's fake transaction, padding and 7/8-price rule), nitroGenesisBlock,
// blockL1Num / l2BlockRangeForL1 (one parent block for the whole chain:
// the price model's l1BlockNumber), findBatchContainingBlock (each block is
// its own batch: nothing is posted) and getL1Confirmations (0). Outbox
// proofs, legacy lookups and retryable estimates revert: this chain has no
// outbox or retryables.
import { hexToBytes, keccak256, serializeTransaction, stringToHex, toHex, type Address, type Hex } from "viem";

import type { ArbOsCallContext, ArbOsCallResult } from "./types.js";

import { INITIAL_MINIMUM_BASE_FEE_WEI } from "./arb-gas-info.js";
import { DEFAULT_PARENT_CHAIN_PRICE_MODEL, parentChainCost, type ParentChainPriceModel } from "./l1-pricing.js";
import { definePrecompile, type DefinedPrecompile, PrecompileRevert } from "./precompile-kit.js";

export const NODE_INTERFACE_ADDRESS: Address = "0x00000000000000000000000000000000000000C8";

/** arbos.GasEstimationL1PricePadding: +10 % on estimated poster costs. */
export const GAS_ESTIMATION_L1_PRICE_PADDING_BIPS = 11_000n;

/** What only the node can do for NodeInterface: run a gas estimate of another transaction. */
export interface NodeInterfaceServices {
  /** eth_estimateGas of the transaction on this chain (its execution gas). */
  estimateGas(tx: { from: Address; to: Address | null; data: Hex; value: bigint }): Promise<bigint>;
}

/** The call context the RPC handler gives NodeInterface; frames of contracts have no `nodeInterface`. */
export interface NodeInterfaceCallContext extends ArbOsCallContext {
  nodeInterface?: NodeInterfaceServices;
}

export interface NodeInterfaceOptions {
  arbOsVersion: number;
  parentChain?: ParentChainPriceModel;
}

const first = (label: string, bytes: number): bigint => BigInt(keccak256(stringToHex(label)).slice(0, 2 + bytes * 2));
/** l1pricing.go's placeholders for the fields an unsigned transaction lacks. */
const RANDOM_NONCE = first("Nonce", 8);
const RANDOM_GAS_TIP_CAP = first("GasTipCap", 4);
const RANDOM_GAS_FEE_CAP = first("GasFeeCap", 4);
export const RANDOM_GAS = first("Gas", 4);

/** The stand-in transaction Nitro compresses when it estimates (makeFakeTxForMessage). */
export function fakeTransactionBytes(chainId: bigint, tx: { nonce: bigint; to: Address | null; value: bigint; data: Hex }): Uint8Array {
  const serialized = serializeTransaction(
    {
      type: "eip1559",
      chainId: Number(chainId),
      nonce: Number(tx.nonce === 0n ? RANDOM_NONCE & 0x1fffffffffffffn : tx.nonce),
      maxPriorityFeePerGas: RANDOM_GAS_TIP_CAP,
      maxFeePerGas: RANDOM_GAS_FEE_CAP,
      gas: RANDOM_GAS,
      to: tx.to ?? undefined,
      value: tx.value,
      data: tx.data,
    },
    { r: keccak256(toHex("R")), s: keccak256(toHex("S")), yParity: 1 },
  );
  return hexToBytes(serialized);
}

/**
 * ArbOS's own child base fee (L2PricingState.BaseFeeWei), which NodeInterface answers with: never
 * below the minimum base fee, even where the emulated block's EIP-1559 base fee has sunk below it.
 */
export function arbOsBaseFee(blockBaseFee: bigint): bigint {
  return blockBaseFee > INITIAL_MINIMUM_BASE_FEE_WEI ? blockBaseFee : INITIAL_MINIMUM_BASE_FEE_WEI;
}

export function createNodeInterface(options: NodeInterfaceOptions): DefinedPrecompile {
  const model = options.parentChain ?? DEFAULT_PARENT_CHAIN_PRICE_MODEL;

  const posterCostOf = async (context: ArbOsCallContext, to: Address, creation: boolean, data: Hex): Promise<bigint> => {
    const nonce = await context.state.getNonce(context.caller);
    const bytes = fakeTransactionBytes(context.chainId, { nonce, to: creation ? null : to, value: context.value, data });
    return parentChainCost(bytes, arbOsBaseFee(context.block.baseFee), model, { estimate: true }).posterCost;
  };

  const inner = definePrecompile({
    address: NODE_INTERFACE_ADDRESS,
    name: "NodeInterface",
    arbOsVersion: options.arbOsVersion,
    methods: [
      {
        signature:
          "function gasEstimateComponents(address to, bool contractCreation, bytes data) payable returns (uint64 gasEstimate, uint64 gasEstimateForL1, uint256 baseFee, uint256 l1BaseFeeEstimate)",
        run: async ([to, creation, data], s) => {
          const context = s.context as NodeInterfaceCallContext;
          const target = to as Address;
          if (BigInt(target) === BigInt(NODE_INTERFACE_ADDRESS) || BigInt(target) === 0xc9n) {
            throw new PrecompileRevert(new Uint8Array(), "cannot estimate virtual contract");
          }
          const services = context.nodeInterface;
          if (services === undefined) throw new PrecompileRevert();
          let execution: bigint;
          try {
            execution = await services.estimateGas({
              from: context.caller,
              to: (creation as boolean) ? null : target,
              data: data as Hex,
              value: context.value,
            });
          } catch (error) {
            // The inner estimate failed: revert with its revert data, as Nitro does.
            const revertData = (error as { data?: unknown }).data;
            throw new PrecompileRevert(typeof revertData === "string" && revertData.startsWith("0x") ? (revertData as Hex) : new Uint8Array());
          }
          const baseFee = arbOsBaseFee(context.block.baseFee);
          const posterCost = (await posterCostOf(context, target, creation as boolean, data as Hex)) * GAS_ESTIMATION_L1_PRICE_PADDING_BIPS / 10_000n;
          let price = (baseFee * 7n) / 8n;
          if (price < INITIAL_MINIMUM_BASE_FEE_WEI) price = INITIAL_MINIMUM_BASE_FEE_WEI;
          const gasForL1 = posterCost / price;
          return [execution + gasForL1, gasForL1, baseFee, model.pricePerUnit];
        },
      },
      {
        signature:
          "function gasEstimateL1Component(address to, bool contractCreation, bytes data) payable returns (uint64 gasEstimateForL1, uint256 baseFee, uint256 l1BaseFeeEstimate)",
        run: async ([to, creation, data], s) => {
          const baseFee = arbOsBaseFee(s.context.block.baseFee);
          const posterCost = (await posterCostOf(s.context, to as Address, creation as boolean, data as Hex)) * GAS_ESTIMATION_L1_PRICE_PADDING_BIPS / 10_000n;
          return [baseFee > 0n ? posterCost / baseFee : 0n, baseFee, model.pricePerUnit];
        },
      },
      { signature: "function nitroGenesisBlock() pure returns (uint256 number)", run: () => 0n },
      {
        signature: "function blockL1Num(uint64 l2BlockNum) view returns (uint64 l1BlockNum)",
        run: ([n], s) => {
          if ((n as bigint) > s.context.block.number) throw new PrecompileRevert(new Uint8Array(), "block not found");
          return model.l1BlockNumber;
        },
      },
      {
        signature: "function l2BlockRangeForL1(uint64 blockNum) view returns (uint64 firstBlock, uint64 lastBlock)",
        run: ([n], s) => {
          if ((n as bigint) !== model.l1BlockNumber) throw new PrecompileRevert(new Uint8Array(), `no L2 block was found for L1 block ${n as bigint}`);
          return [0n, s.context.block.number];
        },
      },
      {
        signature: "function findBatchContainingBlock(uint64 blockNum) view returns (uint64 batch)",
        run: ([n], s) => {
          if ((n as bigint) > s.context.block.number) {
            throw new PrecompileRevert(new Uint8Array(), `requested block ${n as bigint} is after latest on-chain block ${s.context.block.number} published in batch`);
          }
          return n as bigint;
        },
      },
      { signature: "function getL1Confirmations(bytes32 blockHash) view returns (uint64 confirmations)", run: () => 0n },
    ],
  });

  return {
    address: NODE_INTERFACE_ADDRESS,
    name: "NodeInterface",
    abi: inner.abi,
    async call(context: ArbOsCallContext): Promise<ArbOsCallResult> {
      // Virtual: a contract's call finds an account without code (success, no data), as on Nitro.
      if ((context as NodeInterfaceCallContext).nodeInterface === undefined) {
        return { success: true, returnData: new Uint8Array(), gasUsed: 0n, logs: [], transfers: [] };
      }
      return await inner.call(context);
    },
  };
}

