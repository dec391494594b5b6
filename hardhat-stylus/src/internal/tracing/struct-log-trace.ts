// Collects geth's struct logs (the default tracer's `structLogs`) from the
// interpreter's EVM frames: one entry per opcode from ethereumjs's `step`
// event with pc, op, gas, gasCost, depth (1 = the transaction's frame) and,
// per geth's options, the stack, the memory words and the storage the frame's
// contract touched so far (recorded at SLOAD and SSTORE), and the refund
// counter — in EDR's spelling (0x-prefixed words), so an interpreted trace
// reads like the EDR traces of pure EVM transactions. Stylus frames run no
// opcodes: they show as the CALL that entered them, their EVM callees' steps
// follow at their own depth.
import type { InterpreterStep } from "@ethereumjs/evm";

import { bytesToHex } from "viem";

export interface StructLogOptions {
  disableStack: boolean;
  enableMemory: boolean;
  disableStorage: boolean;
}

const SLOAD = 0x54;
const SSTORE = 0x55;

function word(value: bigint | Uint8Array): string {
  const hex = typeof value === "bigint" ? value.toString(16) : bytesToHex(value).slice(2);
  return `0x${hex.padStart(64, "0")}`;
}

export class StructLogTrace {
  readonly logs: Array<Record<string, unknown>> = [];
  /** Storage seen per contract address, as geth keeps it across a frame's steps. */
  readonly #storage = new Map<string, Map<string, string>>();

  constructor(readonly options: StructLogOptions) {}

  /** Records one step; reads the loaded slot for SLOAD (async: ethereumjs awaits the listener). */
  async step(step: InterpreterStep): Promise<void> {
    const entry: Record<string, unknown> = {
      pc: step.pc,
      op: step.opcode.name,
      gas: Number(step.gasLeft),
      gasCost: Number(step.opcode.dynamicFee ?? BigInt(step.opcode.fee)),
      depth: step.depth + 1,
    };
    if (!this.options.disableStack) entry.stack = step.stack.map((v) => `0x${v.toString(16)}`);
    if (this.options.enableMemory) {
      const words: string[] = [];
      for (let i = 0; i < step.memory.length; i += 32) words.push(bytesToHex(step.memory.subarray(i, i + 32)));
      entry.memory = words;
    }
    if (!this.options.disableStorage && (step.opcode.code === SLOAD || step.opcode.code === SSTORE) && step.stack.length > 0) {
      const address = step.address.toString();
      let storage = this.#storage.get(address);
      if (storage === undefined) {
        storage = new Map();
        this.#storage.set(address, storage);
      }
      const key = step.stack[step.stack.length - 1]!;
      if (step.opcode.code === SSTORE && step.stack.length > 1) {
        storage.set(word(key), word(step.stack[step.stack.length - 2]!));
      } else if (step.opcode.code === SLOAD) {
        const value = await step.stateManager.getStorage(step.address, hexToFixed(key));
        storage.set(word(key), word(value.length === 0 ? 0n : value));
      }
      entry.storage = Object.fromEntries(storage);
    }
    entry.refund = Number(step.gasRefund);
    this.logs.push(entry);
  }
}

function hexToFixed(key: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = key;
  for (let i = 31; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
