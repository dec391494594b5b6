// The ArbWasm precompile (0x...71) emulated in Node: decodes a call,
// answers views from activation records in chain state, and for
// activateProgram validates the program with the core's validator, prices
// it (fee-model.ts) and returns the effects (record write, ProgramActivated
// log, refund of the excess value) that a mined applier transaction applies.
import {
  decodeFunctionData,
  encodeAbiParameters,
  encodeErrorResult,
  encodeEventTopics,
  encodeFunctionResult,
  hexToBytes,
  keccak256,
  type Address,
  type Hex,
} from "viem";

import type { EmulatedOutcome } from "../chain/outcome.js";
import type { StateView } from "../chain/state-view.js";

import { codeHashOf } from "../chain/code-hash.js";
import { revertOutcome } from "../chain/outcome.js";
import {
  ARBOS_FRAGMENTS_VERSION,
  DEFAULT_MAX_FRAGMENTS,
  fragmentReadGas,
  isStylusFragmentCode,
  isStylusRootCode,
  parseStylusRoot,
  readRootWasm,
} from "../wasm/fragmented-program.js";
import { decompressStylusCode, isStylusCode, MAX_WASM_SIZE } from "../wasm/program-format.js";

import type { RemoteActivationLookup } from "./remote-activation.js";

import { activationSlot, decodeActivationRecord, encodeActivationRecord, readActivation, type ActivationRecord } from "./activation-store.js";
import { STYLUS_PARAMS, arbWasmAbi } from "./arbwasm-abi.js";
import { activationDataFee, activationGas } from "./fee-model.js";

export interface ArbWasmCall {
  view: StateView;
  from: Address;
  value: bigint;
  data: Uint8Array;
  /** Timestamp of the block the call runs in (activation time, expiry). */
  timestamp: bigint;
  /** On forks: activation on the forked chain (see remote-activation.ts). */
  remoteActivation?: RemoteActivationLookup;
  /** The ArbOS version emulated: roots of fragments activate from 60 (default 0: classic programs only). */
  arbOsVersion?: number;
  /**
   * Reads through the combined interpreter's journal (a program created earlier in the same
   * transaction, a record written by an earlier activation); default: `view` at its block.
   */
  journal?: {
    getCode(address: Address): Promise<Hex>;
    getRecordWord(slot: Hex): Promise<Hex>;
  };
}

async function codeOf(call: ArbWasmCall, address: Address): Promise<Hex> {
  return call.journal !== undefined ? await call.journal.getCode(address) : await call.view.getCode(address);
}

async function recordOf(call: ArbWasmCall, codehash: Hex): Promise<ActivationRecord> {
  if (call.journal === undefined) {
    return await readActivation(call.view.rpc, codehash, call.view.tag, call.remoteActivation, call.timestamp);
  }
  const record = decodeActivationRecord(await call.journal.getRecordWord(activationSlot(codehash)));
  if (record.version !== 0 || call.remoteActivation === undefined) return record;
  const version = await call.remoteActivation(codehash);
  if (version === undefined || version === 0) return record;
  return { version: STYLUS_PARAMS.version, activatedAt: call.timestamp, asmSize: 0, footprint: 0, initGas: 0, remoteVersion: version };
}

/** Gas charged for an ArbWasm view call beyond intrinsic gas (a storage read, like Nitro's precompile costs). */
const VIEW_GAS = 2_100n + 800n;

function errorOutcome(errorName: string, args: readonly unknown[], reason: string): EmulatedOutcome {
  const data = encodeErrorResult({ abi: arbWasmAbi, errorName, args } as Parameters<typeof encodeErrorResult>[0]);
  return revertOutcome(hexToBytes(data), reason, VIEW_GAS);
}

function ok(functionName: string, result: unknown, gasUsed = VIEW_GAS): EmulatedOutcome {
  const data = encodeFunctionResult({ abi: arbWasmAbi, functionName, result } as Parameters<
    typeof encodeFunctionResult
  >[0]);
  return { success: true, returnData: hexToBytes(data), gasUsed, effects: [], outOfGas: false };
}

