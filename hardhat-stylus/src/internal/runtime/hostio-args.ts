// Host functions for a frame's input and output: read_args, write_result,
// exit_early, and the return data of the last call out.
import type { ExecutionContext } from "./types.js";
import type { HostEnv, InkCharge } from "./host-env.js";

import { readPrice, writePrice } from "./pricing.js";
import { ExitSignal } from "./signals.js";

export function argsHooks(env: HostEnv, ink: InkCharge): Record<string, (...args: never[]) => unknown> {
  // Read per call: a pooled instance keeps its host functions across frames (instance-pool.ts).
  const ctx = (): ExecutionContext => env.shared.context;
  return {
    read_args: (ptr: number): void => {
      ink("read_args");
      env.buyInk(writePrice(ctx().calldata.length), "read_args");
      env.write(ptr, ctx().calldata);
    },
    write_result: (ptr: number, len: number): void => {
      ink("write_result");
      env.buyInk(readPrice(len), "write_result");
      env.buyInk(readPrice(len), "write_result");
      env.outs = env.read(ptr, len);
    },
    exit_early: (status: number): void => {
      env.hostCalls.push("exit_early");
      throw new ExitSignal(status >>> 0);
    },
    read_return_data: (dest: number, offset: number, size: number): number => {
      const name = "read_return_data";
      ink(name);
      const off = offset >>> 0;
      const sz = size >>> 0;
      const max = Math.max(0, env.returnData.length - off);
      env.buyInk(writePrice(Math.min(sz, max)), name);
      if (max === 0) return 0;
      const slice = env.returnData.subarray(off, Math.min(env.returnData.length, off + sz));
      if (slice.length > 0) env.write(dest, slice);
      return slice.length;
    },
    return_data_size: (): number => {
      ink("return_data_size");
      return env.returnData.length;
    },
  };
}
