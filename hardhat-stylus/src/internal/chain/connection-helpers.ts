// `connection.stylus`: deploy + activate helpers that speak only JSON-RPC
// (the same requests cargo-stylus sends), so they behave the same on the
// in-process network, `hardhat node` and a real Nitro chain.
import {
  decodeErrorResult,
  decodeFunctionResult,
  encodeFunctionData,
  hexToBytes,
  numberToHex,
  type Address,
  type Hex,
} from "viem";

import type { HardhatStylusHelpers, StylusDeployOptions, StylusDeployResult, StylusProgramSource } from "../../types.js";
import type { EthereumProvider } from "hardhat/types/providers";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../activation/arbwasm-abi.js";
import { buildStylusInitCode, compressStylusProgram } from "../wasm/program-format.js";


/** Bounded wait for a receipt (automine answers at once; remote chains take a few blocks). */
const RECEIPT_POLLS = 600;
const RECEIPT_POLL_MS = 100;

export class StylusConnectionHelpers implements HardhatStylusHelpers {
  readonly #provider: EthereumProvider;
  readonly isEmulated: boolean;

  constructor(provider: EthereumProvider, isEmulated: boolean) {
    this.#provider = provider;
    this.isEmulated = isEmulated;
  }

  async deploy(source: StylusProgramSource, options: StylusDeployOptions = {}): Promise<StylusDeployResult> {
    const code =
      "wasm" in source
        ? compressStylusProgram(source.wasm)
        : typeof source.deployedCode === "string"
          ? hexToBytes(source.deployedCode)
          : source.deployedCode;
    const from = options.from ?? (await this.#firstAccount());
    const hash = (await this.#provider.request({
      method: "eth_sendTransaction",
      params: [{ from, data: toHex(buildStylusInitCode(code)) }],
    })) as Hex;
    const receipt = await this.#receipt(hash);
    if (receipt.contractAddress === null || receipt.status !== "0x1") {
      throw new Error(`hardhat-stylus: the Stylus deployment ${hash} failed; check the sender's balance and gas`);
    }
    const result: StylusDeployResult = { address: receipt.contractAddress, deployTransactionHash: hash };
    // Activation is keyed by code hash: identical code deployed before is already active.
    if (options.activate !== false && !(await this.isActivated(receipt.contractAddress))) {
      const activation = await this.activate(receipt.contractAddress, { from });
      result.activationTransactionHash = activation.transactionHash;
      result.dataFee = activation.dataFee;
    }
    return result;
  }

  async activate(address: Address, options: { from?: Address } = {}): Promise<{ transactionHash: Hex; dataFee: bigint }> {
    const from = options.from ?? (await this.#firstAccount());
    const data = encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [address] });
    let dataFee = 0n;
    try {
      const out = (await this.#provider.request({
        method: "eth_call",
        params: [{ from, to: ARBWASM_ADDRESS, data }, "latest"],
      })) as Hex;
      dataFee = decodeFunctionResult({ abi: arbWasmAbi, functionName: "activateProgram", data: out })[1];
    } catch (error) {
      const revert = revertDataOf(error);
      const decoded = revert.length >= 4 ? safeDecodeError(toHex(revert)) : undefined;
      if (decoded?.errorName !== "ProgramInsufficientValue") throw error;
      dataFee = (decoded.args as readonly [bigint, bigint])[1];
    }
    const value = (dataFee * 120n) / 100n;
    const hash = (await this.#provider.request({
      method: "eth_sendTransaction",
      params: [{ from, to: ARBWASM_ADDRESS, data, value: numberToHex(value) }],
    })) as Hex;
    const receipt = await this.#receipt(hash);
    if (receipt.status !== "0x1") throw new Error(`hardhat-stylus: activation of ${address} failed (${hash})`);
    return { transactionHash: hash, dataFee };
  }

  async isActivated(address: Address): Promise<boolean> {
    try {
      await this.#provider.request({
        method: "eth_call",
        params: [
          { to: ARBWASM_ADDRESS, data: encodeFunctionData({ abi: arbWasmAbi, functionName: "programVersion", args: [address] }) },
          "latest",
        ],
      });
      return true;
    } catch {
      return false;
    }
  }

  async #firstAccount(): Promise<Address> {
    const accounts = (await this.#provider.request({ method: "eth_accounts" })) as Address[];
    const first = accounts[0];
    if (first === undefined) throw new Error("hardhat-stylus: the node holds no accounts; pass `from`");
    return first;
  }

  async #receipt(hash: Hex): Promise<{ status: Hex; contractAddress: Address | null }> {
    for (let i = 0; i < RECEIPT_POLLS; i++) {
      const receipt = (await this.#provider.request({ method: "eth_getTransactionReceipt", params: [hash] })) as {
        status: Hex;
        contractAddress: Address | null;
      } | null;
      if (receipt !== null) return receipt;
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    }
    throw new Error(`hardhat-stylus: no receipt for ${hash} after ${(RECEIPT_POLLS * RECEIPT_POLL_MS) / 1000} s`);
  }
}

function safeDecodeError(data: Hex) {
  try {
    return decodeErrorResult({ abi: arbWasmAbi, data });
  } catch {
    return undefined;
  }
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

/** Revert data of a JSON-RPC error thrown by `next` (EDR puts it in `data`, sometimes as { data }). */
export function revertDataOf(error: unknown): Uint8Array {
  if (typeof error === "object" && error !== null && "data" in error) {
    const data = (error as { data: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x")) return hexToBytes(data as Hex);
    if (typeof data === "object" && data !== null && "data" in data) {
      const inner = (data as { data: unknown }).data;
      if (typeof inner === "string" && inner.startsWith("0x")) return hexToBytes(inner as Hex);
    }
  }
  return new Uint8Array();
}
