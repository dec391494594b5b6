// Test helper: a fresh in-process network with the counter program deployed
// (through viem's deployContract with the Stylus init code) and activated.
import type { NetworkConnection } from "hardhat/types/network";

import { bytesToHex, createWalletClient, custom, parseEther, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { counterAbi, counterWat } from "../../fixtures/stylus-programs/integration/counter.js";

import { watToWasm } from "./wat.js";

const counterWasm = new Map<number, Uint8Array>();

/** Stylus init code of the counter program (variants differ in code hash, so each needs its own activation). */
export async function counterInitCode(variant = 0): Promise<Hex> {
  let wasm = counterWasm.get(variant);
  if (wasm === undefined) {
    wasm = await watToWasm(counterWat(variant));
    counterWasm.set(variant, wasm);
  }
  return bytesToHex(buildStylusInitCode(compressStylusProgram(wasm)));
}

/** A test key (not a secret: never funded outside a local test chain). */
export const LOCAL_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

export async function deployCounter(connection: NetworkConnection, activate = true, variant = 0): Promise<Address> {
  const [wallet] = await connection.viem.getWalletClients();
  const pub = await connection.viem.getPublicClient();
  const hash = await wallet!.deployContract({ abi: counterAbi, bytecode: await counterInitCode(variant) });
  const receipt = await pub.waitForTransactionReceipt({ hash });
  if (receipt.contractAddress == null) throw new Error("no contract address");
  if (activate) await connection.stylus.activate(receipt.contractAddress);
  return receipt.contractAddress;
}

/** A wallet client with a local (raw-signing) account, funded from the first node-held account. */
export async function localWallet(connection: NetworkConnection) {
  const account = privateKeyToAccount(LOCAL_KEY);
  const pub = await connection.viem.getPublicClient();
  const [funder] = await connection.viem.getWalletClients();
  const hash = await funder!.sendTransaction({ to: account.address, value: parseEther("10") });
  await pub.waitForTransactionReceipt({ hash });
  return createWalletClient({ account, chain: pub.chain, transport: custom(connection.provider) });
}
