// Runs the real MVPIoTProcessor Stylus artifact in the engine against the
// in-memory chain: validation, initialize + setSubmitter, the predecessor's
// submitResult / getResult, the write-once rule and access control. Skips
// when contracts-stylus/artifacts/MVPIoTProcessor.wasm has not been built.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { expect } from "chai";
import {
  decodeErrorResult,
  decodeEventLog,
  decodeFunctionResult,
  encodeFunctionData,
  hexToBytes,
  type Hex as ViemHex,
} from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";
import { compileStylusProgram, executeStylusProgram, validateStylusProgram } from "../../../hardhat-stylus/src/internal/runtime/index.js";
import type { ExecutionResult, Hex } from "../../../hardhat-stylus/src/internal/runtime/types.js";
import { defaultContext, FakeChain, hex, PROGRAM } from "./helpers.js";

// STYLUS_MVP_WASM points at another build of the program (e.g. the unstripped cargo output).
const WASM_PATH =
  process.env.STYLUS_MVP_WASM ?? fileURLToPath(new URL("../../../contracts-stylus/artifacts/MVPIoTProcessor.wasm", import.meta.url));
const OWNER: Hex = "0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SUBMITTER: Hex = "0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const STRANGER: Hex = "0xcccccccccccccccccccccccccccccccccccccccc";
const TASK: Hex = `0x${"11".repeat(32)}`;
const PROOF: Hex = `0x${"22".repeat(32)}`;

describe("MVPIoTProcessor artifact in the Stylus engine", function () {
  let wasm: Uint8Array;
  let module: WebAssembly.Module;
  let chain: FakeChain;

  before(async function () {
    if (!existsSync(WASM_PATH)) {
      this.skip();
    }
    wasm = new Uint8Array(readFileSync(WASM_PATH));
    module = await compileStylusProgram(wasm);
  });

  beforeEach(() => {
    chain = new FakeChain();
  });

  /** Runs one transaction and applies its flushed writes to the fake chain, as mining would. */
  async function send(from: Hex, data: ViemHex, mode: "call" | "transaction" = "transaction"): Promise<ExecutionResult> {
    const result = await executeStylusProgram({
      module,
      context: defaultContext({ sender: from, origin: from, calldata: hexToBytes(data) }),
      chain,
      gasLimit: 5_000_000n,
      mode,
    });
    if (result.success && mode === "transaction") {
      for (const write of result.storageWrites) chain.setStorage(PROGRAM, write.slot, write.value);
    }
    return result;
  }

  async function setUp(): Promise<void> {
    const init = await send(OWNER, encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "initialize", args: [OWNER] }));
    expect(init.success, init.error?.message).to.equal(true);
    const allow = await send(
      OWNER,
      encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "setSubmitter", args: [SUBMITTER, true] }),
    );
    expect(allow.success, allow.error?.message).to.equal(true);
  }

  it("passes Nitro validation", () => {
    const info = validateStylusProgram(wasm);
    expect(info.functionCount).to.be.greaterThan(0);
    expect(info.memoryPages).to.be.at.most(128);
  });

  it("submitResult stores once, emits ResultSubmitted, and getResult returns it", async () => {
    await setUp();
    const submit = await send(
      SUBMITTER,
      encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "submitResult", args: [TASK, [1, 2, 3], PROOF] }),
    );
    expect(submit.success, submit.error?.message).to.equal(true);
    expect(submit.storageWrites.length).to.be.greaterThan(0);
    const events = submit.logs.map((log) =>
      decodeEventLog({ abi: mvpIoTProcessorAbi, topics: log.topics as [ViemHex, ...ViemHex[]], data: log.data }),
    );
    const submitted = events.find((e) => e.eventName === "ResultSubmitted");
    expect(submitted?.args).to.deep.include({ task_id: TASK, proof_hash: PROOF });

    const get = await send(STRANGER, encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "getResult", args: [TASK] }), "call");
    expect(get.success, get.error?.message).to.equal(true);
    const [data, proof, timestamp, submitter] = decodeFunctionResult({
      abi: mvpIoTProcessorAbi,
      functionName: "getResult",
      data: hex(get.output),
    }) as readonly [readonly number[], ViemHex, bigint, ViemHex];
    expect(Array.from(data)).to.deep.equal([1, 2, 3]);
    expect(proof).to.equal(PROOF);
    expect(timestamp).to.equal(1_700_000_000n);
    expect(submitter.toLowerCase()).to.equal(SUBMITTER);
    console.log(`      submitResult: ${submit.gasUsed} gas, ${submit.reads} re-executions; getResult: ${get.gasUsed} gas`);
  });

  it("a second submitResult for the same task reverts with ResultAlreadySubmitted", async () => {
    await setUp();
    const data = encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "submitResult", args: [TASK, [9], PROOF] });
    expect((await send(SUBMITTER, data)).success).to.equal(true);
    const again = await send(SUBMITTER, data);
    expect(again.success).to.equal(false);
    expect(again.storageWrites).to.deep.equal([]);
    const error = decodeErrorResult({ abi: mvpIoTProcessorAbi, data: hex(again.output) });
    expect(error.errorName).to.equal("ResultAlreadySubmitted");
  });

  it("submitResult from a non-submitter reverts with AccessUnauthorized", async () => {
    await setUp();
    const r = await send(
      STRANGER,
      encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "submitResult", args: [TASK, [1], PROOF] }),
    );
    expect(r.success).to.equal(false);
    expect(decodeErrorResult({ abi: mvpIoTProcessorAbi, data: hex(r.output) }).errorName).to.equal("AccessUnauthorized");
  });

  it("getResult of an unknown task returns an empty array and zeros", async () => {
    const r = await send(STRANGER, encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName: "getResult", args: [TASK] }), "call");
    expect(r.success, r.error?.message).to.equal(true);
    const [data, proof, timestamp] = decodeFunctionResult({
      abi: mvpIoTProcessorAbi,
      functionName: "getResult",
      data: hex(r.output),
    }) as readonly [readonly number[], ViemHex, bigint, ViemHex];
    expect(data).to.have.length(0);
    expect(BigInt(proof)).to.equal(0n);
    expect(timestamp).to.equal(0n);
  });
});
