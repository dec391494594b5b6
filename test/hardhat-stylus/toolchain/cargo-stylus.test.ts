// cargo-stylus 0.10, unmodified, against this project's `hardhat node`:
// check, deploy (with and without activation), activate, cache status,
// suggest-bid and bid (through the EVM CacheManager), trace and simulate with
// their JavaScript tracer and with --use-native-tracer, and
// the commands that cannot pass yet, each pending with its reason. The WASM
// comes from files (--wasm-file): the committed MVPIoTProcessor build and a
// WAT counter compiled here; the constructor case builds the corpus counter
// from source with Debian's rustc-web linked as a rustup toolchain (rustup
// has no wasm32 target on this machine). Skipped, visibly, when the cargo-stylus binary is not installed.
import { writeFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  decodeEventLog,
  encodeFunctionData,
  http,
  keccak256,
  parseAbi,
  parseEther,
  toFunctionSelector,
  type Address,
  type PublicClient,
} from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "../../../hardhat-stylus/src/internal/activation/arbwasm-abi.js";
import { ARBWASMCACHE_ADDRESS, arbWasmCacheAbi } from "../../../hardhat-stylus/src/internal/arbos/arbwasmcache-abi.js";
import { CACHE_MANAGER_ADDRESS, STYLUS_DEPLOYER_ADDRESS } from "../../../hardhat-stylus/src/internal/predeploys/addresses.js";
import { loadMvpIoTProcessorArtifact } from "../../../contracts-stylus/artifacts/index.js";
import { counterAbi, counterWat } from "../../fixtures/stylus-programs/integration/counter.js";
import { forwarderAbi, forwarderWat } from "../../fixtures/stylus-programs/integration/forwarder.js";
import { startServedDevnet, type ServedDevnet } from "../../helpers/served-hardhat-node.js";
import { watToWasm } from "../helpers/wat.js";

import { TEST_ADDRESSES, TEST_KEYS } from "./helpers/cast.js";
import {
  cargoStylus,
  cargoStylusMissing,
  createSourceProject,
  createStylusWorkspace,
  deployedAddress,
  sourceBuildMissing,
} from "./helpers/cargo-stylus.js";

/** cargo-stylus commands that cannot pass yet, with the reason; shown as pending. */
export const CARGO_STYLUS_PENDING: ReadonlyMap<string, string> = new Map([]);

/** The host calls of an increment() of the counter program, in the order Nitro records them. */
const COUNTER_INCREMENT_HOSTIOS = [
  "user_entrypoint",
  "read_args",
  "storage_load_bytes32",
  "storage_cache_bytes32",
  "storage_flush_cache",
  "emit_log",
  "write_result",
  "user_returned",
];

/** The JSON array of host-call records that `cargo stylus trace` / `simulate` print on one line. */
function traceRecords<T>(output: string): T[] {
  const line = output.split("\n").find((l) => l.startsWith("["));
  expect(line, output).to.not.equal(undefined);
  return JSON.parse(line!) as T[];
}

