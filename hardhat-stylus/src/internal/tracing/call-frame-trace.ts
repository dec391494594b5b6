// Collects the frames below the top one of an interpreter run (calls out of
// programs and EVM contracts, creations, precompile calls) as the inner
// `calls` of geth's callTracer: type, from, to, value, gas, gasUsed, input,
// output, error and revertReason, nested as they ran.
import { bytesToHex, decodeErrorResult, numberToHex, parseAbi, type Hex } from "viem";

export type CallFrameType = "CALL" | "STATICCALL" | "DELEGATECALL" | "CREATE" | "CREATE2";

export interface CallFrameEnter {
  type: CallFrameType;
  from: string;
  to?: string;
  value: bigint;
  gas: bigint;
  input: Uint8Array;
  isStatic: boolean;
}

export interface CallFrameExit {
  /** The created address (creations). */
  to?: string;
  gasUsed: bigint;
  output: Uint8Array;
  /** ethereumjs's error name; "revert" for a REVERT. */
  error?: string;
}

interface Frame extends CallFrameEnter {
  exit?: CallFrameExit;
  calls: Frame[];
}

export class CallFrameTrace {
  readonly #root: Frame = { type: "CALL", from: "", value: 0n, gas: 0n, input: new Uint8Array(), isStatic: false, calls: [] };
  readonly #open: Frame[] = [this.#root];

  /** Static context of the frame that opens the next one (geth reports STATICCALL only where it starts). */
  get parentStatic(): boolean {
    return this.#open[this.#open.length - 1]!.isStatic;
  }

  enter(frame: CallFrameEnter): void {
    const open: Frame = { ...frame, calls: [] };
    this.#open[this.#open.length - 1]!.calls.push(open);
    this.#open.push(open);
  }

  exit(result: CallFrameExit): void {
    const frame = this.#open.pop();
    if (frame === undefined || frame === this.#root) throw new Error("hardhat-stylus: CallFrameTrace.exit without enter");
    frame.exit = result;
  }

  /** The inner frames of the run, in callTracer's shape. */
  calls(): Array<Record<string, unknown>> {
    return this.#root.calls.map(toCallTracer);
  }
}

function toCallTracer(frame: Frame): Record<string, unknown> {
  const exit = frame.exit ?? { gasUsed: frame.gas, output: new Uint8Array(), error: "frame did not finish" };
  const to = frame.to ?? exit.to;
  const out: Record<string, unknown> = {
    from: frame.from.toLowerCase(),
    gas: numberToHex(frame.gas),
    gasUsed: numberToHex(exit.gasUsed),
    ...(to === undefined ? {} : { to: to.toLowerCase() }),
    input: bytesToHex(frame.input),
  };
  if (exit.output.length > 0 && (exit.error === undefined || exit.error === "revert")) out.output = bytesToHex(exit.output);
  if (exit.error !== undefined) {
    out.error = exit.error === "revert" ? "execution reverted" : exit.error;
    const reason = revertReason(exit.output);
    if (exit.error === "revert" && reason !== undefined) out.revertReason = reason;
  }
  if (frame.calls.length > 0) out.calls = frame.calls.map(toCallTracer);
  if (frame.type !== "DELEGATECALL" && frame.type !== "STATICCALL") out.value = numberToHex(frame.value);
  out.type = frame.type;
  return out;
}

function revertReason(data: Uint8Array): string | undefined {
  if (data.length < 4) return undefined;
  try {
    return decodeErrorResult({ abi: parseAbi(["error Error(string)"]), data: bytesToHex(data) as Hex }).args[0];
  } catch {
    return undefined;
  }
}
