// Integration tests of hardhat-stylus on the in-process network through plain
// viem: deploy, read, write, simulate, events, raw-signed vs node-held
// senders, reverts, out of gas, flush semantics, snapshots and automine off.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import { BaseError, ContractFunctionRevertedError, encodeFunctionData, getAddress, parseEther, type Address } from "viem";

import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { counterInitCode, deployCounter, localWallet } from "../helpers/counter-setup.js";

describe("hardhat-stylus execution through viem", function () {
  let connection: NetworkConnection;
  let counter: Address;

  before(async function () {
    connection = await network.create();
    counter = await deployCounter(connection);
  });

  after(async function () {
    await connection.close();
  });

  it("deploys at the usual CREATE address with a normal receipt, and eth_getCode returns the Stylus code", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const nonce = await pub.getTransactionCount({ address: wallet!.account.address });
    const hash = await wallet!.deployContract({ abi: counterAbi, bytecode: await counterInitCode() });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    const { getContractAddress } = await import("viem");
    expect(receipt.contractAddress).to.equal(
      getContractAddress({ from: wallet!.account.address, nonce: BigInt(nonce) }).toLowerCase(),
    );
    const code = await pub.getCode({ address: receipt.contractAddress! });
    expect(code?.slice(0, 8)).to.equal("0xeff000");
    const tx = await pub.getTransaction({ hash });
    expect(tx.input).to.equal(await counterInitCode());
  });

  it("reads with readContract and writes with writeContract from a node-held account", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const before = await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" });
    const { result, request } = await pub.simulateContract({
      address: counter,
      abi: counterAbi,
      functionName: "increment",
      account: wallet!.account,
    });
    expect(result).to.equal(before + 1n);
    const hash = await wallet!.writeContract(request);
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(receipt.to).to.equal(counter);
    expect(receipt.logs[0]?.address).to.equal(counter);
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(before + 1n);
    const tx = await pub.getTransaction({ hash });
    expect(tx.input).to.equal(encodeFunctionData({ abi: counterAbi, functionName: "increment" }));
  });

  it("writes from a local raw-signing account (eth_sendRawTransaction) with its own nonce", async function () {
    const pub = await connection.viem.getPublicClient();
    const wallet = await localWallet(connection);
    const nonce = await pub.getTransactionCount({ address: wallet.account.address });
    const before = await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" });
    const hash = await wallet.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(getAddress(receipt.from)).to.equal(wallet.account.address);
    expect(await pub.getTransactionCount({ address: wallet.account.address })).to.equal(nonce + 1);
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(before + 1n);
  });

  it("deploys from a local raw-signing account", async function () {
    const pub = await connection.viem.getPublicClient();
    const wallet = await localWallet(connection);
    const hash = await wallet.deployContract({ abi: counterAbi, bytecode: await counterInitCode() });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(getAddress(receipt.from)).to.equal(wallet.account.address);
    expect((await pub.getCode({ address: receipt.contractAddress! }))?.slice(0, 8)).to.equal("0xeff000");
  });

  it("shows events in getContractEvents and eth_getLogs with the program's address", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const hash = await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    const events = await pub.getContractEvents({
      address: counter,
      abi: counterAbi,
      eventName: "Incremented",
      fromBlock: receipt.blockNumber,
      toBlock: receipt.blockNumber,
    });
    expect(events).to.have.length(1);
    expect(events[0]!.args.value).to.equal(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" }));
    const logs = await pub.getLogs({ address: counter, fromBlock: 0n });
    expect(logs.length).to.be.greaterThan(1);
  });

  it("returns custom-error revert data that viem decodes, for calls and mined transactions", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    try {
      await pub.simulateContract({ address: counter, abi: counterAbi, functionName: "fail", account: wallet!.account });
      expect.fail("should revert");
    } catch (error) {
      const revert = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
      expect(revert).to.be.instanceOf(ContractFunctionRevertedError);
      expect((revert as ContractFunctionRevertedError).data?.errorName).to.equal("Oops");
    }
    const blockBefore = await pub.getBlockNumber();
    let threw = false;
    try {
      await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "fail", gas: 100_000n });
    } catch (error) {
      threw = true;
      expect(String((error as Error).message)).to.match(/0xd3a8e93f|Oops|revert/i);
    }
    expect(threw).to.equal(true);
    // The failed transaction was mined, as any reverted transaction on an automining node.
    const block = await pub.getBlock({ blockNumber: blockBefore + 1n, includeTransactions: true });
    const receipt = await pub.getTransactionReceipt({ hash: block.transactions[0]!.hash });
    expect(receipt.status).to.equal("reverted");
  });

  it("runs out of gas on an endless loop: the call fails and the mined transaction uses all its gas", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    try {
      await pub.call({ to: counter, data: encodeFunctionData({ abi: counterAbi, functionName: "spin" }), gas: 200_000n });
      expect.fail("should fail");
    } catch (error) {
      expect(String(error)).to.match(/out of gas/);
    }
    const blockBefore = await pub.getBlockNumber();
    try {
      await wallet!.sendTransaction({ to: counter, data: encodeFunctionData({ abi: counterAbi, functionName: "spin" }), gas: 150_000n });
    } catch {
      // EDR reports the failed transaction; it is mined all the same.
    }
    const block = await pub.getBlock({ blockNumber: blockBefore + 1n, includeTransactions: true });
    const receipt = await pub.getTransactionReceipt({ hash: block.transactions[0]!.hash });
    expect(receipt.status).to.equal("reverted");
    expect(receipt.gasUsed).to.equal(150_000n);
  });

  it("persists storage only when flushed and only if the call succeeds", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    await pub.waitForTransactionReceipt({
      hash: await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "setValue", args: [77n] }),
    });
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(77n);
    await pub.waitForTransactionReceipt({
      hash: await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "setWithoutFlush", args: [5n] }),
    });
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(77n);
    expect(await pub.getStorageAt({ address: counter, slot: "0x0" })).to.equal(
      "0x000000000000000000000000000000000000000000000000000000000000004d",
    );
  });

  it("moves value into the program and passes msg.value to it", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const value = parseEther("0.5");
    const before = await pub.getBalance({ address: counter });
    const { result } = await pub.simulateContract({
      address: counter,
      abi: counterAbi,
      functionName: "deposit",
      value,
      account: wallet!.account,
    });
    expect(result).to.equal(value);
    const hash = await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "deposit", value });
    await pub.waitForTransactionReceipt({ hash });
    expect(await pub.getBalance({ address: counter })).to.equal(before + value);
  });

  it("gives receipts the model's gas: eth_estimateGas is enough and close to gasUsed", async function () {
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
    const estimate = await pub.estimateGas({ account: wallet!.account, to: counter, data });
    const hash = await wallet!.sendTransaction({ to: counter, data, gas: estimate });
    const receipt = await pub.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    expect(receipt.gasUsed <= estimate).to.equal(true);
    expect(receipt.gasUsed > 21_000n).to.equal(true);
  });

  it("keeps program state consistent across evm_snapshot / evm_revert", async function () {
    const pub = await connection.viem.getPublicClient();
    const test = await connection.viem.getTestClient();
    const [wallet] = await connection.viem.getWalletClients();
    const fresh = await deployCounter(connection, false, 1);
    const snapshot = await test.snapshot();
    await connection.stylus.activate(fresh);
    await pub.waitForTransactionReceipt({
      hash: await wallet!.writeContract({ address: fresh, abi: counterAbi, functionName: "increment" }),
    });
    expect(await pub.readContract({ address: fresh, abi: counterAbi, functionName: "get" })).to.equal(1n);
    await test.revert({ id: snapshot });
    expect(await connection.stylus.isActivated(fresh)).to.equal(false);
    expect(await pub.getStorageAt({ address: fresh, slot: "0x0" })).to.equal(`0x${"0".repeat(64)}`);
  });

  it("queues Stylus transactions when automine is off and mines them with evm_mine", async function () {
    const other = await network.create();
    try {
      const program = await deployCounter(other);
      const test = await other.viem.getTestClient();
      const pub = await other.viem.getPublicClient();
      const [wallet] = await other.viem.getWalletClients();
      await test.setAutomine(false);
      const hash = await wallet!.writeContract({ address: program, abi: counterAbi, functionName: "increment", gas: 100_000n });
      expect(await pub.getTransactionReceipt({ hash }).catch(() => null), "in the mempool").to.equal(null);
      expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(0n);
      await test.mine({ blocks: 1 });
      expect((await pub.getTransactionReceipt({ hash })).status).to.equal("success");
      expect(await pub.readContract({ address: program, abi: counterAbi, functionName: "get" })).to.equal(1n);
    } finally {
      await other.close();
    }
  });
});

