// Calls out of a Stylus program (to an EVM contract, to another program) in
// eth_call and in transactions, a factory CREATE of Stylus init code, and EVM
// contracts calling ArbWasm: all served by the combined interpreter.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import { bytesToHex, encodeFunctionData, toFunctionSelector, type Address, type Hex } from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { forwarderAbi, forwarderWat } from "../../fixtures/stylus-programs/integration/forwarder.js";
import { deployCounter } from "../helpers/counter-setup.js";
import { watToWasm } from "../helpers/wat.js";

/** EVM runtime that returns the word 42 whatever it is called with. */
const EVM_FORTY_TWO: Hex = "0x602a60005260206000f3";
const EVM_ADDRESS: Address = "0x00000000000000000000000000000000000e0042";

describe("hardhat-stylus calls out of a program", function () {
  let connection: NetworkConnection;
  let forwarder: Address;
  let counter: Address;

  before(async function () {
    connection = await network.create();
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const wasm = await watToWasm(forwarderWat());
    const hash = await wallet!.deployContract({
      abi: forwarderAbi,
      bytecode: bytesToHex(buildStylusInitCode(compressStylusProgram(wasm))),
    });
    forwarder = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
    await connection.stylus.activate(forwarder);
    counter = await deployCounter(connection, true, 30);
    const test = await connection.viem.getTestClient();
    await test.setCode({ address: EVM_ADDRESS, bytecode: EVM_FORTY_TWO });
    await pub.waitForTransactionReceipt({
      hash: await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "setValue", args: [7n] }),
    });
  });

  after(async function () {
    await connection.close();
  });

  it("static-calls an EVM contract and another Stylus program in eth_call", async function () {
    const pub = await connection.viem.getPublicClient();
    const fromEvm = await pub.readContract({
      address: forwarder,
      abi: forwarderAbi,
      functionName: "staticForward",
      args: [EVM_ADDRESS, "0x12345678"],
    });
    expect(fromEvm).to.equal(42n);
    const fromStylus = await pub.readContract({
      address: forwarder,
      abi: forwarderAbi,
      functionName: "staticForward",
      args: [counter, toFunctionSelector("get()")],
    });
    expect(fromStylus).to.equal(7n);
  });

  it("serves a static call out in a mined transaction", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const hash = await wallet!.sendTransaction({
      to: forwarder,
      data: encodeFunctionData({ abi: forwarderAbi, functionName: "staticForward", args: [counter, toFunctionSelector("get()")] }),
    });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
  });

  it("applies a state-changing call out in a transaction: the callee's state and event are mined", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const before = await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" });
    const hash = await wallet!.writeContract({
      address: forwarder,
      abi: forwarderAbi,
      functionName: "callForward",
      args: [counter, toFunctionSelector("increment()")],
    });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(before + 1n);
    expect(receipt.logs.map((l) => l.address.toLowerCase())).to.deep.equal([counter.toLowerCase()]);
  });
});

describe("hardhat-stylus factory deployments", function () {
  it("deploys Stylus init code from an EVM factory's CREATE; the program runs once activated", async function () {
    const connection = await network.create();
    try {
      const test = await connection.viem.getTestClient();
      const pub = await connection.viem.getPublicClient();
      const [wallet] = await connection.viem.getWalletClients();
      // Factory: CREATE(calldata as init code); revert when the CREATE fails, else return the address.
      // CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 PUSH0 CREATE DUP1 PUSH1 0x0f JUMPI PUSH0 PUSH0 REVERT JUMPDEST PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
      const factory: Address = "0x00000000000000000000000000000000000fac70";
      await test.setCode({ address: factory, bytecode: "0x365f5f37365f5ff080600f575f5ffd5b5f5260205ff3" });
      const { counterInitCode } = await import("../helpers/counter-setup.js");
      const data = await counterInitCode(40);
      const simulated = await pub.call({ to: factory, data, account: wallet!.account });
      const created = `0x${simulated.data!.slice(26)}` as Address;
      const hash = await wallet!.sendTransaction({ to: factory, data, gas: 3_000_000n });
      expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
      const code = await pub.getCode({ address: created });
      expect(code?.slice(0, 8)).to.equal("0xeff000");
      await connection.stylus.activate(created);
      expect(await pub.readContract({ address: created, abi: counterAbi, functionName: "get" })).to.equal(0n);
    } finally {
      await connection.close();
    }
  });
});

describe("hardhat-stylus ArbWasm from EVM contracts", function () {
  it("serves an EVM contract's calls to 0x71 (views and custom errors) through the combined interpreter", async function () {
    const connection = await network.create();
    try {
      const test = await connection.viem.getTestClient();
      const pub = await connection.viem.getPublicClient();
      // Proxy: CALL 0x71 with the calldata; return or revert with what it returned.
      // CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY PUSH0 PUSH0 CALLDATASIZE PUSH0 PUSH0 PUSH1 0x71 GAS CALL
      // RETURNDATASIZE PUSH0 PUSH0 RETURNDATACOPY PUSH1 0x17 JUMPI RETURNDATASIZE PUSH0 REVERT JUMPDEST RETURNDATASIZE PUSH0 RETURN
      const proxy: Address = "0x00000000000000000000000000000000000a7071";
      // A chain with a program (EVM contracts are looked at by the interpreter once programs exist).
      const { deployCounter } = await import("../helpers/counter-setup.js");
      await deployCounter(connection, false, 41);
      await test.setCode({ address: proxy, bytecode: "0x365f5f375f5f365f5f60715af13d5f5f3e6017573d5ffd5b3d5ff3" });
      const { arbWasmAbi } = await import("../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js");
      expect(await pub.readContract({ address: proxy, abi: arbWasmAbi, functionName: "stylusVersion" })).to.equal(2);
      try {
        await pub.readContract({ address: proxy, abi: arbWasmAbi, functionName: "programVersion", args: [proxy] });
        expect.fail("should revert");
      } catch (error) {
        expect(String(error)).to.match(/ProgramNotActivated/);
      }
    } finally {
      await connection.close();
    }
  });
});
