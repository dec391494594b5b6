// Collects the host calls of the Stylus frames of one interpreter run in the
// shape of Nitro's stylusTracer (HostioTraceInfo): name, args and outs (the
// bytes the call read from and wrote to the program's memory), startInk and
// endInk (bytes as Nitro encodes them: runtime/hostio-trace-format.ts); a
// call out or creation carries the callee's address and, when it ran a
// Stylus frame, that frame's host calls as `steps`.
import { bytesToHex, getAddress, type Address, type Hex } from "viem";

import type { HostioRecord, HostioRecorder } from "../runtime/types.js";

export interface HostioTraceInfo {
  name: string;
  args: Hex;
  outs: Hex;
  startInk: number;
  endInk: number;
  address?: Address;
  steps?: HostioTraceInfo[];
}

const CALL_HOSTIOS = new Set(["call_contract", "delegate_call_contract", "static_call_contract", "create1", "create2"]);

interface OpenFrame {
  address: Address;
  records: HostioTraceInfo[];
  /** Stylus frames that finished since the last host call of this frame (run by that call). */
  finished: OpenFrame[];
}

export class HostioTrace implements HostioRecorder {
  readonly #root: OpenFrame = { address: "0x0000000000000000000000000000000000000000", records: [], finished: [] };
  readonly #open: OpenFrame[] = [this.#root];

  /** A Stylus frame starts: its host calls go to it until `exitFrame`. */
  enterFrame(address: string): void {
    this.#open.push({ address: getAddress(address), records: [], finished: [] });
  }

  exitFrame(): void {
    const frame = this.#open.pop();
    if (frame === undefined || frame === this.#root) throw new Error("hardhat-stylus: HostioTrace.exitFrame without enterFrame");
    this.#top().finished.push(frame);
  }

  hostio(record: HostioRecord): void {
    const frame = this.#top();
    const info: HostioTraceInfo = {
      name: record.name,
      args: bytesToHex(record.args),
      outs: bytesToHex(record.outs),
      startInk: Number(record.startInk),
      endInk: Number(record.endInk),
    };
    if (CALL_HOSTIOS.has(record.name)) {
      // cargo-stylus reads a frame for every call: the callee's Stylus frame, or none (EVM code, failure).
      const child = frame.finished.at(-1);
      const created = record.name.startsWith("create");
      info.address = child?.address ?? getAddress(bytesToHex(created ? record.outs.slice(0, 20) : record.args.slice(0, 20)));
      info.steps = child?.records ?? [];
    }
    frame.finished = [];
    frame.records.push(info);
  }

  /** Host calls of the run's first top-level Stylus frame (the traced target). */
  result(): HostioTraceInfo[] {
    return this.#root.finished[0]?.records ?? [];
  }

  #top(): OpenFrame {
    return this.#open[this.#open.length - 1]!;
  }
}
