// The `args` and `outs` bytes of one host call as Nitro's stylusTracer
// records them (arbitrator/stylus host.rs `trace!`), which cargo-stylus's
// trace parser reads field by field: what the call read from and wrote to
// the program's memory, with the numbers passed or returned in registers
// added big-endian where Nitro adds them.
import { concatBytes } from "viem";

export interface CapturedHostio {
  /** The WebAssembly arguments of the import. */
  params: readonly unknown[];
  /** What the import returned. */
  value: unknown;
  /** Memory the call read and wrote, in order. */
  reads: Uint8Array;
  writes: Uint8Array;
  /** Reads program memory without recording it. */
  peek(ptr: number, len: number): Uint8Array;
}

function be(value: unknown, bytes: number): Uint8Array {
  let v = BigInt(value as number | bigint);
  if (v < 0n) v += 1n << BigInt(bytes * 8);
  const out = new Uint8Array(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const cat = (...parts: Uint8Array[]): Uint8Array => concatBytes(parts);

const n = (v: unknown): number => Number(v) >>> 0;
const leU32 = (bytes: Uint8Array): number => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
const EMPTY = new Uint8Array(0);

/** Nitro's args/outs for `name`; the captured memory bytes for host calls Nitro traces that way. */
export function nitroHostioBytes(name: string, c: CapturedHostio): { args: Uint8Array; outs: Uint8Array } {
  const p = c.params;
  switch (name) {
    case "exit_early":
      return { args: be(p[0], 4), outs: EMPTY };
    case "storage_flush_cache":
      return { args: be(n(p[0]) === 0 ? 0 : 1, 1), outs: EMPTY };
    case "pay_for_memory_grow":
      return { args: be(p[0], 2), outs: EMPTY };
    case "account_code":
      return { args: cat(c.peek(n(p[0]), 20), be(p[1], 4), be(p[2], 4)), outs: c.writes };
    case "account_code_size":
      return { args: c.reads, outs: be(c.value, 4) };
    case "block_gas_limit":
    case "block_number":
    case "block_timestamp":
    case "chainid":
    case "evm_gas_left":
    case "evm_ink_left":
      return { args: EMPTY, outs: be(c.value, 8) };
    case "msg_reentrant":
    case "tx_ink_price":
    case "return_data_size":
      return { args: EMPTY, outs: be(c.value, 4) };
    case "emit_log":
      return { args: cat(be(p[2], 4), c.peek(n(p[0]), n(p[1]))), outs: EMPTY };
    case "read_return_data":
      return { args: cat(be(p[1], 4), be(p[2], 4)), outs: c.writes };
    case "call_contract":
      return {
        args: cat(c.peek(n(p[0]), 20), be(p[4], 8), c.peek(n(p[3]), 32), c.peek(n(p[1]), n(p[2]))),
        outs: cat(be(leU32(c.peek(n(p[5]), 4)), 4), be(c.value, 1)),
      };
    case "delegate_call_contract":
    case "static_call_contract":
      return {
        args: cat(c.peek(n(p[0]), 20), be(p[3], 8), c.peek(n(p[1]), n(p[2]))),
        outs: cat(be(leU32(c.peek(n(p[4]), 4)), 4), be(c.value, 1)),
      };
    case "create1":
      return {
        args: cat(c.peek(n(p[2]), 32), c.peek(n(p[0]), n(p[1]))),
        outs: cat(c.peek(n(p[3]), 20), be(leU32(c.peek(n(p[4]), 4)), 4)),
      };
    case "create2":
      return {
        args: cat(c.peek(n(p[2]), 32), c.peek(n(p[3]), 32), c.peek(n(p[0]), n(p[1]))),
        outs: cat(c.peek(n(p[4]), 20), be(leU32(c.peek(n(p[5]), 4)), 4)),
      };
    default:
      return { args: c.reads, outs: c.writes };
  }
}

/** user_entrypoint / user_returned, the records Nitro puts around a program's host calls. */
export function entrypointBytes(argsLength: number): { args: Uint8Array; outs: Uint8Array } {
  return { args: be(argsLength, 4), outs: EMPTY };
}

export function returnedBytes(status: number): { args: Uint8Array; outs: Uint8Array } {
  return { args: EMPTY, outs: be(status, 4) };
}
