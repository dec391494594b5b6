// EVM code put at ArbWasm 0x...71 inside EDR when the address is empty. The
// plugin answers JSON-RPC requests to ArbWasm itself, but EVM contracts
// calling 0x71 reach EDR directly; without code there, a low-level call would
// "succeed" with empty data. The stub reverts with an Error(string) that says
// why, so such calls fail clearly. (On a fork of a real Arbitrum chain 0x71
// already holds Nitro's marker code and is left alone.)
import { concatHex, encodeErrorResult, numberToHex, parseAbi, size, type Hex } from "viem";

import type { ChainRpc } from "../chain/chain-rpc.js";

import { ARBWASM_ADDRESS } from "./arbwasm-abi.js";

const MESSAGE =
  "hardhat-stylus: ArbWasm (0x71) is emulated for JSON-RPC requests only; EVM contracts cannot call it on the in-process network";

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
