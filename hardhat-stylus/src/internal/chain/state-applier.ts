// Mines the ORIGINAL transaction (the raw signed bytes, or the node-held
// sender's request as sent) so its hash is the one everywhere, while the
// chain applies what the combined interpreter computed. For that one
// transaction:
// - the target address holds a generated "entry applier": it copies the
//   effects list embedded in its own code to memory, DELEGATECALLs the
//   effects applier (effects-applier.ts) installed at a helper address so
//   storage writes and logs land on the target, burns gas up to the modelled
//   receipt gas, and returns or reverts with the interpreter's data;
// - every other account with storage writes or logs holds the effects
//   applier too, and the target's list calls it with that account's part
//   (logs keep their global order, each from its own account).
// Then codes are restored, lazily (chain/code-restores.ts; created contracts get their code), and balance and
// nonce changes that no mined opcode made (value moved between contracts,
// creators' nonces) are set.
import { bytesToHex, hexToBytes, numberToHex, type Address, type Hex } from "viem";

import type { InterpreterResult } from "../execution/interpreter.js";

import type { ChainRpc } from "./chain-rpc.js";
import type { MinedChanges } from "./state-cache.js";

import { EFFECTS_APPLIER_CODE, encodeEffects, type AppliedEffect } from "./effects-applier.js";
import { assemble, type AsmItem } from "./evm-assembler.js";

/** Where the effects applier sits for entry appliers to DELEGATECALL (installed by the first interpreted transaction). */
export const APPLIER_HELPER_ADDRESS: Address = "0x000000000000000000000000000000000000a11e";

/** First bytes of every entry applier (PUSH4 "STYA" POP): lets historical code reads recognise it. */
export const ENTRY_APPLIER_PREFIX: Hex = "0x635354594150";

const EMPTY = new Uint8Array(0);

/** The effects a subcall carries (for the gas bound). */
const innerEffects = new WeakMap<AppliedEffect, readonly AppliedEffect[]>();

function subcall(address: Hex, effects: AppliedEffect[]): AppliedEffect {
  const effect: AppliedEffect = { kind: "subcall", to: hexToBytes(address), data: encodeEffects([...effects, { kind: "return", data: EMPTY }], EMPTY) };
  innerEffects.set(effect, effects);
  return effect;
}

export interface StateApplication {
  rpc: ChainRpc;
  from: Address;
  to: Address;
  /** Value of the original transaction (EDR moves it from `from` to `to`). */
  value: bigint;
  /** Gas limit the mined transaction carries. */
  gasLimit: bigint;
  /** Receipt gas the model assigns (intrinsic + execution). */
  targetGas: bigint;
  result: InterpreterResult;
  /** The target's code at "latest" when the caller read it already. */
  targetCode?: Hex;
  /** Sends the original transaction through EDR and returns its hash. */
  send: () => Promise<Hex>;
}

/** Effects of the target and of the other accounts, in the order the run made them. */
export function effectsOf(result: InterpreterResult, to: Address): { own: AppliedEffect[]; others: Set<string> } {
  const target = to.toLowerCase();
  const own: AppliedEffect[] = [];
  const others = new Set<string>();
  if (!result.success) return { own, others };
  for (const account of result.accounts) {
    if (account.storage.length === 0) continue;
    const sstores: AppliedEffect[] = account.storage.map((w) => ({ kind: "sstore", slot: hexToBytes(w.slot), value: hexToBytes(w.value) }));
    if (account.address.toLowerCase() === target) own.push(...sstores);
    else {
      others.add(account.address.toLowerCase());
      own.push(subcall(account.address, sstores));
    }
  }
  let group: { address: string; logs: AppliedEffect[] } | undefined;
  const closeGroup = (): void => {
    if (group === undefined) return;
    own.push(subcall(group.address as Hex, group.logs));
    group = undefined;
  };
  for (const log of result.logs) {
    const address = (log.address ?? target).toLowerCase();
    const effect: AppliedEffect = { kind: "log", topics: log.topics.map((t) => hexToBytes(t)), data: hexToBytes(log.data) };
    if (address === target) {
      closeGroup();
      own.push(effect);
      continue;
    }
    others.add(address);
    if (group !== undefined && group.address !== address) closeGroup();
    group ??= { address, logs: [] };
    group.logs.push(effect);
  }
  closeGroup();
  return { own, others };
}

/** EVM gas an effects list costs when applied (an upper bound). */
export function effectsGasBound(effects: readonly AppliedEffect[]): bigint {
  let gas = 0n;
  for (const effect of effects) {
    switch (effect.kind) {
      case "sstore":
        gas += 22_100n + 200n;
        break;
      case "log": {
        const words = BigInt(Math.ceil(effect.data.length / 32));
        gas += 375n + 375n * BigInt(effect.topics.length) + 8n * BigInt(effect.data.length) + 6n * words + 200n + (words * words) / 512n;
        break;
      }
      case "subcall": {
        const words = BigInt(Math.ceil(effect.data.length / 32));
        // Cold account access, the call, the copy to memory, then what the callee applies (with 1/64 kept back).
        const inner = effectsGasBound(innerEffects.get(effect) ?? []) + 1_000n;
        gas += 2_600n + 700n + 6n * words + (words * words) / 512n + (inner * 64n) / 63n;
        break;
      }
      case "transfer":
        gas += 2_600n + 9_000n + 25_000n + 100n;
        break;
      default:
        gas += 100n;
    }
  }
  return gas;
}