describe("hardhat-stylus raw transaction hashes", function () {
  it("answers with the hash of the signed bytes and finds the receipt and transaction under it", async function () {
    const connection = await network.create();
    try {
      const counter = await deployCounter(connection);
      const pub = await connection.viem.getPublicClient();
      const wallet = await localWallet(connection);
      const request = await wallet.prepareTransactionRequest({
        to: counter,
        data: encodeFunctionData({ abi: counterAbi, functionName: "increment" }),
      });
      const serialized = await wallet.signTransaction(request);
      const { keccak256 } = await import("viem");
      const hash = await wallet.sendRawTransaction({ serializedTransaction: serialized });
      expect(hash).to.equal(keccak256(serialized));
      const receipt = await pub.waitForTransactionReceipt({ hash });
      expect(receipt.transactionHash).to.equal(hash);
      expect(receipt.logs[0]?.transactionHash).to.equal(hash);
      const tx = await pub.getTransaction({ hash });
      expect(tx.hash).to.equal(hash);
      expect(tx.input).to.equal(encodeFunctionData({ abi: counterAbi, functionName: "increment" }));
      const block = await pub.getBlock({ blockNumber: receipt.blockNumber, includeTransactions: true });
      expect(block.transactions[0]?.input).to.equal(encodeFunctionData({ abi: counterAbi, functionName: "increment" }));
    } finally {
      await connection.close();
    }
  });
});

