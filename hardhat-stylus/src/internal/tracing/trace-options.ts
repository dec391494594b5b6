// The options object of debug_traceTransaction / debug_traceCall, checked the
// way geth (and so Nitro) reads it: which tracer, its config, the timeout.
// Bad input becomes a TraceOptionsError carrying the JSON-RPC code and a
// message in geth's words; nothing runs.

/** Tracers geth/Nitro ship natively; the plugin serves some of them for programs (see trace-handler.ts). */
export const NATIVE_TRACERS = new Set([
  "callTracer",
  "flatCallTracer",
  "prestateTracer",
  "4byteTracer",
  "noopTracer",
  "muxTracer",
  "erc7562Tracer",
  "stylusTracer",
]);

export type TracerKind = "structLogger" | "callTracer" | "prestateTracer" | "4byteTracer" | "noopTracer" | "stylusTracer" | "unserved" | "javascript";

export interface TraceOptions {
  kind: TracerKind;
  /** The tracer string as given (a name or JavaScript source). */
  tracer?: string;
  callTracer: { onlyTopCall: boolean; withLog: boolean };
  prestateTracer: { diffMode: boolean; disableCode: boolean; disableStorage: boolean };
  /** The default struct logger's top-level options (geth's logger.Config). */
  structLogger: { disableStack: boolean; enableMemory: boolean; disableStorage: boolean };
  /** The `timeout` option in milliseconds, when given (JavaScript tracers' time limit). */
  timeoutMs?: number;
  /** The `tracerConfig` object as given (passed to a JavaScript tracer's setup()). */
  tracerConfig?: unknown;
}

const GO_UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a duration GO_DURATION accepted. */
function durationMs(text: string): number {
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) total += Number(amount) * GO_UNITS_MS[unit!]!;
  return text.startsWith("-") ? -total : total;
}

export class TraceOptionsError extends Error {
  override name = "TraceOptionsError";
  constructor(
    message: string,
    readonly code = -32602,
  ) {
    super(message);
  }
}

/** Go's time.ParseDuration grammar: a sequence of decimal numbers with units. */
const GO_DURATION = /^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))*$|^0$/;

function boolField(config: Record<string, unknown>, name: string, structName: string): boolean {
  const value = config[name];
  if (value === undefined || value === null) return false;
  if (typeof value !== "boolean") {
    throw new TraceOptionsError(
      `json: cannot unmarshal ${typeof value === "number" ? "number" : typeof value === "string" ? "string" : "object"} into Go struct field ${structName}.${name} of type bool`,
      -32000,
    );
  }
  return value;
}

/** Reads the options parameter; undefined/null means the default struct logger. */
export function parseTraceOptions(raw: unknown): TraceOptions {
  const options: TraceOptions = {
    kind: "structLogger",
    callTracer: { onlyTopCall: false, withLog: false },
    prestateTracer: { diffMode: false, disableCode: false, disableStorage: false },
    structLogger: { disableStack: false, enableMemory: false, disableStorage: false },
  };
  if (raw === undefined || raw === null) return options;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new TraceOptionsError(`invalid argument 1: json: cannot unmarshal ${Array.isArray(raw) ? "array" : typeof raw} into Go value of type tracers.TraceConfig`);
  }
  const o = raw as Record<string, unknown>;
  if (o.timeout !== undefined && (typeof o.timeout !== "string" || !GO_DURATION.test(o.timeout))) {
    throw new TraceOptionsError(`time: invalid duration ${JSON.stringify(o.timeout)}`, -32000);
  }
  if (typeof o.timeout === "string") options.timeoutMs = durationMs(o.timeout);
  options.structLogger = {
    disableStack: boolField(o, "disableStack", "TraceConfig"),
    enableMemory: boolField(o, "enableMemory", "TraceConfig"),
    disableStorage: boolField(o, "disableStorage", "TraceConfig"),
  };
  if (o.tracer === undefined || o.tracer === null || o.tracer === "") return options;
  if (typeof o.tracer !== "string") {
    throw new TraceOptionsError(`invalid argument 1: json: cannot unmarshal ${typeof o.tracer} into Go struct field TraceConfig.tracer of type string`);
  }
  options.tracer = o.tracer;
  const config = o.tracerConfig;
  if (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config))) {
    throw new TraceOptionsError(`json: cannot unmarshal ${Array.isArray(config) ? "array" : typeof config} into Go value of type tracers.${o.tracer}Config`, -32000);
  }
  const c = (config ?? {}) as Record<string, unknown>;
  if (config !== undefined && config !== null) options.tracerConfig = config;
  switch (o.tracer) {
    case "callTracer":
      options.kind = "callTracer";
      options.callTracer = { onlyTopCall: boolField(c, "onlyTopCall", "callTracerConfig"), withLog: boolField(c, "withLog", "callTracerConfig") };
      return options;
    case "prestateTracer":
      options.kind = "prestateTracer";
      options.prestateTracer = {
        diffMode: boolField(c, "diffMode", "prestateTracerConfig"),
        disableCode: boolField(c, "disableCode", "prestateTracerConfig"),
        disableStorage: boolField(c, "disableStorage", "prestateTracerConfig"),
      };
      return options;
    case "4byteTracer":
    case "noopTracer":
    case "stylusTracer":
      options.kind = o.tracer;
      return options;
    default:
      options.kind = NATIVE_TRACERS.has(o.tracer) ? "unserved" : "javascript";
      return options;
  }
}