/** Runs one call to ArbWasm. Never throws for call-level failures (they become reverts). */
export async function runArbWasm(call: ArbWasmCall): Promise<EmulatedOutcome> {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: arbWasmAbi, data: toHex(call.data) });
  } catch {
    return revertOutcome(new Uint8Array(), "ArbWasm: unknown function selector (not implemented by hardhat-stylus)");
  }
  const payable = decoded.functionName === "activateProgram" || decoded.functionName === "codehashKeepalive";
  if (!payable && call.value > 0n) {
    return revertOutcome(new Uint8Array(), `ArbWasm.${decoded.functionName} is not payable`);
  }
  const p = STYLUS_PARAMS;
  switch (decoded.functionName) {
    case "activateProgram":
      return await activateProgram(call, decoded.args[0]);
    case "codehashKeepalive":
      return await keepalive(call, decoded.args[0]);
    case "stylusVersion":
      return ok("stylusVersion", p.version);
    case "inkPrice":
      return ok("inkPrice", p.inkPrice);
    case "maxStackDepth":
      return ok("maxStackDepth", p.maxStackDepth);
    case "freePages":
      return ok("freePages", p.freePages);
    case "pageGas":
      return ok("pageGas", p.pageGas);
    case "pageRamp":
      return ok("pageRamp", p.pageRamp);
    case "pageLimit":
      return ok("pageLimit", p.pageLimit);
    case "minInitGas":
      return ok("minInitGas", [p.minInitGas, p.minCachedInitGas]);
    case "initCostScalar":
      return ok("initCostScalar", p.initCostScalar);
    case "expiryDays":
      return ok("expiryDays", p.expiryDays);
    case "keepaliveDays":
      return ok("keepaliveDays", p.keepaliveDays);
    case "blockCacheSize":
      return ok("blockCacheSize", p.blockCacheSize);
    case "codehashVersion":
    case "codehashAsmSize":
      return await codehashView(call, decoded.functionName, decoded.args[0]);
    case "programVersion":
    case "programInitGas":
    case "programMemoryFootprint":
    case "programTimeLeft":
      return await programView(call, decoded.functionName, decoded.args[0]);
  }
}

/** Checks the record of `codehash` the way Nitro's `getActiveProgram` does; returns an error outcome or the record. */
async function activeRecord(call: ArbWasmCall, codehash: Hex) {
  const record = await recordOf(call, codehash);
  if (record.version === 0) {
    return errorOutcome("ProgramNotActivated", [], "ProgramNotActivated(): no program with this code hash is activated");
  }
  if (record.version !== STYLUS_PARAMS.version) {
    return errorOutcome(
      "ProgramNeedsUpgrade",
      [record.version, STYLUS_PARAMS.version],
      "ProgramNeedsUpgrade: activate the program again",
    );
  }
  const age = ageOf(call.timestamp, record.activatedAt);
  if (age > BigInt(STYLUS_PARAMS.expiryDays) * 86_400n) {
    return errorOutcome("ProgramExpired", [age], "ProgramExpired: activate the program again");
  }
  return record;
}

function ageOf(now: bigint, then: bigint): bigint {
  return now > then ? now - then : 0n;
}

async function codehashView(
  call: ArbWasmCall,
  name: "codehashVersion" | "codehashAsmSize",
  codehash: Hex,
): Promise<EmulatedOutcome> {
  const record = await activeRecord(call, codehash);
  if ("success" in record) return record;
  return name === "codehashVersion" ? ok(name, record.remoteVersion ?? record.version) : ok(name, record.asmSize);
}

async function programView(
  call: ArbWasmCall,
  name: "programVersion" | "programInitGas" | "programMemoryFootprint" | "programTimeLeft",
  program: Address,
): Promise<EmulatedOutcome> {
  const code = await codeOf(call, program);
  const record = await activeRecord(call, codeHashOf(code));
  if ("success" in record) return record;
  switch (name) {
    case "programVersion":
      return ok(name, record.remoteVersion ?? record.version);
    case "programInitGas":
      return ok(name, [BigInt(record.initGas), BigInt(record.initGas)]);
    case "programMemoryFootprint":
      return ok(name, record.footprint);
    case "programTimeLeft": {
      const lifetime = BigInt(STYLUS_PARAMS.expiryDays) * 86_400n;
      const age = ageOf(call.timestamp, record.activatedAt);
      return ok(name, lifetime > age ? lifetime - age : 0n);
    }
  }
}

