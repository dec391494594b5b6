// A program's debug `console` imports (log_txt, log_i64) print in Hardhat's
// output like Solidity's console.log: once per answered eth_call or mined
// transaction (never for estimates or gas searches), in execution order with
// a nested frame's lines between its caller's. Captured in-process by
// wrapping console.log, through which Hardhat prints EDR's lines too.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import { bytesToHex, type Address, type Hex } from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { watToWasm } from "../helpers/wat.js";

/**
 * Called without arguments: logs "outer before" and -42, calls itself with the byte 7
 * (which logs "inner" and 7), then logs "outer after". Reverts when the byte is 0xff.
 */
const LOGGER_WAT = `(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "contract_address" (func $contract_address (param i32)))
  (import "vm_hooks" "call_contract" (func $call (param i32 i32 i32 i32 i64 i32) (result i32)))
  (import "console" "log_txt" (func $log_txt (param i32 i32)))
  (import "console" "log_i64" (func $log_i64 (param i64)))
  (memory (export "memory") 1 1)
  (data (i32.const 256) "outer before")
  (data (i32.const 288) "inner")
  (data (i32.const 320) "outer after")
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (call $read_args (i32.const 0))
    (if (i32.gt_u (local.get $len) (i32.const 0)) (then
      (call $log_txt (i32.const 288) (i32.const 5))
      (call $log_i64 (i64.load8_u (i32.const 0)))
      (return (i32.eq (i32.load8_u (i32.const 0)) (i32.const 255)))))
    (call $log_txt (i32.const 256) (i32.const 12))
    (call $log_i64 (i64.const -42))
    (call $contract_address (i32.const 512))
    (i32.store8 (i32.const 600) (i32.const 7))
    (drop (call $call (i32.const 512) (i32.const 600) (i32.const 1) (i32.const 700) (i64.const 1000000) (i32.const 1024)))
    (call $log_txt (i32.const 320) (i32.const 11))
    (i32.const 0)))
`;

const NESTED = ["outer before", "-42", "inner", "7", "outer after"];

/** Runs `action`, returning what it printed through console.log. */
async function captured(action: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => {
    lines.push(args.map(String).join(" "));
  };
  try {
    await action();
  } finally {
    console.log = original;
  }
  return lines;
}

describe("hardhat-stylus console output of programs", function () {
  let connection: NetworkConnection;
  let program: Address;
  let from: Address;

  before(async function () {
    connection = await network.create();
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    from = wallet!.account.address;
    const wasm = await watToWasm(LOGGER_WAT);
    const hash = await wallet!.sendTransaction({ data: bytesToHex(buildStylusInitCode(compressStylusProgram(wasm))) });
    program = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
    await connection.stylus.activate(program);
  });

  after(async function () {
    await connection?.close();
  });

  async function request(method: string, params: unknown[]): Promise<unknown> {
    return await connection.provider.request({ method, params });
  }

  it("prints an eth_call's lines once, nested frame's in execution order", async function () {
    const lines = await captured(async () => await request("eth_call", [{ from, to: program, data: "0x" }, "latest"]));
    expect(lines).to.deep.equal(NESTED);
  });

  it("prints nothing for eth_estimateGas", async function () {
    const lines = await captured(async () => await request("eth_estimateGas", [{ from, to: program, data: "0x" }]));
    expect(lines).to.deep.equal([]);
  });

  it("prints a mined transaction's lines once, though the node searched its gas limit", async function () {
    const pub = await connection.viem.getPublicClient();
    let hash: Hex | undefined;
    const lines = await captured(async () => {
      hash = (await request("eth_sendTransaction", [{ from, to: program, data: "0x" }])) as Hex;
    });
    expect((await pub.waitForTransactionReceipt({ hash: hash! })).status).to.equal("success");
    expect(lines).to.deep.equal(NESTED);
  });

  it("prints the lines of a reverting call, as console.log before a Solidity revert", async function () {
    const lines = await captured(async () => {
      try {
        await request("eth_call", [{ from, to: program, data: "0xff" }, "latest"]);
      } catch {
        // the revert is expected; only the output matters here
      }
    });
    expect(lines).to.deep.equal(["inner", "255"]);
  });
});
