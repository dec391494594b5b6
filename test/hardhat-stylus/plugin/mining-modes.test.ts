// Mining modes for transactions that reach Stylus programs (issue 9,
// deliverable 5): automine off with evm_mine, hardhat_mine and interval
// mining, several Stylus transactions in one block in mempool order (two
// increments of one counter from one sender, an EVM transaction, a
// Stylus -> EVM call, a reverting transaction in the middle, raw-signed and
// node-held senders), compared with the same block on a network where the
// programs' Solidity twins run; and Stylus deployments with automine off.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import {
  encodeFunctionData,
  getContractAddress,
  hexToBigInt,
  parseEther,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { blockEntryCode, BlockPlanError, entryKey } from "../../../hardhat-stylus/src/internal/chain/block-applier.js";
import { loadCorpusProgram } from "../../../corpus/stylus/index.js";
import { abiOf } from "../../stylus-corpus/helpers/corpus-env.js";
import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { counterInitCode, deployCounter, localWallet } from "../helpers/counter-setup.js";

type Impl = "stylus" | "evm";

interface Fixture {
  connection: NetworkConnection;
  pub: PublicClient;
  /** The counter under test (the Stylus program, or its Solidity twin). */
  counter: Address;
  /** An EVM counter the caller calls and an EVM transaction bumps. */
  evmCounter: Address;
  /** The caller (Stylus program or Solidity twin). */
  caller: Address;
}

let counterAbiCorpus: Abi;
let callerAbi: Abi;

async function fixture(impl: Impl): Promise<Fixture> {
  const connection = await network.create();
  const pub = (await connection.viem.getPublicClient()) as unknown as PublicClient;
  const deployStylus = async (name: "counter" | "caller"): Promise<Address> =>
    (await connection.stylus.deploy({ deployedCode: loadCorpusProgram(name).deployedCode })).address;
  const counter = impl === "stylus" ? await deployStylus("counter") : (await connection.viem.deployContract("CorpusCounter", [0n])).address;
  const evmCounter = (await connection.viem.deployContract("CorpusCounter", [0n])).address;
  const caller = impl === "stylus" ? await deployStylus("caller") : (await connection.viem.deployContract("CorpusCaller")).address;
  return { connection, pub, counter, evmCounter, caller };
}

async function rpc<T>(connection: NetworkConnection, method: string, params: unknown[] = []): Promise<T> {
  return (await connection.provider.request({ method, params })) as T;
}

interface BlockOutcome {
  hashes: Hex[];
  statuses: string[];
  /** Logs of the block as eth_getLogs lists them, addresses replaced by role names. */
  logs: Array<{ address: string; topics: Hex[]; data: Hex; transactionIndex: number }>;
  number: bigint;
  deposited: bigint;
  counterNumber: bigint;
  evmNumber: bigint;
  counterBalance: bigint;
}

/**
 * The block under test, with automine off: two increments of the counter from one node-held sender,
 * an EVM transaction, a reverting setNumber, a Stylus -> EVM call and a payable deposit from a
 * raw-signing sender, then one evm_mine.
 */