/** Gas above `minGasLeft` at which the burn stops calling out and finishes with the step loop. */
const BURN_FINE_WINDOW = 400n;
/** Gas above `minGasLeft` each burning call aims to leave (within the fine window, never below `minGasLeft`). */
const BURN_CALL_TARGET = 250n;

/**
 * The part of an entry applier that applies one transaction's blob (at `offset` in the code, `length`
 * bytes): DELEGATECALL the effects applier with it, copy its return data to memory, burn gas down to
 * `minGasLeft`, then return or revert with that data. `tag` keeps labels apart when one code holds
 * several bodies.
 *
 * The burn costs a few calls whatever its size: EDR steps every opcode through its tracer (~7 µs per
 * 1,000 gas of a step loop), so a loop over tens of thousands of gas cost more than the rest of the
 * mined transaction. Each call hands all gas above `minGasLeft + BURN_CALL_TARGET` to the (warm)
 * effects applier with empty calldata, which it consumes (op 0 is unknown: INVALID); the 63/64 rule
 * leaves 1/64 behind, so a tight limit takes a few calls. The step loop then ends at the same place as
 * before: the first GAS at or below `minGasLeft`.
 */
export function applyBody(offset: number, length: number, minGasLeft: bigint, succeeds: boolean, tag = ""): AsmItem[] {
  // A failing transaction keeps the step loop only: EDR names the last failed frame in its error, and
  // a burning call's INVALID would replace the revert the program made.
  const burnCalls: AsmItem[] = [
    { label: `coarse${tag}` },
    { push: minGasLeft + BURN_FINE_WINDOW },
    "GAS",
    "GT",
    "ISZERO",
    { pushLabel: `fine${tag}` },
    "JUMPI",
    { push: 0 },
    { push: 0 },
    { push: 0 },
    { push: 0 },
    { push: 0 },
    { push: BigInt(APPLIER_HELPER_ADDRESS) },
    { push: minGasLeft + BURN_CALL_TARGET },
    "GAS",
    "SUB",
    "CALL",
    "POP",
    { pushLabel: `coarse${tag}` },
    "JUMP",
  ];
  return [
    { push: length },
    { push: offset },
    { push: 0 },
    "CODECOPY",
    { push: 0 },
    { push: 0 },
    { push: length },
    { push: 0 },
    { push: BigInt(APPLIER_HELPER_ADDRESS) },
    "GAS",
    "DELEGATECALL", // [ok]
    // The burning calls replace the return data: keep it in memory (the blob held there is spent).
    "RETURNDATASIZE",
    { push: 0 },
    { push: 0 },
    "RETURNDATACOPY",
    "RETURNDATASIZE", // [ok, n]
    ...(succeeds ? burnCalls : []),
    { label: `fine${tag}` },
    { push: minGasLeft },
    "GAS",
    "GT",
    { pushLabel: `fine${tag}` },
    "JUMPI",
    "SWAP1", // [n, ok]
    { pushLabel: `ok${tag}` },
    "JUMPI",
    { push: 0 },
    "REVERT",
    { label: `ok${tag}` },
    { push: 0 },
    "RETURN",
  ];
}

/** PUSH4 "STYA" POP: the first bytes of every entry applier. */
export const ENTRY_MARKER: AsmItem[] = [{ push: 0x53545941 }, "POP"];

/** The entry applier's code for one transaction. */
export function entryApplierCode(blob: Uint8Array, minGasLeft: bigint, outOfGas: boolean, succeeds: boolean): Uint8Array {
  if (outOfGas) return assemble([...ENTRY_MARKER, "INVALID"]);
  const body = (offset: number): AsmItem[] => [...ENTRY_MARKER, ...applyBody(offset, blob.length, minGasLeft, succeeds)];
  let offset = 0;
  let code = assemble(body(offset));
  while (code.length !== offset) {
    offset = code.length;
    code = assemble(body(offset));
  }
  const out = new Uint8Array(code.length + blob.length);
  out.set(code, 0);
  out.set(blob, code.length);
  return out;
}

/** The blob the entry applier hands to the effects applier: own effects, subcalls, then return/revert. */
export function entryBlob(result: InterpreterResult, to: Address): { blob: Uint8Array; others: Set<string>; effects: AppliedEffect[] } {
  const { own, others } = effectsOf(result, to);
  const terminal: AppliedEffect = result.success ? { kind: "return", data: result.returnData } : { kind: "revert", data: result.returnData };
  return { blob: encodeEffects([...own, terminal], EMPTY), others, effects: own };
}

