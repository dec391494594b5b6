// One frame of a Stylus program inside the combined interpreter: checks the
// program's activation (through the journal, so a program activated earlier
// in the same transaction runs), runs its WASM with live host functions
// (runtime/execute.ts executeStylusFrame) and turns the result into an
// ethereumjs ExecResult. Storage reads and writes go to the journal; calls
// out (call, delegatecall, staticcall) and create1/create2 become nested
// messages of the same EVM, with the gas the program passes.
import { EVMError, Message, type ExecResult, type Log } from "@ethereumjs/evm";
import { Account, Address as EthAddress, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { decodeErrorResult, encodeErrorResult, keccak256, type Address, type Hex } from "viem";

import type { ChainAccess, ChainCallRequest, ChainCallResult, ChainCreateRequest, ChainCreateResult, LogEntry } from "../runtime/types.js";
import type { LiveChain } from "../runtime/host-env.js";

import { activationSlot, decodeActivationRecord, type ActivationRecord } from "../activation/activation-store.js";
import { ARBWASM_ADDRESS, STYLUS_PARAMS, arbWasmAbi } from "../activation/arbwasm-abi.js";
import { cachedInitGas } from "../arbos/arbwasmcache-store.js";
import { codeHashOf } from "../chain/code-hash.js";

import type { FrameMessage, StylusEvm } from "./stylus-evm.js";

import { loadRuntime } from "./module-cache.js";

const MAX_CALL_DEPTH = 1024;
const ZERO_WORD: Hex = `0x${"0".repeat(64)}`;

export function ethAddress(address: string): EthAddress {
  return new EthAddress(hexToBytes(address as Hex));
}

export function wordHex(bytes: Uint8Array): Hex {
  return `0x${bytesToHex(bytes).slice(2).padStart(64, "0")}` as Hex;
}

function revertResult(data: Uint8Array, gasUsed: bigint): ExecResult {
  return { returnValue: data, executionGasUsed: gasUsed, exceptionError: new EVMError(EVMError.errorMessages.REVERT) };
}

async function activationOf(evm: StylusEvm, codehash: Hex): Promise<ActivationRecord> {
  const word = await evm.state.getStorage(ethAddress(ARBWASM_ADDRESS), hexToBytes(activationSlot(codehash)));
  const record = decodeActivationRecord(wordHex(word));
  const remote = evm.env.remoteActivation;
  if (record.version !== 0 || remote === undefined) return record;
  const version = await remote(codehash);
  if (version === undefined || version === 0) return record;
  return {
    version: STYLUS_PARAMS.version,
    activatedAt: evm.env.block.timestamp,
    asmSize: 0,
    footprint: 0,
    initGas: 0,
    remoteVersion: version,
  };
}

/** Nitro's refusals before a program runs (not activated, needs upgrade, expired), as revert data. */
function activationError(record: ActivationRecord, now: bigint): Uint8Array | undefined {
  if (record.version === 0) return hexToBytes(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramNotActivated" }));
  if (record.version !== STYLUS_PARAMS.version) {
    return hexToBytes(
      encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramNeedsUpgrade", args: [record.version, STYLUS_PARAMS.version] }),
    );
  }
  const age = now > record.activatedAt ? now - record.activatedAt : 0n;
  if (age > BigInt(STYLUS_PARAMS.expiryDays) * 86_400n) {
    return hexToBytes(encodeErrorResult({ abi: arbWasmAbi, errorName: "ProgramExpired", args: [age] }));
  }
  return undefined;
}

/** The message a refused top frame carries: the ArbWasm error by name and what to do about it. */
function activationReason(refused: Uint8Array, address: Hex): string {
  const { errorName, args } = decodeErrorResult({ abi: arbWasmAbi, data: bytesToHex(refused) as Hex });
  const call = `${errorName}(${(args ?? []).map((a) => String(a)).join(", ")})`;
  if (errorName === "ProgramNotActivated") {
    return `${call}: the Stylus program at ${address} is deployed but not activated; call ArbWasm.activateProgram(${address}) (0x...71) first`;
  }
  return `${call}: the Stylus program at ${address} must be activated again; call ArbWasm.activateProgram(${address}) (0x...71)`;
}

function toLog(entry: LogEntry, fallback: Hex): Log {
  return [hexToBytes(entry.address ?? fallback), entry.topics.map((t) => hexToBytes(t)), hexToBytes(entry.data)];
}

export function fromLog(log: Log): LogEntry {
  return {
    address: bytesToHex(log[0]).toLowerCase() as Hex,
    topics: log[1].map((t) => wordHex(t)),
    data: bytesToHex(log[2]) as Hex,
  };
}

export async function runStylusFrame(evm: StylusEvm, message: FrameMessage, code: Uint8Array): Promise<ExecResult> {
  const to = message.to;
  if (to === undefined) return revertResult(new Uint8Array(0), 0n);
  const address = to.toString().toLowerCase() as Hex;
  const codeHex = evm.state.codeHexOf(code);
  const codehash = codeHashOf(codeHex);
  const record = await activationOf(evm, codehash);
  const refused = activationError(record, evm.env.block.timestamp);
  if (refused !== undefined) {
    if (message.depth === 0) evm.topReason = activationReason(refused, address);
    return revertResult(refused, 0n);
  }

  const module = await evm.env.modules.get(codehash, codeHex, async (a) => await evm.state.getCode(ethAddress(a)));
  // A program ArbWasmCache holds pays its cached init gas instead of its full init gas (as on Nitro).
  const initGas =
    (await cachedInitGas(async (a, s) => wordHex(await evm.state.getStorage(ethAddress(a), hexToBytes(s))), codehash)) ?? BigInt(record.initGas);
  const { executeStylusFrame } = await loadRuntime();
  // As Nitro's TxProcessor: a delegatecall frame does not open another span of its storage address,
  // so a proxy delegating to a program (or a program delegating to another) is not reentrant.
  const delegate = message.delegatecall === true;
  const open = evm.openPrograms.get(address) ?? 0;
  if (!delegate) evm.openPrograms.set(address, open + 1);
  const trace = evm.env.hostioTrace;
  trace?.enterFrame(address);
  let result;
  try {
    result = await executeStylusFrame(
      {
        module,
        context: {
          address,
          sender: message.caller.toString().toLowerCase() as Hex,
          origin: evm.env.origin.toLowerCase() as Hex,
          value: message.value,
          calldata: message.data,
          gasPrice: evm.env.gasPrice,
          isStatic: message.isStatic,
          block: {
            number: evm.env.block.number,
            timestamp: evm.env.block.timestamp,
            basefee: evm.env.block.baseFeePerGas,
            coinbase: evm.env.block.coinbase.toLowerCase() as Hex,
            gasLimit: evm.env.block.gasLimit,
            chainId: evm.env.chainId,
          },
          reentrant: delegate ? open > 1 : open > 0,
        },
        chain: frameChain(evm, message, address),
        gasLimit: message.gasLimit,
        mode: "transaction",
        initGas,
        logger: evm.env.logger,
        console: (line: string) => evm.consoleLines.push(line),
        ...(trace === undefined ? {} : { recorder: trace }),
      },
      liveChain(evm, address),
    );
  } finally {
    trace?.exitFrame();
    if (!delegate) {
      if (open === 0) evm.openPrograms.delete(address);
      else evm.openPrograms.set(address, open);
    }
  }
  if (message.depth === 0) {
    // The top frame's outcome is the same under any gas limit above its use unless it read the gas left.
    evm.limitSensitive = result.hostCalls.includes("evm_gas_left") || result.hostCalls.includes("evm_ink_left");
  }
  if (result.success) {
    return {
      returnValue: result.output,
      executionGasUsed: result.gasUsed > message.gasLimit ? message.gasLimit : result.gasUsed,
      logs: result.logs.map((l) => toLog(l, address)),
    };
  }
  const kind = result.error?.kind ?? "revert";
  if (kind === "out-of-gas") {
    return {
      returnValue: new Uint8Array(0),
      executionGasUsed: message.gasLimit,
      exceptionError: new EVMError(EVMError.errorMessages.OUT_OF_GAS),
    };
  }
  evm.env.logger?.(`stylus frame ${address}: ${kind}: ${result.error?.message ?? ""}`);
  // Nitro reports a trap like a revert without data ("execution reverted"); a program's own revert keeps its data.
  const data = kind === "trap" || kind === "invalid-exit" ? new Uint8Array(0) : result.output;
  return revertResult(data, result.gasUsed > message.gasLimit ? message.gasLimit : result.gasUsed);
}

/** Synchronous answers from the journal for values already loaded. */
function liveChain(evm: StylusEvm, address: Hex): LiveChain {
  const self = ethAddress(address);
  const sm = evm.state;
  return {
    peek(key: string): unknown {
      const colon = key.indexOf(":");
      const kind = key.slice(0, colon);
      const arg = key.slice(colon + 1);
      switch (kind) {
        case "sload": {
          const v = sm.peekStorage(self, hexToBytes(arg as Hex));
          return v === undefined ? undefined : wordHex(v);
        }
        case "orig": {
          const v = sm.peekOriginalStorage(self, hexToBytes(arg as Hex));
          return v === undefined ? undefined : wordHex(v);
        }
        case "balance": {
          const account = sm.peekAccount(arg as Address);
          return account === undefined ? undefined : (account?.balance ?? 0n);
        }
        case "code":
          return sm.peekCode(arg as Address);
        case "codehash": {
          const account = sm.peekAccount(arg as Address);
          const code = sm.peekCode(arg as Address);
          if (account === undefined || code === undefined) return undefined;
          return codeHashWord(account, code);
        }
        default:
          return undefined;
      }
    },
    store(slot: Hex, value: Hex): void {
      sm.pokeStorage(self, hexToBytes(slot), hexToBytes(value));
    },
  };
}

function codeHashWord(account: { isEmpty(): boolean } | null, code: Uint8Array): Hex {
  if (account === null || (account.isEmpty() && code.length === 0)) return ZERO_WORD;
  return code.length === 0 ? keccak256("0x") : codeHashOf(bytesToHex(code) as Hex);
}

/** The program's asynchronous chain access: the journal, and nested frames of the same EVM. */
function frameChain(evm: StylusEvm, message: FrameMessage, address: Hex): ChainAccess {
  const sm = evm.state;
  return {
    getStorageAt: async (a, slot) => wordHex(await sm.getStorage(ethAddress(a), hexToBytes(slot))),
    getOriginalStorageAt: async (a, slot) => wordHex(await sm.getOriginalStorage(ethAddress(a), hexToBytes(slot))),
    getBalance: async (a) => (await sm.getAccount(ethAddress(a)))?.balance ?? 0n,
    getCode: async (a) => await sm.getCode(ethAddress(a)),
    getCodeHash: async (a) => {
      const eth = ethAddress(a);
      const [account, code] = await Promise.all([sm.getAccount(eth), sm.getCode(eth)]);
      return codeHashWord(account ?? null, code);
    },
    call: async (request) => await callOut(evm, message, address, request),
    create: async (request) => await createOut(evm, message, request),
  };
}

async function callOut(evm: StylusEvm, message: FrameMessage, address: Hex, request: ChainCallRequest): Promise<ChainCallResult> {
  if (message.depth + 1 > MAX_CALL_DEPTH) return { success: false, returnData: new Uint8Array(0), gasUsed: 0n };
  const target = ethAddress(request.to);
  evm.journal.addWarmedAddress(target.bytes);
  const nested =
    request.kind === "delegatecall"
      ? new Message({
          caller: message.caller,
          to: ethAddress(address),
          codeAddress: target,
          value: message.value,
          data: hexToBytes(request.data),
          gasLimit: request.gas,
          depth: message.depth + 1,
          isStatic: message.isStatic,
          delegatecall: true,
          selfdestruct: message.selfdestruct,
          createdAddresses: message.createdAddresses,
        })
      : new Message({
          caller: ethAddress(address),
          to: target,
          value: request.kind === "call" ? request.value : 0n,
          data: hexToBytes(request.data),
          gasLimit: request.gas,
          depth: message.depth + 1,
          isStatic: message.isStatic || request.kind === "staticcall",
          selfdestruct: message.selfdestruct,
          createdAddresses: message.createdAddresses,
        });
  const { execResult } = await evm.runCall({ message: nested });
  const error = execResult.exceptionError;
  const success = error === undefined;
  if (!success) evm.env.logger?.(`call out of ${address} to ${request.to} failed: ${error.error}`);
  const returnData = success || error.error === EVMError.errorMessages.REVERT ? execResult.returnValue : new Uint8Array(0);
  return {
    success,
    returnData,
    gasUsed: execResult.executionGasUsed,
    logs: success ? (execResult.logs ?? []).map(fromLog) : [],
  };
}

async function createOut(evm: StylusEvm, message: FrameMessage, request: ChainCreateRequest): Promise<ChainCreateResult> {
  if (message.depth + 1 > MAX_CALL_DEPTH) return { returnData: new Uint8Array(0), gasUsed: 0n };
  // As the EVM's CREATE opcode does before the message: the creator's nonce moves even if the creation fails.
  const creator = ethAddress(request.from);
  const account = (await evm.state.getAccount(creator)) ?? new Account();
  account.nonce += 1n;
  await evm.journal.putAccount(creator, account);
  const nested = new Message({
    caller: creator,
    value: request.value,
    data: hexToBytes(request.initCode),
    gasLimit: request.gas,
    depth: message.depth + 1,
    ...(request.salt === undefined ? {} : { salt: hexToBytes(request.salt) }),
    selfdestruct: message.selfdestruct,
    createdAddresses: message.createdAddresses,
  });
  const result = await evm.runCall({ message: nested });
  const { execResult } = result;
  const error = execResult.exceptionError;
  if (error !== undefined || result.createdAddress === undefined) {
    return {
      returnData: error?.error === EVMError.errorMessages.REVERT ? execResult.returnValue : new Uint8Array(0),
      gasUsed: execResult.executionGasUsed,
    };
  }
  return {
    address: result.createdAddress.toString().toLowerCase() as Hex,
    returnData: new Uint8Array(0),
    gasUsed: execResult.executionGasUsed,
    logs: (execResult.logs ?? []).map(fromLog),
  };
}
