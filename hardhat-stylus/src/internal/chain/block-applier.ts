// Code for an address that several transactions of one mined block reach
// through the appliers (chain/state-applier.ts applies one transaction):
// - as the entry of each transaction that targets it, it must pick that
//   transaction's effects. Nothing in the EVM names a transaction, so the
//   code counts the transactions it served in a storage slot of its own
//   (preset to 1 before the block so the increments are cheap, reset after).
//   A reverted or out-of-gas transaction's increment is rolled back with it,
//   so the count is the number of *successful* earlier entries; the failed
//   ones that share a count are told apart by keccak(CALLER, CALLVALUE,
//   calldata), which the planner checks is unique within the group;
// - as a subcall target of another transaction's applier (CALLER is not
//   ORIGIN there: entries are called by the sending account itself) it acts
//   as the effects applier, DELEGATECALLing the helper with its calldata.
import { bytesToHex, concatBytes, encodePacked, hexToBytes, keccak256, type Address, type Hex } from "viem";

import { assemble, type AsmItem } from "./evm-assembler.js";
import { APPLIER_HELPER_ADDRESS, applyBody, ENTRY_MARKER, entryApplierCode } from "./state-applier.js";

/** Storage slot (of the entry's own address) counting the block's successful entries; 0 outside a block. */
export const ENTRY_COUNTER_SLOT: Hex = keccak256(new TextEncoder().encode("hardhat-stylus block applier entry counter"));

/** One transaction served by an entry. */
export interface EntryCase {
  /** Successful entries of this address before this transaction in the block. */
  count: number;
  /** keccak(CALLER ‖ CALLVALUE ‖ calldata): tells apart transactions with the same count. */
  key: Hex;
  blob: Uint8Array;
  minGasLeft: bigint;
  outOfGas: boolean;
  /** The transaction succeeds (its burn may call out; a failing one's must not, see applyBody). */
  succeeds: boolean;
}

/** Thrown before mining when the block's transactions cannot be applied in one block. */
export class BlockPlanError extends Error {
  constructor(message: string) {
    super(`hardhat-stylus: ${message}`);
    this.name = "BlockPlanError";
  }
}

/** The dispatch key of a transaction as the entry code computes it. */
export function entryKey(sender: Address, value: bigint, data: Uint8Array): Hex {
  return keccak256(concatBytes([hexToBytes(encodePacked(["uint256", "uint256"], [BigInt(sender), value])), data]));
}

/** Gas the dispatch may add to a transaction's application (counter SLOAD/SSTORE, key hash, jumps). */
export function dispatchGas(calldataLength: number): bigint {
  const words = BigInt(Math.ceil((calldataLength + 64) / 32));
  return 2_100n + 2_900n + 1_000n + 6n * words * 2n + 3n * words + (words * words) / 512n;
}

const sameCase = (a: EntryCase, b: EntryCase): boolean =>
  a.minGasLeft === b.minGasLeft && a.outOfGas === b.outOfGas && a.succeeds === b.succeeds && bytesToHex(a.blob) === bytesToHex(b.blob);

/**
 * The code for an address: entries for `cases` (in the block's order), and the effects applier's
 * role when `servesOther`. One case and no other role gives the automine path's entry applier.
 */
export function blockEntryCode(address: Address, cases: readonly EntryCase[], servesOther: boolean): Uint8Array {
  if (cases.length === 1 && !servesOther) {
    const only = cases[0] as EntryCase;
    return entryApplierCode(only.blob, only.minGasLeft, only.outOfGas, only.succeeds);
  }
  // Groups by count; within a group, distinct keys.
  const groups = new Map<number, EntryCase[]>();
  for (const c of cases) {
    const group = groups.get(c.count) ?? [];
    const same = group.find((g) => g.key === c.key);
    if (same !== undefined) {
      if (!sameCase(same, c)) {
        throw new BlockPlanError(
          `two transactions to ${address} in one block cannot be told apart (same sender, value and calldata after a failed one) ` +
            `but do different things; mine them in separate blocks (evm_mine after each)`,
        );
      }
      continue;
    }
    group.push(c);
    groups.set(c.count, group);
  }
  const distinct = [...groups.values()].flat();
  const items = (offsets: number[]): AsmItem[] => {
    const out: AsmItem[] = [...ENTRY_MARKER];
    if (servesOther) {
      out.push("CALLER", "ORIGIN", "EQ", { pushLabel: "entry" }, "JUMPI");
      out.push("CALLDATASIZE", { push: 0 }, { push: 0 }, "CALLDATACOPY");
      out.push({ push: 0 }, { push: 0 }, "CALLDATASIZE", { push: 0 }, { push: BigInt(APPLIER_HELPER_ADDRESS) }, "GAS", "DELEGATECALL");
      out.push("RETURNDATASIZE", { push: 0 }, { push: 0 }, "RETURNDATACOPY", { pushLabel: "other_ok" }, "JUMPI");
      out.push("RETURNDATASIZE", { push: 0 }, "REVERT", { label: "other_ok" }, "RETURNDATASIZE", { push: 0 }, "RETURN");
      out.push({ label: "entry" });
    }
    if (cases.length === 0) {
      out.push("INVALID");
      return out;
    }
    out.push({ push: BigInt(ENTRY_COUNTER_SLOT) }, "SLOAD"); // [v]
    out.push("DUP1", { push: 1 }, "ADD", { push: BigInt(ENTRY_COUNTER_SLOT) }, "SSTORE"); // [v]
    for (const count of groups.keys()) out.push("DUP1", { push: count + 1 }, "EQ", { pushLabel: `group${count}` }, "JUMPI");
    out.push("INVALID");
    for (const [count, group] of groups) {
      out.push({ label: `group${count}` });
      if (group.length === 1) {
        out.push({ pushLabel: `case${distinct.indexOf(group[0] as EntryCase)}` }, "JUMP");
        continue;
      }
      out.push("CALLER", { push: 0 }, "MSTORE", "CALLVALUE", { push: 32 }, "MSTORE");
      out.push("CALLDATASIZE", { push: 0 }, { push: 64 }, "CALLDATACOPY");
      out.push("CALLDATASIZE", { push: 64 }, "ADD", { push: 0 }, "KECCAK256"); // [v, key]
      for (const c of group) out.push("DUP1", { push: BigInt(c.key) }, "EQ", { pushLabel: `case${distinct.indexOf(c)}` }, "JUMPI");
      out.push("INVALID");
    }
    distinct.forEach((c, i) => {
      out.push({ label: `case${i}` });
      if (c.outOfGas) out.push("INVALID");
      else out.push(...applyBody(offsets[i] ?? 0, c.blob.length, c.minGasLeft, c.succeeds, `_${i}`));
    });
    return out;
  };
  let offsets = distinct.map(() => 0);
  let code = assemble(items(offsets));
  for (let round = 0; round < 8; round++) {
    const next: number[] = [];
    let at = code.length;
    for (const c of distinct) {
      next.push(at);
      at += c.blob.length;
    }
    if (next.every((o, i) => o === offsets[i])) break;
    offsets = next;
    code = assemble(items(offsets));
  }
  return concatBytes([code, ...distinct.map((c) => c.blob)]);
}
