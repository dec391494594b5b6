// Test helper for the composability suites: the relay program (a WAT Stylus
// program that bumps a slot and calls out; fixtures/stylus-programs/interop)
// deployed and activated, and the Solidity `InteropProbe` with its ABI.
import type { NetworkConnection } from "hardhat/types/network";

import { bytesToHex, encodeFunctionData, type Address, type Hex } from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { relayWat } from "../../fixtures/stylus-programs/interop/relay.js";

import { watToWasm } from "./wat.js";

/** Deploys a fresh relay program with the first wallet and activates it. */
export async function deployRelay(connection: NetworkConnection): Promise<Address> {
  const pub = await connection.viem.getPublicClient();
  const [wallet] = await connection.viem.getWalletClients();
  const wasm = await watToWasm(relayWat());
  const hash = await wallet!.sendTransaction({ data: bytesToHex(buildStylusInitCode(compressStylusProgram(wasm))) });
  const address = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
  if (!(await connection.stylus.isActivated(address))) await connection.stylus.activate(address);
  return address;
}

export interface Probe {
  address: Address;
  /** Calldata of one of the probe's functions. */
  call(functionName: string, args: readonly unknown[]): Hex;
}

/** Deploys the Solidity `InteropProbe` (contracts/hardhat-stylus-tests). */
export async function deployProbe(connection: NetworkConnection): Promise<Probe> {
  const contract = await connection.viem.deployContract("InteropProbe");
  const abi = contract.abi as readonly unknown[];
  return {
    address: contract.address,
    call: (functionName, args) => encodeFunctionData({ abi: abi as never, functionName, args } as never),
  };
}
