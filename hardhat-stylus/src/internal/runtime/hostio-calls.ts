// Calls out of a program and creations: call_contract, delegate_call_contract,
// static_call_contract, create1, create2 — EVM CALL/CREATE costs, 63/64 rule,
// stipend — served by ChainAccess.call/create (nested frames in live mode).
import type { HostEnv, InkCharge } from "./host-env.js";
import type { ChainCallResult, ChainCreateResult } from "./types.js";

import { bigintFromBytes, fromHex, toHex } from "./bytes.js";
import { BASE_INK, CALL_NEW_ACCOUNT_GAS, CALL_STIPEND, CALL_VALUE_GAS, CREATE_GAS, INITCODE_WORD_GAS, KECCAK_WORD_GAS, readPrice } from "./pricing.js";
import { OutOfInkSignal } from "./signals.js";

const EMPTY = new Uint8Array(0);

export function callHooks(env: HostEnv, _ink: InkCharge): Record<string, (...args: never[]) => unknown> {
  return {
    call_contract: (contract: number, data: number, len: number, value: number, gas: bigint, retLen: number): number =>
      callOut(env, "call_contract", "call", contract, data, len, value, gas, retLen),
    delegate_call_contract: (contract: number, data: number, len: number, gas: bigint, retLen: number): number =>
      callOut(env, "delegate_call_contract", "delegatecall", contract, data, len, undefined, gas, retLen),
    static_call_contract: (contract: number, data: number, len: number, gas: bigint, retLen: number): number =>
      callOut(env, "static_call_contract", "staticcall", contract, data, len, undefined, gas, retLen),
    create1: (code: number, len: number, endowment: number, contract: number, revertLen: number): void =>
      createOut(env, "create1", code, len, endowment, undefined, contract, revertLen),
    create2: (code: number, len: number, endowment: number, salt: number, contract: number, revertLen: number): void =>
      createOut(env, "create2", code, len, endowment, salt, contract, revertLen),
  };
}

/** What every call or creation pays on entry: the host call's base ink and twice the read price of its input. */
function enterCallOut(env: HostEnv, name: keyof typeof BASE_INK, len: number): void {
  env.hostCalls.push(name);
  env.buyInk(BASE_INK[name], name);
  env.buyInk(readPrice(len >>> 0), name);
  env.buyInk(readPrice(len >>> 0), name);
}

