// ArbWasm (0x...71) as a module of the ArbOS precompile interface
// (arbos/types.ts), so frames of the combined interpreter — an EVM contract
// or a program calling 0x71, e.g. a StylusDeployer-style factory activating
// what it just created — are served by the same code as JSON-RPC requests.
// Reads go through the caller's state (the interpreter's journal), and the
// effects of activateProgram/codehashKeepalive are written back through it.
import { bytesToHex, type Hex } from "viem";

import type { ArbOsLog, ArbOsPrecompile } from "../arbos/types.js";
import type { StateView } from "../chain/state-view.js";

import type { RemoteActivationLookup } from "./remote-activation.js";

import { ARBWASM_ADDRESS } from "./arbwasm-abi.js";
import { runArbWasm } from "./arbwasm-precompile.js";

export interface ArbWasmModuleOptions {
  /** The block the request reads (ArbWasm's view fallback). */
  view: StateView;
  remoteActivation?: RemoteActivationLookup;
  /** The ArbOS version emulated (roots of fragments activate from 60). */
  arbOsVersion?: number;
}

export function createArbWasmPrecompile(options: ArbWasmModuleOptions): ArbOsPrecompile {
  return {
    address: ARBWASM_ADDRESS,
    name: "ArbWasm",
    async call(context) {
      const { state } = context;
      const outcome = await runArbWasm({
        view: options.view,
        from: context.caller,
        value: context.value,
        data: context.calldata,
        timestamp: context.block.timestamp,
        remoteActivation: options.remoteActivation,
        arbOsVersion: options.arbOsVersion,
        journal: {
          getCode: async (address) => await state.getCode(address),
          getRecordWord: async (slot) => await state.getStorage(ARBWASM_ADDRESS, slot),
        },
      });
      const logs: ArbOsLog[] = [];
      const transfers: Array<{ to: Hex; value: bigint }> = [];
      if (outcome.success) {
        for (const effect of outcome.effects) {
          switch (effect.kind) {
            case "sstore":
              await state.setStorage(ARBWASM_ADDRESS, bytesToHex(effect.slot), bytesToHex(effect.value));
              break;
            case "log":
              logs.push({ address: ARBWASM_ADDRESS, topics: effect.topics.map((t) => bytesToHex(t)), data: bytesToHex(effect.data) });
              break;
            case "transfer":
              transfers.push({ to: bytesToHex(effect.to), value: effect.value });
              break;
            default:
              break;
          }
        }
      }
      return {
        success: outcome.success,
        returnData: outcome.returnData,
        gasUsed: outcome.gasUsed,
        logs,
        transfers,
        ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
      };
    },
  };
}
