// The plugin's per-connection cache of state at "latest" (chain/state-cache.ts)
// must never answer a program with stale state. A probe program returns the
// latest block number, an account's balance and its own slot 0 as it runs;
// each test changes one of them through another path (a send EDR executes, a
// Stylus send mined through the appliers, evm_snapshot/evm_revert,
// hardhat_setStorageAt / setBalance / setCode, evm_mine with automine off,
// EDR's interval mining, a served `hardhat node`) and checks that the next
// call of the program sees the change.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import {
  bytesToHex,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  http,
  keccak256,
  numberToHex,
  parseAbi,
  parseEther,
  toFunctionSelector,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { RELAY, relayInput } from "../../fixtures/stylus-programs/interop/relay.js";
import { startServedDevnet } from "../../helpers/served-hardhat-node.js";
import { deployCounter } from "../helpers/counter-setup.js";
import { deployProbe, deployRelay } from "../helpers/interop-setup.js";
import { watToWasm } from "../helpers/wat.js";

const probeAbi = parseAbi(["function probe(address who) view returns (uint256 blockNumber, uint256 balance, uint256 slot0)"]);

/** probe(who): [latest block number, who's balance, own slot 0], each as a 32-byte word. */
function probeWat(): string {
  const selector = toFunctionSelector("probe(address)");
  // The block number (an i64) goes big-endian into bytes 92..99 of the word at 68.
  const numberBytes = Array.from(
    { length: 8 },
    (_, i) => `(i32.store8 (i32.const ${92 + i}) (i32.wrap_i64 (i64.shr_u (local.get $n) (i64.const ${56 - 8 * i}))))`,
  ).join("\n      ");
  return `(module
  (import "vm_hooks" "read_args" (func $read_args (param i32)))
  (import "vm_hooks" "write_result" (func $write_result (param i32 i32)))
  (import "vm_hooks" "storage_load_bytes32" (func $load (param i32 i32)))
  (import "vm_hooks" "account_balance" (func $balance (param i32 i32)))
  (import "vm_hooks" "block_number" (func $block_number (result i64)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $n i64)
    (call $read_args (i32.const 0))
    (if (i32.lt_u (local.get $len) (i32.const 36)) (then (return (i32.const 1))))
    (if (i32.ne
          (i32.or
            (i32.or (i32.shl (i32.load8_u (i32.const 0)) (i32.const 24)) (i32.shl (i32.load8_u (i32.const 1)) (i32.const 16)))
            (i32.or (i32.shl (i32.load8_u (i32.const 2)) (i32.const 8)) (i32.load8_u (i32.const 3))))
          (i32.const ${selector}))
      (then (return (i32.const 1))))
    (local.set $n (call $block_number))
    ${numberBytes}
    (call $balance (i32.const 16) (i32.const 100))
    (call $load (i32.const 200) (i32.const 132))
    (call $write_result (i32.const 68) (i32.const 96))
    (i32.const 0)))`;
}

async function probeInitCode(): Promise<Hex> {
  return bytesToHex(buildStylusInitCode(compressStylusProgram(await watToWasm(probeWat()))));
}

/** Deploys and activates the probe program with the first wallet. */
async function deployProbeProgram(connection: NetworkConnection): Promise<Address> {
  const pub = await connection.viem.getPublicClient();
  const [wallet] = await connection.viem.getWalletClients();
  const hash = await wallet!.deployContract({ abi: probeAbi, bytecode: await probeInitCode() });
  const program = (await pub.waitForTransactionReceipt({ hash })).contractAddress!;
  await connection.stylus.activate(program);
  return program;
}

interface Probe {
  blockNumber: bigint;
  balance: bigint;
  slot0: bigint;
}

async function probe(pub: PublicClient, program: Address, who: Address): Promise<Probe> {
  const [blockNumber, balance, slot0] = await pub.readContract({ address: program, abi: probeAbi, functionName: "probe", args: [who] });
  return { blockNumber, balance, slot0 };
}