async function runBlock(f: Fixture): Promise<BlockOutcome> {
  const { connection, pub, counter, evmCounter, caller } = f;
  const [wallet] = await connection.viem.getWalletClients();
  const local = await localWallet(connection);
  await rpc(connection, "evm_setAutomine", [false]);
  const data = (abi: Abi, functionName: string, args: readonly unknown[] = []): Hex =>
    encodeFunctionData({ abi, functionName, args } as never);
  const hashes: Hex[] = [];
  hashes.push(await wallet!.sendTransaction({ to: counter, data: data(counterAbiCorpus, "increment") }));
  hashes.push(await wallet!.sendTransaction({ to: counter, data: data(counterAbiCorpus, "increment") }));
  hashes.push(await wallet!.sendTransaction({ to: evmCounter, data: data(counterAbiCorpus, "increment") }));
  // Raw-signed: viem fills gas through eth_estimateGas (the plugin's for programs) and signs locally.
  hashes.push(await local.sendTransaction({ to: counter, data: data(counterAbiCorpus, "setNumber", [2_000_000n]), gas: 200_000n }));
  hashes.push(await local.sendTransaction({ to: caller, data: data(callerAbi, "callIncrement", [evmCounter]) }));
  hashes.push(await local.sendTransaction({ to: counter, data: data(counterAbiCorpus, "deposit"), value: 1_000n }));
  const before = await pub.getBlockNumber();
  const pending = await rpc<{ transactions: Hex[] }>(connection, "eth_getBlockByNumber", ["pending", false]);
  for (const hash of hashes) expect(await pub.getTransactionReceipt({ hash }).catch(() => null), "mined before evm_mine").to.equal(null);
  await rpc(connection, "evm_mine");
  const block = await pub.getBlock({ blockNumber: before + 1n });
  expect(await pub.getBlockNumber()).to.equal(before + 1n);
  expect(block.transactions, "the block holds the pending block's transactions in its order").to.deep.equal(pending.transactions);
  expect([...block.transactions].sort()).to.deep.equal([...hashes].sort());
  const statuses: string[] = [];
  for (const hash of hashes) {
    const receipt = await pub.getTransactionReceipt({ hash });
    expect(receipt.transactionHash).to.equal(hash);
    expect(receipt.blockNumber).to.equal(before + 1n);
    const tx = await pub.getTransaction({ hash });
    expect(tx.hash).to.equal(hash);
    statuses.push(receipt.status);
  }
  const role = (address: string): string =>
    ({ [counter.toLowerCase()]: "counter", [evmCounter.toLowerCase()]: "evmCounter", [caller.toLowerCase()]: "caller" })[address.toLowerCase()] ?? address;
  const rawLogs = await rpc<Array<{ address: string; topics: Hex[]; data: Hex; transactionIndex: Hex; logIndex: Hex; transactionHash: Hex }>>(
    connection,
    "eth_getLogs",
    [{ fromBlock: `0x${(before + 1n).toString(16)}`, toBlock: `0x${(before + 1n).toString(16)}` }],
  );
  rawLogs.forEach((log, i) => {
    expect(BigInt(log.logIndex), "eth_getLogs lists logs in block order").to.equal(BigInt(i));
    expect(block.transactions[Number(log.transactionIndex)]).to.equal(log.transactionHash);
  });
  for (let i = 1; i < rawLogs.length; i++) {
    expect(BigInt(rawLogs[i]!.transactionIndex) >= BigInt(rawLogs[i - 1]!.transactionIndex)).to.equal(true);
  }
  const read = async (address: Address, functionName: string): Promise<bigint> =>
    (await pub.readContract({ address, abi: counterAbiCorpus, functionName })) as bigint;
  return {
    hashes,
    statuses,
    logs: rawLogs.map((log) => ({
      address: role(log.address),
      // Indexed addresses of the contracts (they differ between the two networks) by role too.
      topics: log.topics.map((t) => (BigInt(t) < 1n << 160n && role(`0x${t.slice(26)}`).length < 16 ? (`<${role(`0x${t.slice(26)}`)}>` as Hex) : t)),
      data: log.data,
      transactionIndex: hashes.indexOf(block.transactions[Number(log.transactionIndex)]!),
    })),
    number: before + 1n,
    deposited: await read(counter, "deposited"),
    counterNumber: await read(counter, "number"),
    evmNumber: await read(evmCounter, "number"),
    counterBalance: await pub.getBalance({ address: counter }),
  };
}