describe("hardhat-stylus at historical blocks", function () {
  it("shows the Stylus code and runs the program at every block since its deployment", async function () {
    const connection = await network.create();
    try {
      const counter = await deployCounter(connection, true, 50);
      const pub = await connection.viem.getPublicClient();
      const [wallet] = await connection.viem.getWalletClients();
      const deployedAt = await pub.getBlockNumber();
      for (let i = 0; i < 2; i++) {
        await pub.waitForTransactionReceipt({
          hash: await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" }),
        });
      }
      const latest = await pub.getBlockNumber();
      const current = await pub.getCode({ address: counter });
      for (let block = deployedAt - 1n; block <= latest; block++) {
        expect(await pub.getCode({ address: counter, blockNumber: block }), `code at block ${block}`).to.equal(current);
      }
      expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get", blockNumber: latest - 1n })).to.equal(1n);
      expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get", blockNumber: latest })).to.equal(2n);
    } finally {
      await connection.close();
    }
  });
});

describe("hardhat-stylus raw transactions ahead of their nonce", function () {
  it("holds a Stylus transaction with a future nonce until the gap is filled, like EDR's mempool", async function () {
    const connection = await network.create();
    try {
      const counter = await deployCounter(connection, true, 60);
      const pub = await connection.viem.getPublicClient();
      const wallet = await localWallet(connection);
      const nonce = await pub.getTransactionCount({ address: wallet.account.address });
      const sign = async (n: number, value: bigint) =>
        await wallet.signTransaction(
          await wallet.prepareTransactionRequest({
            to: counter,
            data: encodeFunctionData({ abi: counterAbi, functionName: "setValue", args: [value] }),
            nonce: n,
            gas: 200_000n,
          }),
        );
      const second = await sign(nonce + 1, 2n);
      const first = await sign(nonce, 1n);
      const secondHash = await wallet.sendRawTransaction({ serializedTransaction: second });
      expect(await pub.getTransactionReceipt({ hash: secondHash }).catch(() => null)).to.equal(null);
      const firstHash = await wallet.sendRawTransaction({ serializedTransaction: first });
      const r1 = await pub.waitForTransactionReceipt({ hash: firstHash });
      const r2 = await pub.waitForTransactionReceipt({ hash: secondHash });
      expect(r2.blockNumber).to.equal(r1.blockNumber + 1n);
      expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(2n);
    } finally {
      await connection.close();
    }
  });
});