/** Gas the mined transaction needs besides its intrinsic gas to apply `result` (an upper bound). */
export function applicationGasBound(result: InterpreterResult, to: Address): bigint {
  const { blob, effects } = entryBlob(result, to);
  const words = BigInt(Math.ceil(blob.length / 32));
  return 3_000n + 2_600n + 3n * words * 2n + (words * words) / 256n + effectsGasBound(effects) * 65n / 64n;
}

/** Mines the original transaction with the appliers in place; returns its hash. Rethrows what EDR throws (mined anyway). */
export async function mineInterpreted(params: StateApplication): Promise<Hex> {
  const { rpc, to, result } = params;
  const { blob, others } = entryBlob(result, to);
  const minGasLeft = params.gasLimit > params.targetGas ? params.gasLimit - params.targetGas : 0n;
  const entry = entryApplierCode(blob, minGasLeft, result.outOfGas, result.success);
  const applierHex = bytesToHex(EFFECTS_APPLIER_CODE);

  const installed = [to.toLowerCase(), ...others];
  const originals = new Map<string, Hex>();
  for (const address of installed) {
    const known = address === to.toLowerCase() ? params.targetCode : undefined;
    originals.set(address, known ?? (await rpc.getCode(address as Address, "latest")));
  }
  // The helper keeps the effects applier between transactions (installed again after an evm_revert).
  if ((await rpc.getCode(APPLIER_HELPER_ADDRESS, "latest")).toLowerCase() !== applierHex.toLowerCase()) {
    await rpc.setCode(APPLIER_HELPER_ADDRESS, applierHex);
  }
  // Accounts called with their part of the effects may still hold the applier from the last transaction.
  for (const address of others) await rpc.installCode(address as Address, applierHex);
  const entryHex = bytesToHex(entry);
  await rpc.setCode(to, entryHex);
  let hash: Hex;
  try {
    hash = await rpc.sendMined(minedChanges(params), params.send);
  } finally {
    // Put back when a later request could see the appliers (the next send to the program replaces them anyway).
    for (const [address, code] of originals) rpc.deferCodeRestore(address as Address, code, address === to.toLowerCase() ? entryHex : applierHex);
  }
  if (result.success) await settleAccounts(params);
  return hash;
}

/**
 * Accounts and slots mining the transaction may change (the state cache forgets exactly these): the
 * sender, the target when it receives value, accounts whose balance, nonce or code the run changed
 * (settleAccounts sets those), and the slots the appliers write. The appliers move no value.
 */
export function minedChanges(params: Pick<StateApplication, "from" | "to" | "value" | "result">): MinedChanges {
  const accounts = new Set<string>([params.from.toLowerCase()]);
  if (params.value !== 0n) accounts.add(params.to.toLowerCase());
  const slots: MinedChanges["slots"][number][] = [];
  for (const account of params.result.accounts) {
    if (account.balanceAfter !== account.balanceBefore || account.nonceAfter !== account.nonceBefore || account.code !== undefined) {
      accounts.add(account.address.toLowerCase());
    }
    for (const { slot, value } of account.storage) slots.push({ address: account.address, slot, value });
  }
  return { sender: params.from, accounts: [...accounts] as Address[], slots };
}

/** Sets what no mined opcode changed: created code, balances moved inside the run, creators' nonces. */
export async function settleAccounts(params: Pick<StateApplication, "rpc" | "from" | "to" | "value" | "result">): Promise<void> {
  const { rpc, result } = params;
  const from = params.from.toLowerCase();
  const to = params.to.toLowerCase();
  const seen = new Set(result.accounts.map((account) => account.address.toLowerCase()));
  for (const address of [from, to]) {
    // The run left the account's balance as it was (a contract forwarding all its value; no change
    // means no diff entry), but EDR's mined transaction still moves the value from `from` to `to`.
    if (seen.has(address) || params.value === 0n || from === to) continue;
    const now = await rpc.getBalance(address as Address, "latest");
    await rpc.request("hardhat_setBalance", [address, numberToHex(address === from ? now + params.value : now - params.value)]);
  }
  for (const account of result.accounts) {
    const address = account.address.toLowerCase() as Address;
    if (account.code !== undefined) await rpc.setCode(address, account.code);
    let delta = account.balanceAfter - account.balanceBefore;
    if (address === from) delta += params.value;
    if (address === to) delta -= params.value;
    if (delta !== 0n) {
      const now = await rpc.getBalance(address, "latest");
      await rpc.request("hardhat_setBalance", [address, numberToHex(now + delta)]);
    }
    if (address !== from && account.nonceAfter !== account.nonceBefore) {
      await rpc.request("hardhat_setNonce", [address, numberToHex(account.nonceAfter)]);
    }
  }
}
