// EVM code put at ArbWasm 0x...71 inside EDR when the address is empty. The
// plugin answers JSON-RPC requests to ArbWasm and EVM contracts calling it in
// the combined interpreter, but an EVM contract that EDR runs alone (on a
// connection that has not seen Stylus code) would reach EDR's empty account;
// a low-level call would "succeed" with empty data. The stub reverts with an Error(string) that says
// why, so such calls fail clearly. (On a fork of a real Arbitrum chain 0x71
// already holds Nitro's marker code and is left alone.)
import { concatHex, encodeErrorResult, numberToHex, parseAbi, size, type Hex } from "viem";

import type { ChainRpc } from "../chain/chain-rpc.js";

import { ARBWASM_ADDRESS } from "./arbwasm-abi.js";

const MESSAGE =
  "hardhat-stylus: ArbWasm (0x71) was reached by EVM code that ran in EDR alone (the connection had not seen Stylus code); deploy or touch a program through this connection first";

/** PUSH2 len PUSH2 15 PUSH1 0 CODECOPY PUSH2 len PUSH1 0 REVERT, then the revert data. */
export function arbWasmStubCode(): Hex {
  const data = encodeErrorResult({ abi: parseAbi(["error Error(string)"]), errorName: "Error", args: [MESSAGE] });
  const len = numberToHex(size(data), { size: 2 }).slice(2);
  const header = `0x61${len}61000f600039` + `61${len}6000fd`;
  return concatHex([header as Hex, data]);
}

/** Puts the stub at 0x71 when the address has no code (idempotent). */
export async function installArbWasmStub(rpc: ChainRpc): Promise<void> {
  const code = await rpc.getCode(ARBWASM_ADDRESS, "latest");
  if (code === "0x") await rpc.setCode(ARBWASM_ADDRESS, arbWasmStubCode());
}
