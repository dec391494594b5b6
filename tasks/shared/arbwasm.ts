// Talks to Arbitrum's ArbWasm precompile (0x...71) through plain JSON-RPC,
// the way cargo-stylus does: probe for Stylus support, check whether a code
// hash is already active, estimate the activation data fee with an eth_call
// under a state override, and activate with that fee plus 20 %.
import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { decodeFunctionResult, encodeFunctionData, parseAbi } from "viem";

export const ARBWASM_ADDRESS: Address = "0x0000000000000000000000000000000000000071";

export const arbWasmAbi = parseAbi([
  "function activateProgram(address program) payable returns (uint16 version, uint256 dataFee)",
  "function stylusVersion() view returns (uint16 version)",
  "function codehashVersion(bytes32 codehash) view returns (uint16 version)",
  "function programVersion(address program) view returns (uint16 version)",
  "event ProgramActivated(bytes32 indexed codehash, bytes32 moduleHash, address program, uint256 dataFee, uint16 version)",
  "error ProgramNotWasm()",
  "error ProgramNotActivated()",
  "error ProgramNeedsUpgrade(uint16 version, uint16 stylusVersion)",
  "error ProgramExpired(uint64 ageInSeconds)",
  "error ProgramUpToDate()",
  "error ProgramInsufficientValue(uint256 have, uint256 want)",
]);

type Client = PublicClient<Transport, Chain>;

/** The chain's Stylus version, or undefined when it has no ArbWasm precompile (a plain EVM chain). */
export async function stylusVersion(client: Client): Promise<number | undefined> {
  try {
    const { data } = await client.call({ to: ARBWASM_ADDRESS, data: encodeFunctionData({ abi: arbWasmAbi, functionName: "stylusVersion" }) });
    if (data === undefined || data.length < 66) return undefined;
    return decodeFunctionResult({ abi: arbWasmAbi, functionName: "stylusVersion", data });
  } catch {
    return undefined;
  }
}

/** The version a code hash is active at, or undefined when it is not activated (or expired). */
export async function codehashVersion(client: Client, codeHash: Hex): Promise<number | undefined> {
  try {
    const { data } = await client.call({
      to: ARBWASM_ADDRESS,
      data: encodeFunctionData({ abi: arbWasmAbi, functionName: "codehashVersion", args: [codeHash] }),
    });
    if (data === undefined || data.length < 66) return undefined;
    return decodeFunctionResult({ abi: arbWasmAbi, functionName: "codehashVersion", data });
  } catch {
    return undefined;
  }
}

/** A balance no sender has, given to the caller in the fee-estimation state override. */
const HUGE_BALANCE = 10n ** 30n;

/**
 * Estimates the activation data fee: `activateProgram(program)` as an
 * eth_call from `from` with a state override that gives `from` a huge
 * balance and sends that balance as value (cargo-stylus's method).
 */
export async function estimateActivation(client: Client, from: Address, program: Address): Promise<{ version: number; dataFee: bigint }> {
  const { data } = await client.call({
    account: from,
    to: ARBWASM_ADDRESS,
    value: HUGE_BALANCE / 2n,
    data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] }),
    stateOverride: [{ address: from, balance: HUGE_BALANCE }],
  });
  if (data === undefined) throw new Error("activateProgram returned no data");
  const [version, dataFee] = decodeFunctionResult({ abi: arbWasmAbi, functionName: "activateProgram", data });
  return { version, dataFee };
}

/** The data fee bumped by 20 % (cargo-stylus's margin; Nitro refunds the excess). */
export function bumpDataFee(fee: bigint): bigint {
  return (fee * 120n) / 100n;
}

/** Sends `activateProgram(program)` with `value`; returns the transaction hash. */
export async function sendActivation(wallet: WalletClient<Transport, Chain, Account>, program: Address, value: bigint): Promise<Hex> {
  return await wallet.sendTransaction({
    to: ARBWASM_ADDRESS,
    value,
    data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] }),
  });
}