export function callOut(
  env: HostEnv,
  name: "call_contract" | "delegate_call_contract" | "static_call_contract",
  kind: "call" | "delegatecall" | "staticcall",
  contractPtr: number,
  dataPtr: number,
  len: number,
  valuePtr: number | undefined,
  gasArg: bigint,
  retLenPtr: number,
): number {
  const ctx = env.shared.context;
  enterCallOut(env, name, len);
  const gasLeft = env.gasLeft();
  const gasReq = BigInt.asUintN(64, gasArg) < gasLeft ? BigInt.asUintN(64, gasArg) : gasLeft;
  const to = env.readAddress(contractPtr);
  const input = env.read(dataPtr, len);
  const value = valuePtr === undefined ? 0n : bigintFromBytes(env.read(valuePtr, 32));

  const chainCall = env.shared.chain.call;
  const live = env.shared.live !== undefined;
  if (chainCall === undefined) env.unsupported(name, "this chain access serves no calls out");
  if (!live && env.shared.mode === "transaction" && kind !== "staticcall") {
    env.unsupported(name, "its effects cannot be applied to the mined transaction; only static_call_contract is supported in transactions");
  }
  if (!live && (to === ctx.address || kind === "delegatecall") && env.committed.size > 0) {
    // chain.call sees the chain before this execution, not the slots flushed so far.
    env.unsupported(name, "the callee would read this program's storage without the writes flushed earlier in this run");
  }
  if (ctx.isStatic && value !== 0n) {
    // Nitro: ErrWriteProtection from the EVM API, reported as status 2 (failure).
    env.returnData = new Uint8Array(0);
    env.writeU32(retLenPtr, 0);
    return 2;
  }
  // EVM CALL cost (EIP-2929 access + value transfer), 63/64 rule, stipend.
  // Chain reads first: a live frame retries the host call after awaiting a miss.
  let newAccount = false;
  if (value !== 0n) {
    const balance = env.need(`balance:${to}`, () => env.shared.chain.getBalance(to), 0n);
    const code = env.need(`code:${to}`, () => env.shared.chain.getCode(to), EMPTY);
    newAccount = balance === 0n && code.length === 0;
  }
  const wasWarm = env.warmAddresses.has(to);
  let baseCost = env.touchAddress(to);
  if (value !== 0n) {
    baseCost += CALL_VALUE_GAS;
    if (newAccount) baseCost += CALL_NEW_ACCOUNT_GAS;
  }
  if (gasLeft < baseCost) {
    env.meter.exhaust();
    throw new OutOfInkSignal(name);
  }
  const available = gasLeft - baseCost;
  let gas = available - available / 64n;
  if (gasReq < gas) gas = gasReq;
  const stipend = value !== 0n ? CALL_STIPEND : 0n;
  const request = {
    kind,
    from: ctx.address,
    to,
    data: toHex(input),
    value,
    gas: gas + stipend,
  };
  const key = `call:${kind}:${to}:${value}:${request.gas}:${request.data}`;
  let result: ChainCallResult;
  try {
    result = env.need<ChainCallResult>(key, () => chainCall.call(env.shared.chain, request));
  } catch (signal) {
    if (!wasWarm) env.warmAddresses.delete(to);
    throw signal;
  }
  if (result.logs !== undefined) env.logs.push(...result.logs);
  let used = result.gasUsed - stipend;
  if (used < 0n) used = 0n;
  if (used > gas) used = gas;
  env.buyGas(baseCost + used, name);
  env.returnData = result.returnData;
  env.writeU32(retLenPtr, result.returnData.length);
  return result.success ? 0 : 1;
}

export function createOut(
  env: HostEnv,
  name: "create1" | "create2",
  codePtr: number,
  len: number,
  endowmentPtr: number,
  saltPtr: number | undefined,
  contractPtr: number,
  revertLenPtr: number,
): void {
  const ctx = env.shared.context;
  enterCallOut(env, name, len);
  const code = env.read(codePtr, len);
  const endowment = bigintFromBytes(env.read(endowmentPtr, 32));
  const salt = saltPtr === undefined ? undefined : env.readWord(saltPtr);
  const chainCreate = env.shared.chain.create;
  if (ctx.isStatic) env.writeProtection(name);
  if (env.shared.mode === "transaction" && env.shared.live === undefined) {
    env.unsupported(name, "deployments from a Stylus program cannot be applied to the mined transaction");
  }
  if (chainCreate === undefined) env.unsupported(name, "this chain access serves no deployments");
  const words = BigInt(Math.ceil(code.length / 32));
  let baseCost = CREATE_GAS + INITCODE_WORD_GAS * words;
  if (salt !== undefined) baseCost += KECCAK_WORD_GAS * words;
  const gasLeft = env.gasLeft();
  if (gasLeft < baseCost) {
    env.meter.exhaust();
    throw new OutOfInkSignal(name);
  }
  const available = gasLeft - baseCost;
  const gas = available - available / 64n;
  const request = {
    kind: name,
    from: ctx.address,
    initCode: toHex(code),
    value: endowment,
    gas,
    ...(salt === undefined ? {} : { salt }),
  };
  const key = `create:${name}:${endowment}:${salt ?? ""}:${gas}:${request.initCode}`;
  const result = env.need<ChainCreateResult>(key, () => chainCreate.call(env.shared.chain, request));
  if (result.logs !== undefined) env.logs.push(...result.logs);
  let used = result.gasUsed;
  if (used > gas) used = gas;
  env.buyGas(baseCost + used, name);
  env.returnData = result.returnData;
  env.writeU32(revertLenPtr, result.returnData.length);
  env.write(contractPtr, result.address === undefined ? new Uint8Array(20) : fromHex(result.address));
}
