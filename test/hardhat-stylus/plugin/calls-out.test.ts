// Calls out of a Stylus program: to an EVM contract (served by EDR through
// eth_call) and to another Stylus program (run recursively), in eth_call and
// in transactions; state-changing calls out in a transaction revert naming
// the host function instead of being silently wrong.
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

  it("reverts a state-changing call out in a transaction, naming the host function", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    // In eth_call the call is served.
    const { result } = await pub.simulateContract({
      address: forwarder,
      abi: forwarderAbi,
      functionName: "callForward",
      args: [EVM_ADDRESS, "0x12345678"],
      account: wallet!.account,
    });
    expect(result).to.equal(42n);
    try {
      await wallet!.writeContract({
        address: forwarder,
        abi: forwarderAbi,
        functionName: "callForward",
        args: [EVM_ADDRESS, "0x12345678"],
        gas: 500_000n,
      });
      expect.fail("should revert");
    } catch (error) {
      expect(String(error)).to.match(/call_contract/);
    }
  });
});

describe("hardhat-stylus factory deployments", function () {
  it("fails a factory CREATE of Stylus init code with an error that says why", async function () {
    const connection = await network.create();
    try {
      const test = await connection.viem.getTestClient();
      const [wallet] = await connection.viem.getWalletClients();
      // Factory: CREATE(calldata as init code); revert when the CREATE fails.
      // CALLDATASIZE PUSH0 PUSH0 CALLDATACOPY CALLDATASIZE PUSH0 PUSH0 CREATE DUP1 PUSH1 0x0f JUMPI PUSH0 PUSH0 REVERT JUMPDEST PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
      const factory: Address = "0x00000000000000000000000000000000000fac70";
      await test.setCode({ address: factory, bytecode: "0x365f5f37365f5ff080600f575f5ffd5b5f5260205ff3" });
      const { counterInitCode } = await import("../helpers/counter-setup.js");
      try {
        await wallet!.sendTransaction({ to: factory, data: await counterInitCode(40), gas: 3_000_000n });
        expect.fail("should fail");
      } catch (error) {
        expect(String(error)).to.match(/factory CREATE\/CREATE2/);
      }
    } finally {
      await connection.close();
    }
  });
});

describe("hardhat-stylus ArbWasm from EVM contracts", function () {
  it("makes an EVM contract's call to 0x71 revert with a message that says why", async function () {
    const connection = await network.create();
    try {
      const test = await connection.viem.getTestClient();
      const pub = await connection.viem.getPublicClient();
      // Proxy: CALL 0x71 with no data; on failure, bubble the revert data up.
      // PUSH0 PUSH0 PUSH0 PUSH0 PUSH0 PUSH1 0x71 GAS CALL PUSH1 0x13 JUMPI RETURNDATASIZE PUSH0 PUSH0 RETURNDATACOPY RETURNDATASIZE PUSH0 REVERT JUMPDEST STOP
      const proxy: Address = "0x00000000000000000000000000000000000a7071";
      await test.setCode({ address: proxy, bytecode: ("0x5f5f5f5f5f60715af1601357" + "3d5f5f3e3d5ffd" + "5b00") as Hex });
      try {
        await pub.call({ to: proxy, data: "0x" });
        expect.fail("should revert");
      } catch (error) {
        expect(String(error)).to.match(/emulated for JSON-RPC requests only/);
      }
    } finally {
      await connection.close();
    }
  });
});
