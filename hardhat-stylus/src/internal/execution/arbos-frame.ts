// A frame that calls an ArbOS precompile of the registry (ArbWasm 0x71 and
// whatever arbos/registry.ts lists): the module runs with the frame's caller,
// value and static flag, reads and writes state through the journal, and its
// logs and refunds land in the journal like an EVM frame's would.
import { EVMError, type ExecResult, type Log } from "@ethereumjs/evm";
import { Account, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { numberToHex, type Address, type Hex } from "viem";

import type { ArbOsPrecompile, ArbOsState } from "../arbos/types.js";
import type { NodeInterfaceCallContext } from "../arbos/node-interface.js";

import type { FrameMessage, StylusEvm } from "./stylus-evm.js";

import { ethAddress, wordHex } from "./stylus-frame.js";

/** Thrown by ArbOsState.setStorage in a static frame. */
export class StaticWriteError extends Error {
  override name = "StaticWriteError";
}

export async function runArbOsFrame(evm: StylusEvm, message: FrameMessage, precompile: ArbOsPrecompile): Promise<ExecResult> {
  const sm = evm.state;
  const self = precompile.address;
  const state: ArbOsState = {
    getStorage: async (address, slot) => wordHex(await sm.getStorage(ethAddress(address), hexToBytes(slot))),
    setStorage: async (address, slot, value) => {
      if (message.isStatic) throw new StaticWriteError(`${precompile.name}: state change in a static call`);
      await sm.putStorage(ethAddress(address), hexToBytes(slot), hexToBytes(value));
    },
    getBalance: async (address) => (await sm.getAccount(ethAddress(address)))?.balance ?? 0n,
    getCode: async (address) => bytesToHex(await sm.getCode(ethAddress(address))) as Hex,
    getNonce: async (address) => (await sm.getAccount(ethAddress(address)))?.nonce ?? 0n,
  };
  const { env } = evm;
  const context: NodeInterfaceCallContext = {
    address: self,
    caller: message.caller.toString() as Address,
    origin: env.origin,
    value: message.value,
    calldata: message.data,
    isStatic: message.isStatic,
    gasLimit: message.gasLimit,
    gasPrice: env.gasPrice,
    chainId: env.chainId,
    block: {
      number: env.block.number,
      timestamp: env.block.timestamp,
      baseFee: env.block.baseFeePerGas,
      gasLimit: env.block.gasLimit,
      coinbase: env.block.coinbase,
    },
    state,
    getBlockHash: async (n) =>
      (await env.view.rpc.request<{ hash: Hex } | null>("eth_getBlockByNumber", [numberToHex(n), false]))?.hash ?? `0x${"0".repeat(64)}`,
    ...(message.depth === 0 && env.nodeInterface !== undefined ? { nodeInterface: env.nodeInterface } : {}),
  };
  let result;
  try {
    result = await precompile.call(context);
  } catch (error) {
    if (error instanceof StaticWriteError) {
      return { returnValue: new Uint8Array(0), executionGasUsed: message.gasLimit, exceptionError: new EVMError(EVMError.errorMessages.STATIC_STATE_CHANGE) };
    }
    throw error;
  }
  if (result.gasUsed > message.gasLimit) {
    return { returnValue: new Uint8Array(0), executionGasUsed: message.gasLimit, exceptionError: new EVMError(EVMError.errorMessages.OUT_OF_GAS) };
  }
  if (!result.success) {
    if (message.depth === 0 && result.reason !== undefined) evm.topReason = result.reason;
    return { returnValue: result.returnData, executionGasUsed: result.gasUsed, exceptionError: new EVMError(EVMError.errorMessages.REVERT) };
  }
  for (const transfer of result.transfers) {
    if (transfer.value === 0n) continue;
    if (message.isStatic) {
      return { returnValue: new Uint8Array(0), executionGasUsed: message.gasLimit, exceptionError: new EVMError(EVMError.errorMessages.STATIC_STATE_CHANGE) };
    }
    const from = await sm.getAccount(ethAddress(self));
    const to = (await sm.getAccount(ethAddress(transfer.to))) ?? undefined;
    if (from === undefined || from.balance < transfer.value) {
      return { returnValue: new Uint8Array(0), executionGasUsed: result.gasUsed, exceptionError: new EVMError(EVMError.errorMessages.INSUFFICIENT_BALANCE) };
    }
    from.balance -= transfer.value;
    await evm.journal.putAccount(ethAddress(self), from);
    const receiver = to ?? new Account();
    receiver.balance += transfer.value;
    await evm.journal.putAccount(ethAddress(transfer.to), receiver);
  }
  const logs: Log[] = result.logs.map((log) => [hexToBytes(log.address), log.topics.map((t) => hexToBytes(t)), hexToBytes(log.data)]);
  return { returnValue: result.returnData, executionGasUsed: result.gasUsed, logs };
}
