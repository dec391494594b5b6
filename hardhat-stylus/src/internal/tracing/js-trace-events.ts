// Records one interpreter run as the ordered hook calls of a JavaScript
// tracer (tracing/js-tracer-sandbox.ts): every host call of the run's Stylus
// frames (name, args, outs, start and end ink, as Nitro's hook passes them) and every frame below
// the top one (enter/exit). The interpreter reports a call out's host record
// after the callee returns, so the order is Nitro's: enter, the callee's host
// calls, exit, then the caller's call_contract record.
import { bytesToHex, numberToHex, type Address } from "viem";

import type { HostioRecord } from "../runtime/types.js";
import type { JsTraceEvent } from "./js-tracer-sandbox.js";

import { CallFrameTrace, type CallFrameEnter, type CallFrameExit } from "./call-frame-trace.js";
import { HostioTrace } from "./hostio-trace.js";

const ZERO_ADDRESS: Address = "0x0000000000000000000000000000000000000000";

export class JsTraceEvents {
  readonly events: JsTraceEvent[] = [];
  readonly hostioTrace: HostioTrace;
  readonly callTrace: CallFrameTrace;

  constructor() {
    const events = this.events;
    const entered: number[] = [];
    this.hostioTrace = new (class extends HostioTrace {
      override hostio(record: HostioRecord): void {
        super.hostio(record);
        events.push({
          kind: "hostio",
          name: record.name,
          args: bytesToHex(record.args),
          outs: bytesToHex(record.outs),
          startInk: Number(record.startInk),
          endInk: Number(record.endInk),
        });
      }
    })();
    this.callTrace = new (class extends CallFrameTrace {
      override enter(frame: CallFrameEnter): void {
        super.enter(frame);
        entered.push(events.length);
        events.push({
          kind: "enter",
          type: frame.type,
          from: frame.from.toLowerCase(),
          to: (frame.to ?? ZERO_ADDRESS).toLowerCase(),
          input: bytesToHex(frame.input),
          gas: numberToHex(frame.gas),
          value: numberToHex(frame.value),
        });
      }
      override exit(result: CallFrameExit): void {
        super.exit(result);
        // A creation's address is known once it ran; geth's enter() already reports it.
        const enter = events[entered.pop() ?? -1];
        if (enter?.kind === "enter" && result.to !== undefined) enter.to = result.to.toLowerCase();
        events.push({
          kind: "exit",
          gasUsed: numberToHex(result.gasUsed),
          output: bytesToHex(result.output),
          ...(result.error === undefined ? {} : { error: result.error === "revert" ? "execution reverted" : result.error }),
        });
      }
    })();
  }
}
