// debug_traceTransaction / debug_traceCall of transactions whose TARGET is an
// EVM contract that calls a Stylus program (InteropProbe.forward -> the WAT
// relay): traced from the combined interpreter, not from the appliers EDR
// mined: callTracer nests the program's frame under the contract's,
// prestateTracer lists both accounts, stylusTracer gets the program's host
// calls, JavaScript tracers get the frames. A pure EVM transaction of the same
// contract keeps EDR's trace (with its opcode steps).
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import { network } from "hardhat";
import { numberToHex, type Address, type Hex } from "viem";

import { RELAY, relayInput } from "../../fixtures/stylus-programs/interop/relay.js";
import { deployProbe, deployRelay, type Probe } from "../helpers/interop-setup.js";

describe("debug_trace* of EVM transactions that reach Stylus programs", function () {
  let connection: NetworkConnection;
  let relay: Address;
  let probe: Address;
  let probeCall: Probe["call"];
  let sender: Address;
  let forwardHash: Hex;
  let bumpHash: Hex;
  let forwardInput: Hex;

  const trace = async (method: string, params: unknown[]): Promise<unknown> => await connection.provider.request({ method, params });

  before(async function () {
    connection = await network.create();
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    sender = wallet!.account.address;
    relay = await deployRelay(connection);
    ({ address: probe, call: probeCall } = await deployProbe(connection));
    forwardInput = probeCall("forward", [relay, relayInput(RELAY.bump)]);
    forwardHash = await wallet!.sendTransaction({ to: probe, data: forwardInput, value: 1234n });
    expect((await pub.waitForTransactionReceipt({ hash: forwardHash })).status).to.equal("success");
    bumpHash = await wallet!.sendTransaction({ to: probe, data: probeCall("bump", []) });
    expect((await pub.waitForTransactionReceipt({ hash: bumpHash })).status).to.equal("success");
  });

  after(async function () {
    await connection.close();
  });

  it("callTracer of the mined hash: the contract's frame with the program's CALL nested in it, receipt gas, and the contract's log", async function () {
    const pub = await connection.viem.getPublicClient();
    const receipt = await pub.getTransactionReceipt({ hash: forwardHash });
    const frame = (await trace("debug_traceTransaction", [forwardHash, { tracer: "callTracer", tracerConfig: { withLog: true } }])) as Record<
      string,
      unknown
    >;
    expect(frame).to.deep.include({
      type: "CALL",
      from: sender.toLowerCase(),
      to: probe.toLowerCase(),
      input: forwardInput,
      value: numberToHex(1234n),
      gasUsed: numberToHex(receipt.gasUsed),
    });
    expect(frame.error).to.equal(undefined);
    const calls = frame.calls as Array<Record<string, unknown>>;
    expect(calls).to.have.length(1);
    expect(calls[0]).to.deep.include({ type: "CALL", from: probe.toLowerCase(), to: relay.toLowerCase(), value: numberToHex(1234n), input: relayInput(RELAY.bump) });
    const logs = frame.logs as Array<{ address: string }>;
    expect(logs.map((l) => l.address)).to.deep.equal([probe.toLowerCase()]);
  });

  it("prestateTracer lists the contract, the program and the sender with what they held before", async function () {
    const pre = (await trace("debug_traceTransaction", [forwardHash, { tracer: "prestateTracer" }])) as Record<string, { code?: Hex; storage?: Record<string, Hex> }>;
    expect(Object.keys(pre)).to.include.members([sender.toLowerCase(), probe.toLowerCase(), relay.toLowerCase()]);
    expect(pre[relay.toLowerCase()]!.code?.startsWith("0xeff000")).to.equal(true);
  });

  it("stylusTracer gets the host calls of the program the contract called", async function () {
    const hostios = (await trace("debug_traceTransaction", [forwardHash, { tracer: "stylusTracer" }])) as Array<{ name: string }>;
    const names = hostios.map((h) => h.name);
    expect(names[0]).to.equal("user_entrypoint");
    expect(names).to.include("read_args");
    expect(names.at(-1)).to.equal("user_returned");
  });

  it("a JavaScript tracer sees the program's frame entered from the contract", async function () {
    const tracer = "{ frames: [], enter: function(f) { this.frames.push(f.getType() + ' ' + toHex(f.getTo())); }, exit: function() {}, result: function() { return this.frames; }, fault: function() {} }";
    const frames = (await trace("debug_traceTransaction", [forwardHash, { tracer }])) as string[];
    expect(frames).to.deep.equal([`CALL ${relay.toLowerCase()}`]);
  });

  it("debug_traceCall of the same call answers from the interpreter too", async function () {
    const frame = (await trace("debug_traceCall", [{ from: sender, to: probe, data: forwardInput }, "latest", { tracer: "callTracer" }])) as Record<
      string,
      unknown
    >;
    expect(frame).to.deep.include({ type: "CALL", to: probe.toLowerCase() });
    const calls = frame.calls as Array<Record<string, unknown>>;
    expect(calls.map((c) => c.to)).to.deep.equal([relay.toLowerCase()]);
    const hostios = (await trace("debug_traceCall", [{ from: sender, to: probe, data: forwardInput }, "latest", { tracer: "stylusTracer" }])) as Array<{
      name: string;
    }>;
    expect(hostios[0]!.name).to.equal("user_entrypoint");
  });

  it("the struct logger gives the contract's opcode steps at depth 1 with the CALL into the program, and receipt gas", async function () {
    type Step = { pc: number; op: string; gas: number; gasCost: number; depth: number; stack?: Hex[]; memory?: string[]; storage?: Record<string, string> };
    const pub = await connection.viem.getPublicClient();
    const receipt = await pub.getTransactionReceipt({ hash: forwardHash });
    const logged = (await trace("debug_traceTransaction", [forwardHash])) as { gas: number; failed: boolean; returnValue: string; structLogs: Step[] };
    expect(logged.failed).to.equal(false);
    expect(logged.gas).to.equal(Number(receipt.gasUsed));
    expect(logged.structLogs.length).to.be.greaterThan(50);
    expect(logged.structLogs[0]).to.deep.include({ pc: 0, op: "PUSH1", depth: 1 });
    expect(logged.structLogs.every((s) => s.depth === 1)).to.equal(true);
    const call = logged.structLogs.find((s) => s.op === "CALL")!;
    // CALL's stack: gas, address, value, ... (top last): the program's address and the value it forwards.
    expect(BigInt(call.stack!.at(-2)!)).to.equal(BigInt(relay));
    expect(BigInt(call.stack!.at(-3)!)).to.equal(1234n);
    // The contract's own SSTORE (count += 1) shows its storage; stack and memory per the options.
    const sstore = logged.structLogs.find((s) => s.op === "SSTORE")!;
    expect(sstore.storage).to.deep.equal({ [`0x${"0".repeat(64)}`]: `0x${"1".padStart(64, "0")}` });
    expect(sstore).to.have.property("refund");
    expect(sstore.memory).to.equal(undefined);
    const bare = (await trace("debug_traceTransaction", [forwardHash, { disableStack: true, disableStorage: true, enableMemory: true }])) as { structLogs: Step[] };
    expect(bare.structLogs.length).to.equal(logged.structLogs.length);
    expect(bare.structLogs.some((s) => s.stack !== undefined || s.storage !== undefined)).to.equal(false);
    expect(bare.structLogs.find((s) => s.op === "CALL")!.memory!.length).to.be.greaterThan(0);
  });

  it("the struct logger of a program calling the contract: the EVM callee's steps at depth 2 (debug_traceCall too)", async function () {
    type Step = { op: string; depth: number };
    const pub = await connection.viem.getPublicClient();
    const [wallet] = await connection.viem.getWalletClients();
    const data = relayInput(RELAY.call, probe, 0n, probeCall("bump", []));
    const hash = await wallet!.sendTransaction({ to: relay, data });
    expect((await pub.waitForTransactionReceipt({ hash })).status).to.equal("success");
    for (const logged of [
      (await trace("debug_traceTransaction", [hash])) as { structLogs: Step[] },
      (await trace("debug_traceCall", [{ from: sender, to: relay, data }, "latest", {}])) as { structLogs: Step[] },
    ]) {
      expect(logged.structLogs.length).to.be.greaterThan(10);
      expect(logged.structLogs.every((s) => s.depth === 2)).to.equal(true);
      expect(logged.structLogs.map((s) => s.op)).to.include.members(["SLOAD", "SSTORE", "LOG1", "RETURN"]);
    }
  });

  it("a pure EVM transaction of the contract keeps EDR's trace: opcode steps, no inner frames", async function () {
    const logged = (await trace("debug_traceTransaction", [bumpHash])) as { structLogs: Array<{ op: string }> };
    expect(logged.structLogs.map((s) => s.op)).to.include("SSTORE");
    const frame = (await trace("debug_traceTransaction", [bumpHash, { tracer: "callTracer" }])) as Record<string, unknown>;
    expect(frame.calls).to.equal(undefined);
    // Same as EDR answers a call to it (eth_call path, no program on the way).
    const call = (await trace("debug_traceCall", [{ from: sender, to: probe, data: probeCall("bump", []) }, "latest", {}])) as {
      structLogs: unknown[];
    };
    expect(call.structLogs.length).to.be.greaterThan(0);
  });
});