async function activateProgram(call: ArbWasmCall, program: Address): Promise<EmulatedOutcome> {
  const codeHex = await codeOf(call, program);
  const code = hexToBytes(codeHex);
  const arbOsVersion = call.arbOsVersion ?? 0;
  const fragmented = isStylusRootCode(code) || isStylusFragmentCode(code);
  if (fragmented && arbOsVersion < ARBOS_FRAGMENTS_VERSION) {
    // Nitro before ArbOS 60: a plain error, not ProgramNotWasm (and such code cannot be deployed there anyway).
    return revertOutcome(new Uint8Array(), `specified bytecode is not a Stylus program (roots and fragments need ArbOS ${ARBOS_FRAGMENTS_VERSION}; set stylus.arbOsVersion)`);
  }
  if (isStylusFragmentCode(code)) {
    return revertOutcome(
      new Uint8Array(),
      `fragmented stylus programs cannot be activated directly; activate the root program instead (${program} is a fragment)`,
    );
  }
  if (!isStylusCode(code) && !isStylusRootCode(code)) {
    return errorOutcome("ProgramNotWasm", [], `ProgramNotWasm(): ${program} holds no Stylus code (EF F0 00 ...)`);
  }
  const codehash = codeHashOf(codeHex);
  const existing = await recordOf(call, codehash);
  if (
    existing.version === STYLUS_PARAMS.version &&
    ageOf(call.timestamp, existing.activatedAt) <= BigInt(STYLUS_PARAMS.expiryDays) * 86_400n
  ) {
    return errorOutcome("ProgramUpToDate", [], "ProgramUpToDate(): this code hash is already activated");
  }
  // The validator is the runtime core's; load it on first activation only.
  const { isStylusValidationError, validateStylusProgram } = await import("../wasm/validate.js");
  let info;
  let wasm: Uint8Array | undefined;
  let readGas = 0n;
  if (isStylusRootCode(code)) {
    // Nitro's getWasmFromRootStylus with its activation checks; its errors are plain (empty revert data).
    try {
      const root = parseStylusRoot(code);
      const read = await readRootWasm(code, async (a) => hexToBytes(await codeOf(call, a)), {
        maxWasmSize: MAX_WASM_SIZE,
        maxFragments: DEFAULT_MAX_FRAGMENTS,
      });
      wasm = read.wasm;
      readGas = fragmentReadGas(root.fragments, read.fragmentSizes);
    } catch (error) {
      return revertOutcome(new Uint8Array(), `activateProgram(${program}): ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  try {
    // A root's size is bounded per fragment at deployment, not as one compressed program.
    wasm ??= decompressStylusCode(code);
    // A debug chain, as Nitro's dev chain (AllowDebugPrecompiles): programs built with the SDK's
    // `debug` feature activate, and their `console` lines print like Solidity's console.log.
    info = validateStylusProgram(wasm, isStylusRootCode(code) ? { debug: true } : { compressedSize: code.length, debug: true });
  } catch (error) {
    const why = isStylusValidationError(error)
      ? error.message
      : error instanceof Error
        ? error.message
        : String(error);
    return errorOutcome("ProgramNotWasm", [], `ProgramNotWasm(): Nitro would reject this program: ${why}`);
  }
  const dataFee = activationDataFee(info.asmEstimate);
  if (call.value < dataFee) {
    return errorOutcome(
      "ProgramInsufficientValue",
      [call.value, dataFee],
      `ProgramInsufficientValue(${call.value}, ${dataFee}): send at least the data fee as value`,
    );
  }
  const record = encodeActivationRecord({
    version: STYLUS_PARAMS.version,
    activatedAt: call.timestamp,
    asmSize: info.asmEstimate,
    footprint: info.memoryPages,
    initGas: info.initGas,
  });
  const moduleHash = keccak256(wasm);
  const topics = encodeEventTopics({ abi: arbWasmAbi, eventName: "ProgramActivated", args: { codehash } });
  const logData = encodeAbiParameters(
    [{ type: "bytes32" }, { type: "address" }, { type: "uint256" }, { type: "uint16" }],
    [moduleHash, program, dataFee, STYLUS_PARAMS.version],
  );
  const outcome = ok("activateProgram", [STYLUS_PARAMS.version, dataFee], activationGas(info.wasmSize) + readGas);
  outcome.effects.push(
    { kind: "sstore", slot: hexToBytes(activationSlot(codehash)), value: hexToBytes(record) },
    { kind: "log", topics: topics.map((t) => hexToBytes(t as Hex)), data: hexToBytes(logData) },
  );
  if (call.value > dataFee) {
    outcome.effects.push({ kind: "transfer", to: hexToBytes(call.from), value: call.value - dataFee });
  }
  return outcome;
}

async function keepalive(call: ArbWasmCall, codehash: Hex): Promise<EmulatedOutcome> {
  const record = await activeRecord(call, codehash);
  if ("success" in record) return record;
  const age = ageOf(call.timestamp, record.activatedAt);
  if (age < BigInt(STYLUS_PARAMS.keepaliveDays) * 86_400n) {
    return errorOutcome("ProgramKeepaliveTooSoon", [age], `ProgramKeepaliveTooSoon(${age})`);
  }
  const dataFee = activationDataFee(record.asmSize);
  if (call.value < dataFee) {
    return errorOutcome("ProgramInsufficientValue", [call.value, dataFee], `ProgramInsufficientValue(${call.value}, ${dataFee})`);
  }
  const outcome = ok("codehashKeepalive", [], VIEW_GAS);
  outcome.returnData = new Uint8Array();
  const topics = encodeEventTopics({ abi: arbWasmAbi, eventName: "ProgramLifetimeExtended", args: { codehash } });
  outcome.effects.push(
    {
      kind: "sstore",
      slot: hexToBytes(activationSlot(codehash)),
      value: hexToBytes(encodeActivationRecord({ ...record, activatedAt: call.timestamp })),
    },
    {
      kind: "log",
      topics: topics.map((t) => hexToBytes(t as Hex)),
      data: hexToBytes(encodeAbiParameters([{ type: "uint256" }], [dataFee])),
    },
  );
  if (call.value > dataFee) {
    outcome.effects.push({ kind: "transfer", to: hexToBytes(call.from), value: call.value - dataFee });
  }
  return outcome;
}

function toHex(bytes: Uint8Array): Hex {
  return `0x${Buffer.from(bytes).toString("hex")}`;
}

