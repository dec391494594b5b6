// Mines the transaction that makes the chain carry out an emulated outcome:
// the effects applier is put at the target address, the original sender
// (impersonated when EDR does not hold its key) sends the original value and
// fee fields to it with the effects as calldata, and the target's code is
// restored afterwards. Also the gas model: the applier burns gas until the
// receipt shows intrinsic gas + the program's gas (see README, "Gas").
import { bytesToHex, numberToHex, type Address, type Hex } from "viem";

import type { FeeFields } from "../request-handlers/transaction-params.js";

import type { ChainRpc, RpcTransaction } from "./chain-rpc.js";
import type { AppliedEffect } from "./effects-applier.js";
import type { EmulatedOutcome } from "./outcome.js";

import { EFFECTS_APPLIER_CODE, encodeEffects } from "./effects-applier.js";
import { intrinsicGas } from "./intrinsic-gas.js";

/** Gas the applier needs besides what its effects cost (dispatch, the final RETURN, the burn loop's last rounds). */
const APPLIER_OVERHEAD_GAS = 3_000n;

export interface ApplyParameters {
  rpc: ChainRpc;
  from: Address;
  to: Address;
  value: bigint;
  /** Gas limit requested by the sender; raised if the applier needs more (see README). */
  gas: bigint | undefined;
  nonce: bigint | undefined;
  fees: FeeFields;
  accessList: unknown;
  /** The calldata the user sent (kept in the mined calldata for eth_getTransactionByHash). */
  originalInput: Uint8Array;
  outcome: EmulatedOutcome;
  /** True when EDR does not hold the sender's key (raw transactions). */
  impersonate: boolean;
  /** The target's code at "latest" if already known (it is put back after the transaction). */
  originalCode?: Hex;
}

/** Receipt gas the model assigns: max(intrinsic + program gas, EIP-7623 floor) of the original transaction. */
export function modelGas(originalInput: Uint8Array, outcome: EmulatedOutcome): bigint {
  const { intrinsic, floor } = intrinsicGas(originalInput, false);
  const used = intrinsic + outcome.gasUsed;
  return used > floor ? used : floor;
}

/** An upper bound of what the applier transaction costs in EVM gas for these effects. */
export function applierGasBound(effects: readonly AppliedEffect[], returnLength: number, calldata: Uint8Array): bigint {
  const { intrinsic, floor } = intrinsicGas(calldata, false);
  let gas = APPLIER_OVERHEAD_GAS;
  let memoryWords = BigInt(Math.ceil(returnLength / 32));
  for (const effect of effects) {
    switch (effect.kind) {
      case "sstore":
        gas += 22_100n + 50n;
        break;
      case "log": {
        const words = BigInt(Math.ceil(effect.data.length / 32));
        if (words > memoryWords) memoryWords = words;
        gas += 375n + 375n * BigInt(effect.topics.length) + 8n * BigInt(effect.data.length) + 3n * words + 100n;
        break;
      }
      case "transfer":
        gas += 2_600n + 9_000n + 25_000n + 100n;
        break;
      default:
        gas += 100n;
    }
  }
  gas += 3n * memoryWords + (memoryWords * memoryWords) / 512n + 3n * memoryWords;
  const total = intrinsic + gas;
  return total > floor ? total : floor + gas;
}

/** Calldata for the applier: effects, then a gas burn to `minGasLeft`, then the terminal op. */
function applierCalldata(params: ApplyParameters, gasLimit: bigint, target: bigint): Uint8Array {
  const { outcome } = params;
  const effects: AppliedEffect[] = outcome.success ? [...outcome.effects] : [];
  if (outcome.outOfGas) {
    effects.push({ kind: "invalid" });
  } else {
    effects.push({ kind: "burn", minGasLeft: gasLimit > target ? gasLimit - target : 0n });
    effects.push(outcome.success ? { kind: "return", data: outcome.returnData } : { kind: "revert", data: outcome.returnData });
  }
  return encodeEffects(effects, params.originalInput);
}

/** Gas to ask for in eth_estimateGas: enough for the model's figure and for the applier. */
export function estimateTransactionGas(originalInput: Uint8Array, outcome: EmulatedOutcome): bigint {
  const target = modelGas(originalInput, outcome);
  const probe = encodeEffects(
    [...outcome.effects, { kind: "burn", minGasLeft: 0n }, { kind: "return", data: outcome.returnData }],
    originalInput,
  );
  const bound = applierGasBound(outcome.effects, outcome.returnData.length, probe);
  return (target > bound ? target : bound) + 500n;
}

/**
 * Mines the outcome as a real transaction and returns its hash.
 * Rethrows what EDR throws for a failed transaction (it is mined anyway, as for any reverted tx).
 */
export async function mineOutcome(params: ApplyParameters): Promise<Hex> {
  const { rpc, to, outcome } = params;
  const target = modelGas(params.originalInput, outcome);
  const needed = estimateTransactionGas(params.originalInput, outcome);
  let gasLimit = params.gas ?? needed;
  if (gasLimit < needed && !outcome.outOfGas) gasLimit = needed;
  const data = applierCalldata(params, gasLimit, target);

  const tx: RpcTransaction = {
    from: params.from,
    to,
    data: bytesToHex(data),
    value: numberToHex(params.value),
    gas: numberToHex(gasLimit),
  };
  if (params.nonce !== undefined) tx.nonce = numberToHex(params.nonce);
  if (params.fees.gasPrice !== undefined) tx.gasPrice = numberToHex(params.fees.gasPrice);
  if (params.fees.maxFeePerGas !== undefined) tx.maxFeePerGas = numberToHex(params.fees.maxFeePerGas);
  if (params.fees.maxPriorityFeePerGas !== undefined) {
    tx.maxPriorityFeePerGas = numberToHex(params.fees.maxPriorityFeePerGas);
  }
  if (Array.isArray(params.accessList) && params.accessList.length > 0) tx.accessList = params.accessList;

  const originalCode = params.originalCode ?? (await rpc.getCode(to, "latest"));
  await rpc.setCode(to, bytesToHex(EFFECTS_APPLIER_CODE));
  if (params.impersonate) await rpc.impersonate(params.from);
  try {
    return await rpc.sendTransaction(tx);
  } finally {
    if (params.impersonate) await rpc.stopImpersonating(params.from);
    await rpc.setCode(to, originalCode);
  }
}
