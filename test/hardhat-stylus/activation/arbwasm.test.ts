// Tests of the emulated ArbWasm precompile (0x...71): activation, its fee and
// refund, Nitro's errors byte for byte, views, and cargo-stylus's fee
// estimation through an eth_call with a state override.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import {
  bytesToHex,
  decodeErrorResult,
  decodeFunctionResult,
  encodeErrorResult,
  encodeFunctionData,
  keccak256,
  parseEther,
  toFunctionSelector,
  type Address,
  type Hex,
} from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { counterInitCode, deployCounter } from "../helpers/counter-setup.js";

function revertData(error: unknown): Hex {
  let e: unknown = error;
  while (typeof e === "object" && e !== null) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && data.startsWith("0x")) return data as Hex;
    e = (e as { cause?: unknown }).cause;
  }
  throw new Error(`no revert data in ${String(error)}`);
}

describe("hardhat-stylus ArbWasm precompile", function () {
  let connection: NetworkConnection;
  let sender: Address;

  before(async function () {
    connection = await network.create();
    const accounts = (await connection.provider.request({ method: "eth_accounts" })) as Address[];
    sender = accounts[0]!;
  });

  after(async function () {
    await connection.close();
  });

  async function callArbWasm(data: Hex, value = 0n, from: Address = sender): Promise<Hex> {
    return (await connection.provider.request({
      method: "eth_call",
      params: [{ from, to: ARBWASM_ADDRESS, data, value: `0x${value.toString(16)}` }, "latest"],
    })) as Hex;
  }

  it("answers stylusVersion and the parameter views with Nitro's defaults", async function () {
    const version = await callArbWasm(encodeFunctionData({ abi: arbWasmAbi, functionName: "stylusVersion" }));
    expect(decodeFunctionResult({ abi: arbWasmAbi, functionName: "stylusVersion", data: version })).to.equal(2);
    const ink = await callArbWasm(encodeFunctionData({ abi: arbWasmAbi, functionName: "inkPrice" }));
    expect(decodeFunctionResult({ abi: arbWasmAbi, functionName: "inkPrice", data: ink })).to.equal(10_000);
    const pages = await callArbWasm(encodeFunctionData({ abi: arbWasmAbi, functionName: "pageLimit" }));
    expect(decodeFunctionResult({ abi: arbWasmAbi, functionName: "pageLimit", data: pages })).to.equal(128);
  });

  it("fails a call to a program that is not activated with ProgramNotActivated(), as Nitro encodes it", async function () {
    const program = await deployCounter(connection, false, 10);
    try {
      await connection.provider.request({
        method: "eth_call",
        params: [{ to: program, data: encodeFunctionData({ abi: counterAbi, functionName: "get" }) }, "latest"],
      });
      expect.fail("should revert");
    } catch (error) {
      expect(revertData(error)).to.equal(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramNotActivated" }));
      expect(revertData(error)).to.equal(toFunctionSelector("ProgramNotActivated()"));
    }
    const version = encodeFunctionData({ abi: arbWasmAbi, functionName: "programVersion", args: [program] });
    try {
      await callArbWasm(version);
      expect.fail("should revert");
    } catch (error) {
      expect(decodeErrorResult({ abi: arbWasmAbi, data: revertData(error) }).errorName).to.equal("ProgramNotActivated");
    }
  });

  it("rejects too little value with ProgramInsufficientValue(have, want), then activates and refunds the excess", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const program = await deployCounter(connection, false, 11);
    const data = encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] });
    let want = 0n;
    try {
      await callArbWasm(data, 1n);
      expect.fail("should revert");
    } catch (error) {
      const decoded = decodeErrorResult({ abi: arbWasmAbi, data: revertData(error) });
      expect(decoded.errorName).to.equal("ProgramInsufficientValue");
      const [have, wanted] = decoded.args as readonly [bigint, bigint];
      expect(have).to.equal(1n);
      want = wanted;
    }
    expect(want > 0n).to.equal(true);

    const before = await pub.getBalance({ address: sender });
    const hash = await wallet!.sendTransaction({ to: ARBWASM_ADDRESS, data, value: want * 2n });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    const after = await pub.getBalance({ address: sender });
    expect(before - after).to.equal(want + receipt.gasUsed * receipt.effectiveGasPrice);
    const activated = receipt.logs.find((l) => l.address === ARBWASM_ADDRESS);
    expect(activated?.topics[0]).to.equal(keccak256(new TextEncoder().encode("ProgramActivated(bytes32,bytes32,address,uint256,uint16)")));

    const code = (await pub.getCode({ address: program }))!;
    const v = await callArbWasm(encodeFunctionData({ abi: arbWasmAbi, functionName: "codehashVersion", args: [keccak256(code)] }));
    expect(decodeFunctionResult({ abi: arbWasmAbi, functionName: "codehashVersion", data: v })).to.equal(2);
    const left = await callArbWasm(encodeFunctionData({ abi: arbWasmAbi, functionName: "programTimeLeft", args: [program] }));
    expect(decodeFunctionResult({ abi: arbWasmAbi, functionName: "programTimeLeft", data: left }) > 0n).to.equal(true);
    expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(0n);

    try {
      await callArbWasm(data, want);
      expect.fail("should revert");
    } catch (error) {
      expect(revertData(error)).to.equal(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramUpToDate" }));
    }
  });

  it("rejects code that is not a valid Stylus program with ProgramNotWasm()", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    // A valid WASM module without memory or user_entrypoint: Nitro refuses to activate it.
    const empty = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const hash = await wallet!.sendTransaction({ data: bytesToHex(buildStylusInitCode(compressStylusProgram(empty))) });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    const data = encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [receipt.contractAddress!] });
    try {
      await callArbWasm(data, parseEther("1"));
      expect.fail("should revert");
    } catch (error) {
      expect(revertData(error)).to.equal(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramNotWasm" }));
      expect(String(error)).to.match(/Nitro would reject/);
    }
    // An EVM account (no Stylus prefix) is not WASM either.
    try {
      await callArbWasm(encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [sender] }), parseEther("1"));
      expect.fail("should revert");
    } catch (error) {
      expect(revertData(error)).to.equal(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramNotWasm" }));
    }
  });

  it("estimates the data fee like cargo-stylus: eth_call with a state override placing the code", async function () {
    const initCode = await counterInitCode(12);
    const deployed = `0x${initCode.slice(2 + 43 * 2)}` as Hex;
    const probe = "0x00000000000000000000000000000000deadbeef" as Address;
    const caller = "0x000000000000000000000000000000000000c0de" as Address;
    const result = (await connection.provider.request({
      method: "eth_call",
      params: [
        {
          from: caller,
          to: ARBWASM_ADDRESS,
          data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [probe] }),
          value: `0x${parseEther("1").toString(16)}`,
        },
        "latest",
        { [probe]: { code: deployed }, [caller]: { balance: "0xffffffffffffffffffffffffffff" } },
      ],
    })) as Hex;
    const [version, dataFee] = decodeFunctionResult({ abi: arbWasmAbi, functionName: "activateProgram", data: result });
    expect(version).to.equal(2);
    expect(dataFee > 0n).to.equal(true);
    // Nothing was written: the probe address is still empty and nothing is activated.
    expect(await connection.stylus.isActivated(probe)).to.equal(false);
  });

  it("deploys and activates through connection.stylus", async function () {
    const { watToWasm } = await import("../helpers/wat.js");
    const { counterWat } = await import("../../fixtures/stylus-programs/integration/counter.js");
    const result = await connection.stylus.deploy({ wasm: await watToWasm(counterWat(13)) });
    expect(result.dataFee! > 0n).to.equal(true);
    expect(await connection.stylus.isActivated(result.address)).to.equal(true);
    expect(connection.stylus.isEmulated).to.equal(true);
  });
});