describe("hardhat-stylus mining modes (automine off, evm_mine, hardhat_mine, interval)", function () {
  before(async function () {
    counterAbiCorpus = await abiOf("ICorpusCounter");
    callerAbi = await abiOf("ICorpusCaller");
  });

  describe("several transactions in one block, against the Solidity twins", function () {
    let stylus: BlockOutcome;
    let evm: BlockOutcome;
    const opened: NetworkConnection[] = [];

    before(async function () {
      const s = await fixture("stylus");
      opened.push(s.connection);
      stylus = await runBlock(s);
      const e = await fixture("evm");
      opened.push(e.connection);
      evm = await runBlock(e);
    });

    after(async function () {
      for (const connection of opened) await connection.close();
    });

    it("mines every transaction in one block under its signed hash, only the reverting one failing", function () {
      expect(stylus.statuses).to.deep.equal(["success", "success", "success", "reverted", "success", "success"]);
      expect(stylus.statuses).to.deep.equal(evm.statuses);
    });

    it("leaves the state the Solidity twins leave (each run on the state of the earlier ones)", function () {
      expect(stylus.counterNumber).to.equal(2n);
      expect(stylus.evmNumber).to.equal(2n);
      expect(stylus.deposited).to.equal(1_000n);
      expect(stylus.counterBalance).to.equal(1_000n);
      expect([stylus.counterNumber, stylus.evmNumber, stylus.deposited, stylus.counterBalance]).to.deep.equal([
        evm.counterNumber,
        evm.evmNumber,
        evm.deposited,
        evm.counterBalance,
      ]);
    });

    it("logs come from the right contracts, in block order, as the twins log them", function () {
      expect(stylus.logs.length).to.be.greaterThan(4);
      // The two increments log NumberSet(…, 1) then NumberSet(…, 2): the second run saw the first's write.
      const counterLogs = stylus.logs.filter((l) => l.address === "counter");
      expect(counterLogs.slice(0, 2).map((l) => hexToBigInt(l.data))).to.deep.equal([1n, 2n]);
      expect(stylus.logs).to.deep.equal(evm.logs);
    });
  });

  describe("on one network", function () {
    let connection: NetworkConnection;
    let pub: PublicClient;
    let counter: Address;

    before(async function () {
      connection = await network.create();
      pub = (await connection.viem.getPublicClient()) as unknown as PublicClient;
      counter = await deployCounter(connection);
    });

    after(async function () {
      await connection.close();
    });

    afterEach(async function () {
      await rpc(connection, "evm_setIntervalMining", [0]);
      await rpc(connection, "evm_setAutomine", [true]);
    });

    const increment = async (): Promise<Hex> => {
      const [wallet] = await connection.viem.getWalletClients();
      return await wallet!.sendTransaction({ to: counter, data: encodeFunctionData({ abi: counterAbi, functionName: "increment" }) });
    };
    const value = async (): Promise<bigint> => (await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })) as bigint;

    it("hardhat_mine puts the pending transactions in its first block and spaces the blocks by the interval", async function () {
      const start = await value();
      await rpc(connection, "evm_setAutomine", [false]);
      const hashes = [await increment(), await increment(), await increment()];
      const before = await pub.getBlock();
      await rpc(connection, "hardhat_mine", ["0x4", "0xa"]);
      expect(await pub.getBlockNumber()).to.equal(before.number + 4n);
      const first = await pub.getBlock({ blockNumber: before.number + 1n });
      expect(first.transactions).to.deep.equal(hashes);
      for (let i = 2n; i <= 4n; i++) {
        const block = await pub.getBlock({ blockNumber: before.number + i });
        const previous = await pub.getBlock({ blockNumber: before.number + i - 1n });
        expect(block.timestamp - previous.timestamp, `block +${i}`).to.equal(10n);
        expect(block.transactions).to.deep.equal([]);
      }
      expect(await value()).to.equal(start + 3n);
      for (const hash of hashes) expect((await pub.getTransactionReceipt({ hash })).status).to.equal("success");
    });

    it("debug_traceTransaction of a transaction later in a shared block runs it on the state the earlier ones left", async function () {
      const start = await value();
      await rpc(connection, "evm_setAutomine", [false]);
      const hashes = [await increment(), await increment()];
      await rpc(connection, "evm_mine");
      const outputs: bigint[] = [];
      for (const hash of hashes) {
        const trace = await rpc<{ output: Hex; to: string }>(connection, "debug_traceTransaction", [hash, { tracer: "callTracer" }]);
        expect(trace.to.toLowerCase()).to.equal(counter.toLowerCase());
        outputs.push(hexToBigInt(trace.output));
      }
      // increment() returns the new value: the second run saw the first one's write.
      expect(outputs).to.deep.equal([start + 1n, start + 2n]);
    });

    it("a block whose transactions' gas limits leave no room for the entry's dispatch is not mined, and says which", async function () {
      // A fresh counter: its first increment writes a zero slot (the costliest write to apply).
      const fresh = await deployCounter(connection, true, 9);
      const [wallet] = await connection.viem.getWalletClients();
      const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
      // With automine on the estimate has no room for a shared block's dispatch.
      const gas = await pub.estimateGas({ account: wallet!.account.address, to: fresh, data });
      await rpc(connection, "evm_setAutomine", [false]);
      const hashes = [await wallet!.sendTransaction({ to: fresh, data, gas }), await wallet!.sendTransaction({ to: fresh, data, gas })];
      const before = await pub.getBlockNumber();
      let message = "";
      try {
        await rpc(connection, "evm_mine");
      } catch (error) {
        message = String(error);
      }
      try {
        expect(message).to.match(/ended otherwise than the interpreter ran them/);
        expect(message).to.match(/Nothing was mined/);
        expect(message).to.contain(hashes[0]);
        expect(await pub.getBlockNumber()).to.equal(before);
        const pending = await rpc<{ transactions: Hex[] }>(connection, "eth_getBlockByNumber", ["pending", false]);
        expect(pending.transactions).to.deep.equal(hashes);
        expect(await pub.readContract({ address: fresh, abi: counterAbi, functionName: "get" })).to.equal(0n);
      } finally {
        for (const hash of hashes) {
          if ((await pub.getTransactionReceipt({ hash }).catch(() => null)) === null) await rpc(connection, "hardhat_dropTransaction", [hash]);
        }
      }
    });

    it("plans again when the entries let more transactions fit in the block than EDR's pending block showed", async function () {
      const start = await value();
      const [wallet] = await connection.viem.getWalletClients();
      const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
      await rpc(connection, "evm_setAutomine", [false]);
      // EDR's pending block runs the program as an invalid opcode, which burns all 16M gas of each:
      // only 3 fit its 60M gas. With the entries they use little, and EDR mines all 5.
      const hashes: Hex[] = [];
      for (let i = 0; i < 5; i++) hashes.push(await wallet!.sendTransaction({ to: counter, data, gas: 16_000_000n }));
      const pending = await rpc<{ transactions: Hex[] }>(connection, "eth_getBlockByNumber", ["pending", false]);
      expect(pending.transactions.length).to.be.lessThan(5);
      const before = await pub.getBlockNumber();
      await rpc(connection, "evm_mine");
      expect((await pub.getBlock({ blockNumber: before + 1n })).transactions).to.deep.equal(hashes);
      expect(await value()).to.equal(start + 5n);
    });

    it("evm_mine with a timestamp: programs read the block's own timestamp", async function () {
      await rpc(connection, "evm_setAutomine", [false]);
      const hash = await increment();
      const latest = await pub.getBlock();
      await rpc(connection, "evm_mine", [Number(latest.timestamp + 1000n)]);
      const receipt = await pub.getTransactionReceipt({ hash });
      const block = await pub.getBlock({ blockNumber: receipt.blockNumber });
      expect(block.timestamp).to.equal(latest.timestamp + 1000n);
      expect(receipt.status).to.equal("success");
    });

    it("interval mining (evm_setIntervalMining) mines Stylus transactions without any request", async function () {
      const start = await value();
      await rpc(connection, "evm_setAutomine", [false]);
      const hashes = [await increment(), await increment()];
      await rpc(connection, "evm_setIntervalMining", [50]);
      const receipts = [];
      for (const hash of hashes) {
        let receipt = null;
        for (let i = 0; i < 200 && receipt === null; i++) {
          receipt = await pub.getTransactionReceipt({ hash }).catch(() => null);
          if (receipt === null) await new Promise((resolve) => setTimeout(resolve, 25));
        }
        expect(receipt, "mined by the interval").to.not.equal(null);
        receipts.push(receipt!);
      }
      await rpc(connection, "evm_setIntervalMining", [0]);
      expect(receipts.map((r) => r.status)).to.deep.equal(["success", "success"]);
      expect(await value()).to.equal(start + 2n);
    });

    it("automine back on with transactions waiting: the next Stylus transaction is mined in one block behind them", async function () {
      const start = await value();
      await rpc(connection, "evm_setAutomine", [false]);
      const waiting = await increment();
      await rpc(connection, "evm_setAutomine", [true]);
      const before = await pub.getBlockNumber();
      const hash = await increment();
      expect(await pub.getBlockNumber()).to.equal(before + 1n);
      const block = await pub.getBlock({ blockNumber: before + 1n });
      expect(block.transactions).to.deep.equal([waiting, hash]);
      expect(await value()).to.equal(start + 2n);
      const logs = await pub.getContractEvents({ address: counter, abi: counterAbi, eventName: "Incremented", blockHash: block.hash });
      expect(logs.map((l) => l.args.value)).to.deep.equal([start + 1n, start + 2n]);
      expect(await rpc(connection, "hardhat_getAutomine")).to.equal(true);
    });

    it("automine back on with a Stylus transaction waiting: an EVM transaction sent then is mined in one block behind it", async function () {
      const start = await value();
      const [, other] = await connection.viem.getWalletClients();
      await rpc(connection, "evm_setAutomine", [false]);
      const waiting = await increment();
      await rpc(connection, "evm_setAutomine", [true]);
      const before = await pub.getBlockNumber();
      const transfer = await other!.sendTransaction({ to: "0x00000000000000000000000000000000000000e0", value: 1n });
      const block = await pub.getBlock({ blockNumber: before + 1n });
      expect(block.transactions).to.deep.equal([waiting, transfer]);
      expect((await pub.getTransactionReceipt({ hash: waiting })).status).to.equal("success");
      expect(await value()).to.equal(start + 1n);
    });

    it("a raw-signed Stylus deployment with automine off is answered under its signed hash and gets its code once mined", async function () {
      const local = await localWallet(connection);
      await rpc(connection, "evm_setAutomine", [false]);
      const hash = await local.sendTransaction({ data: await counterInitCode(8), gas: 3_000_000n });
      await rpc(connection, "evm_mine");
      const receipt = await pub.getTransactionReceipt({ hash });
      expect(receipt.status).to.equal("success");
      expect((await pub.getCode({ address: receipt.contractAddress! }))?.slice(0, 8)).to.equal("0xeff000");
    });

    it("a Stylus deployment and its activation in one block: the activation reads the deployed program", async function () {
      const [wallet] = await connection.viem.getWalletClients();
      const from = wallet!.account.address;
      await rpc(connection, "evm_setAutomine", [false]);
      const nonce = await pub.getTransactionCount({ address: from, blockTag: "pending" });
      const deploy = await wallet!.sendTransaction({ data: await counterInitCode(10), gas: 5_000_000n });
      const address = getContractAddress({ from, nonce: BigInt(nonce) });
      const activate = await wallet!.sendTransaction({
        to: ARBWASM_ADDRESS,
        data: encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [address] }),
        value: parseEther("0.1"),
        gas: 5_000_000n,
      });
      await rpc(connection, "evm_mine");
      const receipts = [await pub.getTransactionReceipt({ hash: deploy }), await pub.getTransactionReceipt({ hash: activate })];
      expect(receipts.map((r) => r.status)).to.deep.equal(["success", "success"]);
      expect(receipts[0]!.blockNumber).to.equal(receipts[1]!.blockNumber);
      expect(receipts[0]!.contractAddress?.toLowerCase()).to.equal(address.toLowerCase());
      expect(await connection.stylus.isActivated(address)).to.equal(true);
    });

    it("a Stylus deployment with automine off gets its code once mined, and can be activated and called in later blocks", async function () {
      const [wallet] = await connection.viem.getWalletClients();
      await rpc(connection, "evm_setAutomine", [false]);
      const hash = await wallet!.sendTransaction({ data: await counterInitCode(7) });
      expect(await pub.getTransactionReceipt({ hash }).catch(() => null)).to.equal(null);
      await rpc(connection, "evm_mine");
      const receipt = await pub.getTransactionReceipt({ hash });
      const address = receipt.contractAddress!;
      expect((await pub.getCode({ address }))?.slice(0, 8)).to.equal("0xeff000");
      const activation = connection.stylus.activate(address);
      // The helper waits for its receipt: mine while it waits.
      for (let i = 0; i < 100 && !(await connection.stylus.isActivated(address)); i++) {
        await rpc(connection, "evm_mine");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await activation;
      const inc = await wallet!.sendTransaction({ to: address, data: encodeFunctionData({ abi: counterAbi, functionName: "increment" }) });
      await rpc(connection, "evm_mine");
      expect((await pub.getTransactionReceipt({ hash: inc })).status).to.equal("success");
      expect(await pub.readContract({ address, abi: counterAbi, functionName: "get" })).to.equal(1n);
    });
  });

  it("interval mining from the network config mines Stylus transactions through the plugin", async function () {
    const connection = await network.create({ override: { allowBlocksWithSameTimestamp: true, mining: { auto: false, interval: 100 } } });
    try {
      const pub = (await connection.viem.getPublicClient()) as unknown as PublicClient;
      await rpc(connection, "evm_setAutomine", [true]);
      const counter = await deployCounter(connection);
      await rpc(connection, "evm_setAutomine", [false]);
      const [wallet] = await connection.viem.getWalletClients();
      const hash = await wallet!.sendTransaction({ to: counter, data: encodeFunctionData({ abi: counterAbi, functionName: "increment" }) });
      const receipt = await pub.waitForTransactionReceipt({ hash, pollingInterval: 25, timeout: 10_000 });
      expect(receipt.status).to.equal("success");
      expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(1n);
    } finally {
      await connection.close();
    }
  });

  for (const order of ["priority", "fifo"] as const) {
    it(`follows EDR's mempool order (${order}): the programs see the transactions in the block's order`, async function () {
      const connection = await network.create({ override: { mining: { mempool: { order } } } });
      try {
        const pub = (await connection.viem.getPublicClient()) as unknown as PublicClient;
        const counter = await deployCounter(connection);
        const [first, second] = await connection.viem.getWalletClients();
        await rpc(connection, "evm_setAutomine", [false]);
        // Sent first with a low tip, then an increment with a high one: priority order swaps them.
        const set = await first!.sendTransaction({
          to: counter,
          data: encodeFunctionData({ abi: counterAbi, functionName: "setValue", args: [10n] }),
          maxPriorityFeePerGas: 1n,
        });
        const inc = await second!.sendTransaction({
          to: counter,
          data: encodeFunctionData({ abi: counterAbi, functionName: "increment" }),
          maxPriorityFeePerGas: 5_000_000_000n,
        });
        await rpc(connection, "evm_mine");
        const block = await pub.getBlock();
        expect(block.transactions).to.deep.equal(order === "fifo" ? [set, inc] : [inc, set]);
        const final = await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" });
        expect(final).to.equal(order === "fifo" ? 11n : 10n);
      } finally {
        await connection.close();
      }
    });
  }

  it("refuses, before mining, two transactions to one address that cannot be told apart but do different things", function () {
    const key = entryKey("0x0000000000000000000000000000000000000001", 0n, new Uint8Array([1, 2]));
    const base = { count: 0, key, minGasLeft: 0n, outOfGas: false, succeeds: true };
    expect(() =>
      blockEntryCode("0x00000000000000000000000000000000000000aa", [
        { ...base, blob: new Uint8Array([1]) },
        { ...base, blob: new Uint8Array([2]) },
      ], false),
    ).to.throw(BlockPlanError, /cannot be told apart/);
  });
});