const OTHER: Address = "0x00000000000000000000000000000000000c0ffe";
const WORD = (n: bigint): Hex => numberToHex(n, { size: 32 });

describe("hardhat-stylus state cache: programs never see stale state", function () {
  let connection: NetworkConnection;
  let pub: PublicClient;
  let program: Address;

  beforeEach(async function () {
    connection = await network.create();
    pub = (await connection.viem.getPublicClient()) as PublicClient;
    program = await deployProbeProgram(connection);
  });

  afterEach(async function () {
    await connection.close();
  });

  async function transfer(value: bigint): Promise<void> {
    const [wallet] = await connection.viem.getWalletClients();
    await pub.waitForTransactionReceipt({ hash: await wallet!.sendTransaction({ to: OTHER, value }) });
  }

  it("sees a transaction EDR executed (balance and block number)", async function () {
    const before = await probe(pub, program, OTHER);
    await transfer(7n);
    const after = await probe(pub, program, OTHER);
    expect(after.balance).to.equal(before.balance + 7n);
    expect(after.blockNumber).to.equal(before.blockNumber + 1n);
  });

  it("sees a Stylus transaction mined through the appliers, and the program's code again after them", async function () {
    const counter = await deployCounter(connection);
    const [wallet] = await connection.viem.getWalletClients();
    const read = async (): Promise<bigint> => await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" });
    const start = await read();
    for (let i = 1n; i <= 3n; i++) {
      const hash = await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
      await pub.waitForTransactionReceipt({ hash });
      expect(await read()).to.equal(start + i);
    }
    expect((await pub.getCode({ address: counter }))?.slice(0, 8)).to.equal("0xeff000");
    expect((await probe(pub, program, wallet!.account.address)).balance).to.equal(
      await pub.getBalance({ address: wallet!.account.address }),
    );
  });

  it("sees evm_revert restore balances, storage and the block number", async function () {
    const before = await probe(pub, program, OTHER);
    const snapshot = await connection.provider.request({ method: "evm_snapshot" });
    await transfer(5n);
    await connection.provider.request({ method: "hardhat_setStorageAt", params: [program, WORD(0n), WORD(99n)] });
    const changed = await probe(pub, program, OTHER);
    expect(changed.balance).to.equal(before.balance + 5n);
    expect(changed.slot0).to.equal(99n);
    await connection.provider.request({ method: "evm_revert", params: [snapshot] });
    expect(await probe(pub, program, OTHER)).to.deep.equal(before);
  });

  it("sees hardhat_setStorageAt and hardhat_setBalance", async function () {
    await probe(pub, program, OTHER);
    await connection.provider.request({ method: "hardhat_setStorageAt", params: [program, WORD(0n), WORD(1234n)] });
    await connection.provider.request({ method: "hardhat_setBalance", params: [OTHER, numberToHex(4321n)] });
    const after = await probe(pub, program, OTHER);
    expect(after.slot0).to.equal(1234n);
    expect(after.balance).to.equal(4321n);
  });

  it("sees hardhat_setCode replace a program", async function () {
    const counter = await deployCounter(connection);
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(0n);
    // EVM code that returns the word 42 whatever it is called with.
    await connection.provider.request({ method: "hardhat_setCode", params: [counter, "0x602a60005260206000f3"] });
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(42n);
  });

  it("sees blocks mined with evm_mine, with the transactions they hold (automine off)", async function () {
    const before = await probe(pub, program, OTHER);
    await connection.provider.request({ method: "evm_mine" });
    expect((await probe(pub, program, OTHER)).blockNumber).to.equal(before.blockNumber + 1n);
    await connection.provider.request({ method: "evm_setAutomine", params: [false] });
    const [wallet] = await connection.viem.getWalletClients();
    await wallet!.sendTransaction({ to: OTHER, value: 3n, gas: 21_000n });
    expect((await probe(pub, program, OTHER)).balance).to.equal(before.balance);
    await connection.provider.request({ method: "evm_mine" });
    const after = await probe(pub, program, OTHER);
    expect(after.balance).to.equal(before.balance + 3n);
    expect(after.blockNumber).to.equal(before.blockNumber + 2n);
    await connection.provider.request({ method: "evm_setAutomine", params: [true] });
  });

  it("sees blocks EDR mines on its own timer (interval mining)", async function () {
    await connection.provider.request({ method: "evm_setIntervalMining", params: [50] });
    try {
      // Read once with the timer running (the header and balances are cached now), then let EDR mine.
      const first = await probe(pub, program, OTHER);
      let latest = first.blockNumber;
      for (let i = 0; i < 100 && latest <= first.blockNumber + 1n; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        latest = BigInt((await connection.provider.request({ method: "eth_blockNumber" })) as Hex);
      }
      expect(latest > first.blockNumber + 1n, "interval mining should have mined blocks").to.equal(true);
      const seen = await probe(pub, program, OTHER);
      expect(seen.blockNumber >= latest).to.equal(true);
    } finally {
      await connection.provider.request({ method: "evm_setIntervalMining", params: [0] });
    }
  });
});