describe("cargo-stylus against `hardhat node`", function () {
  this.timeout(300_000);
  let served: ServedDevnet | undefined;
  let workspace: ReturnType<typeof createStylusWorkspace> | undefined;
  let url: string;
  let pub: PublicClient;
  let mvpWasm: string;
  let counterWasm: string;
  let forwarderWasm: string;
  let badWasm: string;
  const run = async (...args: string[]) => await cargoStylus(workspace!.dir, args);
  const programVersion = async (program: Address) =>
    await pub.readContract({ address: ARBWASM_ADDRESS, abi: arbWasmAbi, functionName: "programVersion", args: [program] });

  before(async function () {
    const missing = cargoStylusMissing();
    if (missing !== undefined) {
      console.log(`    [skipped] ${missing}`);
      this.skip();
    }
    served = await startServedDevnet({ timeoutMs: 90_000 });
    url = served.url;
    pub = createPublicClient({ transport: http(url) });
    workspace = createStylusWorkspace();
    mvpWasm = path.join(workspace.dir, "mvp.wasm");
    writeFileSync(mvpWasm, loadMvpIoTProcessorArtifact().wasm);
    counterWasm = path.join(workspace.dir, "counter.wasm");
    writeFileSync(counterWasm, await watToWasm(counterWat(90)));
    forwarderWasm = path.join(workspace.dir, "forwarder.wasm");
    writeFileSync(forwarderWasm, await watToWasm(forwarderWat()));
    // A module without the user_entrypoint export: Nitro refuses it.
    badWasm = path.join(workspace.dir, "bad.wasm");
    writeFileSync(badWasm, await watToWasm('(module (memory (export "memory") 1 1))'));
  });

  after(async function () {
    workspace?.dispose();
    await served?.stop();
  });

  it("cargo stylus check accepts the committed build and prices its activation", async function () {
    const result = await run("check", "-e", url, "--wasm-file", mvpWasm);
    expect(result.exitCode, result.output).to.equal(0);
    expect(result.output).to.match(/contract size: .*\(\d+ bytes\)/);
    expect(result.output).to.match(/wasm data fee: 0\.\d+ ETH/);
  });

  it("cargo stylus check refuses a module Nitro would reject, with Nitro's ProgramNotWasm", async function () {
    const result = await run("check", "-e", url, "--wasm-file", badWasm);
    expect(result.exitCode).to.not.equal(0);
    expect(result.output).to.contain("ProgramNotWasm()");
    expect(result.output).to.contain("user_entrypoint");
  });

  let mvp: Address;
  it("cargo stylus deploy (no constructor) deploys and activates; the program then serves calls", async function () {
    const result = await run("deploy", "--no-verify", "-e", url, "--wasm-file", mvpWasm, "--private-key", TEST_KEYS.other);
    expect(result.exitCode, result.output).to.equal(0);
    expect(result.output).to.match(/successfully activated contract/);
    mvp = deployedAddress(result);
    expect((await pub.getCode({ address: mvp }))?.slice(0, 8)).to.equal("0xeff000");
    expect(await programVersion(mvp)).to.equal(2);

    const wallet = createWalletClient({ transport: http(url), account: TEST_ADDRESSES.other });
    const { abi } = loadMvpIoTProcessorArtifact();
    const hash = await wallet.writeContract({ address: mvp, abi, functionName: "initialize", args: [TEST_ADDRESSES.other], chain: null });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
    expect(await pub.readContract({ address: mvp, abi, functionName: "owner" })).to.equal(TEST_ADDRESSES.other);
  });

  it("cargo stylus deploy --constructor-args builds from source and deploys through StylusDeployer: create, activate and constructor in one transaction", async function () {
    this.timeout(900_000);
    const missing = sourceBuildMissing();
    if (missing !== undefined) {
      console.log(`    [skipped] ${missing}`);
      this.skip();
    }
    const project = createSourceProject();
    try {
      const result = await cargoStylus(
        project.dir,
        ["deploy", "--no-verify", "-e", url, "--private-key", TEST_KEYS.owner, "--constructor-args", "42"],
        { env: project.env, timeoutMs: 840_000 },
      );
      expect(result.exitCode, result.output).to.equal(0);
      const program = deployedAddress(result);
      // One transaction to StylusDeployer did it all: its receipt carries the program's creation.
      const txHash = /deployment tx hash: (0x[0-9a-fA-F]{64})/.exec(result.output)?.[1] as `0x${string}` | undefined;
      expect(txHash, result.output).to.not.equal(undefined);
      const receipt = await pub.getTransactionReceipt({ hash: txHash! });
      expect(receipt.status).to.equal("success");
      expect(receipt.to?.toLowerCase()).to.equal(STYLUS_DEPLOYER_ADDRESS.toLowerCase());
      expect((await pub.getCode({ address: program }))?.slice(0, 8)).to.equal("0xeff000");
      expect(await programVersion(program)).to.equal(2);
      const counter = parseAbi(["function number() view returns (uint256)"]);
      expect(await pub.readContract({ address: program, abi: counter, functionName: "number" })).to.equal(42n);
    } finally {
      project.dispose();
    }
  });

  it("cargo stylus deploy --no-activate, then cargo stylus activate", async function () {
    const deployed = await run("deploy", "--no-verify", "--no-activate", "-e", url, "--wasm-file", counterWasm, "--private-key", TEST_KEYS.owner);
    expect(deployed.exitCode, deployed.output).to.equal(0);
    const counter = deployedAddress(deployed);
    await pub
      .readContract({ address: counter, abi: counterAbi, functionName: "get" })
      .then(() => expect.fail("an inactive program must not run"), (error: Error) => expect(error.message).to.contain("ProgramNotActivated"));

    const activated = await run("activate", "-e", url, "--address", counter, "--private-key", TEST_KEYS.owner);
    expect(activated.exitCode, activated.output).to.equal(0);
    expect(await programVersion(counter)).to.equal(2);
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(0n);

    // Activating again is refused as on Nitro.
    const again = await run("activate", "-e", url, "--address", counter, "--private-key", TEST_KEYS.owner);
    expect(again.exitCode).to.not.equal(0);
    expect(again.output).to.contain("ProgramUpToDate");
  });

  it("cargo stylus deploy with automine off and interval mining: the deployment and the activation are mined by the plugin's interval", async function () {
    const wasm = path.join(path.dirname(counterWasm), "counter-interval.wasm");
    writeFileSync(wasm, await watToWasm(counterWat(91)));
    const test = createTestClient({ mode: "hardhat", transport: http(url) });
    await test.setAutomine(false);
    // viem's hardhat mode takes seconds: a block a second.
    await test.setIntervalMining({ interval: 1 });
    try {
      const deployed = await run("deploy", "--no-verify", "-e", url, "--wasm-file", wasm, "--private-key", TEST_KEYS.owner);
      expect(deployed.exitCode, deployed.output).to.equal(0);
      const counter = deployedAddress(deployed);
      expect(await programVersion(counter)).to.equal(2);
      expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(0n);
    } finally {
      await test.setIntervalMining({ interval: 0 });
      await test.setAutomine(true);
    }
  });

  it("cargo stylus cache status reads CacheManager and ArbWasmCache, before and after the program is cached", async function () {
    const before = await run("cache", "status", "-e", url, "--address", mvp);
    expect(before.exitCode, before.output).to.equal(0);
    expect(before.output.toLowerCase()).to.contain(`cache manager address: ${CACHE_MANAGER_ADDRESS.toLowerCase()}`);
    expect(before.output).to.contain('Cache manager status: "active"');
    expect(before.output).to.match(/Cache size: 4\.3 GB/);
    expect(before.output).to.match(/Minimum bid for "24kb" contract: 0/);
    expect(before.output).to.contain("is not yet cached");

    // Cache it the way CacheManager does: a call to ArbWasmCache.cacheProgram from the manager.
    const test = createTestClient({ mode: "hardhat", transport: http(url) });
    await test.impersonateAccount({ address: CACHE_MANAGER_ADDRESS });
    await test.setBalance({ address: CACHE_MANAGER_ADDRESS, value: parseEther("1") });
    const manager = createWalletClient({ transport: http(url), account: CACHE_MANAGER_ADDRESS });
    const hash = await manager.writeContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "cacheProgram", args: [mvp], chain: null });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
    await test.stopImpersonatingAccount({ address: CACHE_MANAGER_ADDRESS });
    const codehash = keccak256((await pub.getCode({ address: mvp }))!);
    expect(await pub.readContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "codehashIsCached", args: [codehash] })).to.equal(true);

    const after = await run("cache", "status", "-e", url, "--address", mvp);
    expect(after.exitCode, after.output).to.equal(0);
    expect(after.output).to.contain('"is cached"');
  });

  it("cargo stylus cache suggest-bid and cache bid go through the EVM CacheManager, which calls ArbWasm and ArbWasmCache", async function () {
    const deployed = await run("deploy", "--no-verify", "-e", url, "--wasm-file", counterWasm, "--private-key", TEST_KEYS.owner);
    expect(deployed.exitCode, deployed.output).to.equal(0);
    const program = deployedAddress(deployed);
    const codehash = keccak256((await pub.getCode({ address: program }))!);
    const isCached = async () =>
      await pub.readContract({ address: ARBWASMCACHE_ADDRESS, abi: arbWasmCacheAbi, functionName: "codehashIsCached", args: [codehash] });

    // CacheManager.getMinBid reads the program's size from ArbWasm (0x71); the cache is empty, so 0.
    const suggested = await run("cache", "suggest-bid", "-e", url, program);
    expect(suggested.exitCode, suggested.output).to.equal(0);
    expect(suggested.output).to.match(new RegExp(`Minimum bid for contract ${program}: 0 wei`, "i"));
    expect(await isCached()).to.equal(false);

    // CacheManager.placeBid calls ArbWasmCache.cacheProgram (0x72) as the cache manager.
    const bid = await run("cache", "bid", "-e", url, program, "0", "--private-key", TEST_KEYS.owner);
    expect(bid.exitCode, bid.output).to.equal(0);
    expect(bid.output).to.contain("Successfully cached contract");
    expect(await isCached()).to.equal(true);
    const hash = /bid tx with hash: (0x[0-9a-fA-F]{64})/.exec(bid.output)?.[1] as `0x${string}` | undefined;
    expect(hash, bid.output).to.not.equal(undefined);
    const receipt = await pub.getTransactionReceipt({ hash: hash! });
    expect(receipt.to?.toLowerCase()).to.equal(CACHE_MANAGER_ADDRESS.toLowerCase());
    const update = receipt.logs.find((l) => l.address.toLowerCase() === ARBWASMCACHE_ADDRESS.toLowerCase());
    expect(update, "ArbWasmCache's UpdateProgramCache in the bid's receipt").to.not.equal(undefined);
    expect(decodeEventLog({ abi: arbWasmCacheAbi, ...update! }).args).to.deep.include({ codehash, cached: true });

    const status = await run("cache", "status", "-e", url, "--address", program);
    expect(status.exitCode, status.output).to.equal(0);
    expect(status.output).to.contain('"is cached"');
  });

  it("cargo stylus trace --use-native-tracer prints the host calls of a program transaction (Nitro's stylusTracer)", async function () {
    const deployed = await run("deploy", "--no-verify", "-e", url, "--wasm-file", counterWasm, "--private-key", TEST_KEYS.owner);
    const program = deployedAddress(deployed);
    const wallet = createWalletClient({ transport: http(url), account: TEST_ADDRESSES.owner });
    const hash = await wallet.writeContract({ address: program, abi: counterAbi, functionName: "increment", chain: null });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
    const traced = await run("trace", "-e", url, "--tx", hash, "--use-native-tracer");
    expect(traced.exitCode, traced.output).to.equal(0);
    // cargo-stylus parses every record field by field (it fails on a wrong length), then prints them.
    const records = traceRecords<{ name: string; args: string; outs: string }>(traced.output);
    expect(records.map((r) => r.name)).to.deep.equal(COUNTER_INCREMENT_HOSTIOS);
    expect(records[1]!.outs).to.equal(encodeFunctionData({ abi: counterAbi, functionName: "increment" }));
  });

  it("cargo stylus trace (its JavaScript tracer, query.js) prints the same host calls as --use-native-tracer", async function () {
    const deployed = await run("deploy", "--no-verify", "-e", url, "--wasm-file", counterWasm, "--private-key", TEST_KEYS.owner);
    const program = deployedAddress(deployed);
    const wallet = createWalletClient({ transport: http(url), account: TEST_ADDRESSES.owner });
    const hash = await wallet.writeContract({ address: program, abi: counterAbi, functionName: "increment", chain: null });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
    const records = async (...extra: string[]) => {
      const traced = await run("trace", "-e", url, "--tx", hash, ...extra);
      expect(traced.exitCode, traced.output).to.equal(0);
      return traceRecords<{ name: string; args: string; outs: string; startInk: number; endInk: number }>(traced.output);
    };
    // Bad tracer code gets geth's error from the served node, which keeps serving.
    const bad = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "debug_traceTransaction", params: [hash, { tracer: "{ result: function() {" }] }),
    });
    const answer = (await bad.json()) as { error?: { code: number; message: string } };
    expect(answer.error?.code).to.equal(-32000);
    expect(answer.error?.message).to.match(/^SyntaxError: /);
    const js = await records();
    const native = await records("--use-native-tracer");
    expect(js.map((r) => r.name)).to.deep.equal(COUNTER_INCREMENT_HOSTIOS);
    expect(js).to.deep.equal(native);
    expect(js[1]!.outs).to.equal(encodeFunctionData({ abi: counterAbi, functionName: "increment" }));
    expect(js[0]!.startInk).to.be.greaterThan(js.at(-1)!.endInk);
  });

  it("cargo stylus trace (JavaScript tracer) nests a called program's host calls under call_contract, as --use-native-tracer does", async function () {
    const counter = deployedAddress(await run("deploy", "--no-verify", "-e", url, "--wasm-file", counterWasm, "--private-key", TEST_KEYS.owner));
    const forwarder = deployedAddress(await run("deploy", "--no-verify", "-e", url, "--wasm-file", forwarderWasm, "--private-key", TEST_KEYS.owner));
    const wallet = createWalletClient({ transport: http(url), account: TEST_ADDRESSES.owner });
    const increment = toFunctionSelector("increment()");
    const hash = await wallet.writeContract({ address: forwarder, abi: forwarderAbi, functionName: "callForward", args: [counter, increment], chain: null });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
    type Record = { name: string; address?: string; steps?: Record[] };
    const records = async (...extra: string[]) => {
      const traced = await run("trace", "-e", url, "--tx", hash, ...extra);
      expect(traced.exitCode, traced.output).to.equal(0);
      const line = traced.output.split("\n").find((l) => l.startsWith("["));
      expect(line, traced.output).to.not.equal(undefined);
      // query.js writes addresses as toHex gives them (lowercase), stylusTracer checksummed.
      return JSON.parse(line!.toLowerCase()) as Record[];
    };
    const js = await records();
    expect(js).to.deep.equal(await records("--use-native-tracer"));
    const call = js.find((r) => r.name === "call_contract");
    expect(call?.address).to.equal(counter.toLowerCase());
    expect(call!.steps!.map((r) => r.name)).to.include.members(["user_entrypoint", "storage_load_bytes32", "emit_log", "user_returned"]);
  });

  it("cargo stylus simulate (debug_traceCall with its JavaScript tracer) prints the same host calls as --use-native-tracer", async function () {
    const counter = deployedAddress(await run("deploy", "--no-verify", "-e", url, "--wasm-file", counterWasm, "--private-key", TEST_KEYS.owner));
    const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
    const simulate = async (...extra: string[]) => {
      const out = await run("simulate", "-e", url, "--from", TEST_ADDRESSES.owner, "--to", counter, "--data", data, ...extra);
      expect(out.exitCode, out.output).to.equal(0);
      return out.output;
    };
    const js = await simulate();
    expect(js).to.equal(await simulate("--use-native-tracer"));
    const records = traceRecords<{ name: string; outs: string }>(js);
    expect(records.map((r) => r.name)).to.deep.equal(COUNTER_INCREMENT_HOSTIOS);
    expect(records[1]!.outs).to.equal(data);
  });

  for (const [command, reason] of CARGO_STYLUS_PENDING) {
    it(`cargo stylus ${command} (pending: ${reason})`);
  }
});
