// debug_traceTransaction / debug_traceCall for Stylus programs on the
// in-process network, through the provider as any client sends them: the
// program's frame in callTracer, prestateTracer (plain and diffMode), the
// struct logger and 4byteTracer; Nitro-style errors for bad options and
// tracers that are not served; EVM transactions still traced by EDR.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import { encodeFunctionData, keccak256, numberToHex, toHex, type Address, type Hex } from "viem";

import { counterAbi } from "../../fixtures/stylus-programs/integration/counter.js";
import { deployCounter } from "../helpers/counter-setup.js";

const SLOT0 = `0x${"0".repeat(64)}` as Hex;
const INCREMENTED = keccak256(toHex("Incremented(uint256)"));
const OOPS = keccak256(toHex("Oops()")).slice(0, 10);

describe("debug_trace* of Stylus programs", function () {
  let connection: NetworkConnection;
  let counter: Address;
  let sender: Address;
  let incrementHash: Hex;
  let failHash: Hex;

  const trace = async (method: string, params: unknown[]): Promise<Record<string, unknown>> =>
    (await connection.provider.request({ method, params })) as Record<string, unknown>;
  const traceError = async (method: string, params: unknown[]): Promise<{ code?: number; message: string }> => {
    try {
      await connection.provider.request({ method, params });
    } catch (error) {
      return error as { code?: number; message: string };
    }
    throw new Error(`${method} was expected to fail`);
  };

  before(async function () {
    connection = await network.create();
    counter = await deployCounter(connection, true, 60);
    const [wallet] = await connection.viem.getWalletClients();
    const pub = await connection.viem.getPublicClient();
    sender = wallet!.account.address;
    incrementHash = await wallet!.writeContract({ address: counter, abi: counterAbi, functionName: "increment" });
    await pub.waitForTransactionReceipt({ hash: incrementHash });
    try {
      await wallet!.sendTransaction({ to: counter, data: encodeFunctionData({ abi: counterAbi, functionName: "fail" }), gas: 100_000n });
    } catch {
      // EDR reports the failed transaction; it is mined all the same.
    }
    const block = await pub.getBlock({ includeTransactions: false });
    failHash = block.transactions[0]!;
  });

  after(async function () {
    await connection.close();
  });

  it("callTracer shows the program's frame with its input, output, gas and (withLog) its event", async function () {
    const pub = await connection.viem.getPublicClient();
    const receipt = await pub.getTransactionReceipt({ hash: incrementHash });
    const tx = await pub.getTransaction({ hash: incrementHash });
    const frame = await trace("debug_traceTransaction", [incrementHash, { tracer: "callTracer", tracerConfig: { withLog: true } }]);
    expect(frame).to.deep.include({
      type: "CALL",
      from: sender.toLowerCase(),
      to: counter.toLowerCase(),
      input: encodeFunctionData({ abi: counterAbi, functionName: "increment" }),
      output: numberToHex(1n, { size: 32 }),
      gas: numberToHex(tx.gas),
      gasUsed: numberToHex(receipt.gasUsed),
      value: "0x0",
    });
    expect(frame.error).to.equal(undefined);
    const logs = frame.logs as Array<{ address: string; topics: Hex[]; data: Hex }>;
    expect(logs).to.have.length(1);
    expect(logs[0]!.address).to.equal(counter.toLowerCase());
    expect(logs[0]!.topics).to.deep.equal([INCREMENTED]);
    // Without withLog, no logs.
    expect((await trace("debug_traceTransaction", [incrementHash, { tracer: "callTracer" }])).logs).to.equal(undefined);
  });

  it("callTracer reports a reverted program call with its revert data", async function () {
    const frame = await trace("debug_traceTransaction", [failHash, { tracer: "callTracer" }]);
    expect(frame.error).to.equal("execution reverted");
    expect(frame.output).to.equal(OOPS);
    expect(frame.to).to.equal(counter.toLowerCase());
  });

  it("prestateTracer reports the slot the program read before it ran, and diffMode its change", async function () {
    const pre = (await trace("debug_traceTransaction", [incrementHash, { tracer: "prestateTracer" }])) as Record<string, { storage?: Record<Hex, Hex>; code?: Hex }>;
    const program = pre[counter.toLowerCase()]!;
    expect(program.storage).to.deep.equal({ [SLOT0]: SLOT0 });
    expect(program.code?.slice(0, 8)).to.equal("0xeff000");
    expect(pre[sender.toLowerCase()]).to.not.equal(undefined);

    const diff = (await trace("debug_traceTransaction", [incrementHash, { tracer: "prestateTracer", tracerConfig: { diffMode: true } }])) as {
      pre: Record<string, { storage?: Record<Hex, Hex> }>;
      post: Record<string, { storage?: Record<Hex, Hex> }>;
    };
    expect(diff.post[counter.toLowerCase()]?.storage).to.deep.equal({ [SLOT0]: numberToHex(1n, { size: 32 }) });
    expect(diff.pre[counter.toLowerCase()]?.storage).to.equal(undefined); // the slot was zero before
  });

  it("the default tracer and 4byteTracer answer for the program frame", async function () {
    const logger = await trace("debug_traceTransaction", [incrementHash]);
    expect(logger).to.deep.include({ failed: false, returnValue: numberToHex(1n, { size: 32 }), structLogs: [] });
    const fourByte = await trace("debug_traceTransaction", [incrementHash, { tracer: "4byteTracer" }]);
    expect(fourByte).to.deep.equal({ [`${encodeFunctionData({ abi: counterAbi, functionName: "increment" })}-0`]: 1 });
  });

  it("debug_traceCall runs the program on the requested block without changing anything", async function () {
    const data = encodeFunctionData({ abi: counterAbi, functionName: "increment" });
    const frame = await trace("debug_traceCall", [{ from: sender, to: counter, data }, "latest", { tracer: "callTracer" }]);
    expect(frame.output).to.equal(numberToHex(2n, { size: 32 }));
    const diff = (await trace("debug_traceCall", [{ from: sender, to: counter, data }, "latest", { tracer: "prestateTracer", tracerConfig: { diffMode: true } }])) as {
      post: Record<string, { storage?: Record<Hex, Hex> }>;
    };
    expect(diff.post[counter.toLowerCase()]?.storage).to.deep.equal({ [SLOT0]: numberToHex(2n, { size: 32 }) });
    const pub = await connection.viem.getPublicClient();
    expect(await pub.readContract({ address: counter, abi: counterAbi, functionName: "get" })).to.equal(1n);
  });

  it("answers bad options with geth's errors and tracers it does not serve with a clear error", async function () {
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: "callTracer", tracerConfig: { withLog: "yes" } }])).message).to.contain(
      "cannot unmarshal string into Go struct field callTracerConfig.withLog of type bool",
    );
    expect((await traceError("debug_traceTransaction", [incrementHash, { timeout: "soon" }])).message).to.contain('time: invalid duration "soon"');
    expect((await traceError("debug_traceTransaction", [incrementHash, "callTracer"])).message).to.contain("cannot unmarshal string");
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: "stylusTracer" }])).message).to.contain("not served yet");
    expect((await traceError("debug_traceTransaction", [incrementHash, { tracer: "{ result: function() { return 1; } }" }])).message).to.contain(
      "JavaScript tracers",
    );
    // The node keeps serving.
    expect((await trace("debug_traceTransaction", [incrementHash, { tracer: "callTracer" }])).type).to.equal("CALL");
  });

  it("leaves EVM transactions to EDR's tracer", async function () {
    const [wallet] = await connection.viem.getWalletClients();
    const pub = await connection.viem.getPublicClient();
    const hash = await wallet!.sendTransaction({ to: sender, value: 1n });
    await pub.waitForTransactionReceipt({ hash });
    const frame = await trace("debug_traceTransaction", [hash, { tracer: "callTracer" }]);
    expect(frame.to).to.equal(sender.toLowerCase());
    expect(frame.value).to.equal("0x1");
  });
});