describe("hardhat-stylus state cache: programs it deployed, and applier code left in place", function () {
  // A program the plugin deployed has its whole storage in the cache (new slots cost no read), and the
  // entry applier stays at its address after a transaction until a request could observe it.
  let connection: NetworkConnection;
  let pub: PublicClient;
  let counter: Address;

  beforeEach(async function () {
    connection = await network.create();
    pub = (await connection.viem.getPublicClient()) as PublicClient;
    counter = await deployCounter(connection);
  });

  afterEach(async function () {
    await connection.close();
  });

  async function increment(): Promise<void> {
    const [wallet] = await connection.viem.getWalletClients();
    const hash = await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
  }
  const read = async (): Promise<bigint> => await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" });

  /** EXTCODEHASH of the counter as EDR itself runs it (a creation eth_call the plugin leaves to EDR). */
  async function codeHashInEdr(): Promise<Hex> {
    // PUSH20 counter EXTCODEHASH PUSH0 MSTORE PUSH1 32 PUSH0 RETURN
    const data = `0x73${counter.slice(2)}3f5f5260205ff3` as Hex;
    return (await connection.provider.request({ method: "eth_call", params: [{ data }, "latest"] })) as Hex;
  }

  it("puts the program's code back before EDR runs anything that could see it", async function () {
    const code = (await pub.getCode({ address: counter }))!;
    await increment();
    await increment();
    expect(await codeHashInEdr()).to.equal(keccak256(code));
    expect(await pub.getCode({ address: counter })).to.equal(code);
    // A snapshot taken after a transaction holds the program, not the applier: reverting to it keeps the program working.
    await increment();
    const snapshot = await connection.provider.request({ method: "evm_snapshot" });
    await increment();
    await connection.provider.request({ method: "evm_revert", params: [snapshot] });
    expect(await codeHashInEdr()).to.equal(keccak256(code));
    expect(await read()).to.equal(3n);
    await increment();
    expect(await read()).to.equal(4n);
  });

  it("sees every writer of a program it deployed: its own transactions, reverts, set storage, replaced code", async function () {
    await increment();
    await increment();
    expect(await read()).to.equal(2n);
    const snapshot = await connection.provider.request({ method: "evm_snapshot" });
    await increment();
    await connection.provider.request({ method: "evm_revert", params: [snapshot] });
    await increment();
    expect(await read()).to.equal(3n);
    await connection.provider.request({ method: "hardhat_setStorageAt", params: [counter, WORD(0n), WORD(40n)] });
    await increment();
    expect(await read()).to.equal(41n);
    // EVM code put at the address writes slot 0 when EDR runs it; the program then sees that value.
    const code = (await pub.getCode({ address: counter }))!;
    // PUSH1 7 PUSH0 SSTORE STOP
    await connection.provider.request({ method: "hardhat_setCode", params: [counter, "0x60075f5500"] });
    const [wallet] = await connection.viem.getWalletClients();
    await pub.waitForTransactionReceipt({ hash: await wallet!.sendTransaction({ to: counter, gas: 100_000n }) });
    await connection.provider.request({ method: "hardhat_setCode", params: [counter, code] });
    expect(await read()).to.equal(7n);
    await increment();
    expect(await read()).to.equal(8n);
  });

  it("sees what an EVM transaction EDR executed wrote, after the interpreter looked at it first", async function () {
    // probeA.forward(probeB, bump()) can call out, so the plugin runs it first and leaves it to EDR when
    // it reaches no program; the cache then keeps all but what that run changed (probeB's count, the sender).
    const relay = await deployRelay(connection);
    const probeA = await deployProbe(connection);
    const probeB = await deployProbe(connection);
    const [wallet] = await connection.viem.getWalletClients();
    const balanceProbe = await deployProbeProgram(connection);
    const countThroughProgram = async (): Promise<bigint> =>
      BigInt(await pub.call({ to: relay, data: relayInput(RELAY.staticCall, probeB.address, 0n, probeB.call("count", [])) }).then((r) => r.data ?? "0x0"));
    expect(await countThroughProgram()).to.equal(0n);
    for (let i = 1n; i <= 3n; i++) {
      const hash = await wallet!.sendTransaction({ to: probeA.address, data: probeA.call("forward", [probeB.address, probeB.call("bump", [])]) });
      expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
      expect(await countThroughProgram()).to.equal(i);
      expect((await probe(pub, balanceProbe, wallet!.account.address)).balance).to.equal(await pub.getBalance({ address: wallet!.account.address }));
    }
  });

  it("sees a block of its transactions mined with automine off", async function () {
    await increment();
    await connection.provider.request({ method: "evm_setAutomine", params: [false] });
    const [wallet] = await connection.viem.getWalletClients();
    await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
    await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
    await connection.provider.request({ method: "evm_mine" });
    await connection.provider.request({ method: "evm_setAutomine", params: [true] });
    expect(await read()).to.equal(3n);
    await increment();
    expect(await read()).to.equal(4n);
  });
});

describe("hardhat-stylus state cache on `hardhat node`", function () {
  it("answers outside clients with state other outside clients changed", async function () {
    const served = await startServedDevnet({ timeoutMs: 90_000 });
    try {
      const url = served.url;
      const chain = defineChain({
        id: 31337,
        name: "hardhat node",
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [url] } },
      });
      const pub = createPublicClient({ chain, transport: http(url) }) as PublicClient;
      const [account] = await createWalletClient({ chain, transport: http(url) }).getAddresses();
      const wallet = createWalletClient({ chain, transport: http(url), account: account! });
      const deployed = await pub.waitForTransactionReceipt({
        hash: await wallet.deployContract({ abi: probeAbi, bytecode: await probeInitCode() }),
      });
      const program = deployed.contractAddress!;
      const activate = encodeFunctionData({ abi: arbWasmAbi, functionName: "activateProgram", args: [program] });
      await pub.waitForTransactionReceipt({
        hash: await wallet.sendTransaction({ to: ARBWASM_ADDRESS, data: activate, value: parseEther("0.01") }),
      });
      const before = await probe(pub, program, OTHER);
      // A second, independent client changes state.
      const other = createPublicClient({ chain, transport: http(url) });
      await other.request({ method: "hardhat_setStorageAt" as never, params: [program, WORD(0n), WORD(77n)] as never });
      await pub.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: OTHER, value: 9n }) });
      const after = await probe(pub, program, OTHER);
      expect(after.slot0).to.equal(77n);
      expect(after.balance).to.equal(before.balance + 9n);
    } finally {
      await served.stop();
    }
  });
});
