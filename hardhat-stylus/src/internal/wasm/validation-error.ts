// The error thrown when a WASM program breaks one of Nitro's activation rules:
// a machine-readable `reason` code plus a message saying what to change.

/** Why Nitro would reject a program (stable codes; others match on them). */
export type StylusValidationReason =
  | "not-wasm"
  | "invalid-wasm"
  | "too-large"
  | "too-large-compressed"
  | "unsupported-section"
  | "forbidden-import"
  | "unknown-import"
  | "import-signature"
  | "inconsistent-import"
  | "reserved-symbol"
  | "export-shadows-import"
  | "missing-export"
  | "export-signature"
  | "name-too-long"
  | "start-function"
  | "simd"
  | "threads"
  | "reference-types"
  | "tail-call"
  | "exceptions"
  | "bulk-memory"
  | "table-ops"
  | "memory64"
  | "multi-memory"
  | "multi-value"
  | "missing-memory"
  | "memory-too-large"
  | "missing-pay-for-memory-grow"
  | "non-constant-global"
  | "too-many-functions"
  | "too-many-exports"
  | "too-many-data-segments"
  | "too-many-elements"
  | "too-many-element-entries"
  | "too-many-table-entries"
  | "too-many-globals"
  | "too-many-locals"
  | "too-many-opcodes";

/** A program Nitro's activation would reject; `reason` says which rule, `shortMessage` says why. */
export class StylusValidationError extends Error {
  override name = "StylusValidationError";
  readonly shortMessage: string;
  readonly reason: StylusValidationReason;
  readonly metaMessages: string[];

  constructor(params: { reason: StylusValidationReason; shortMessage: string; details?: string[] }) {
    const details = params.details ?? [];
    super([params.shortMessage, ...details].join("\n"));
    this.reason = params.reason;
    this.shortMessage = params.shortMessage;
    this.metaMessages = details;
  }
}

/** Type guard that does not depend on `instanceof` across module copies. */
export function isStylusValidationError(error: unknown): error is StylusValidationError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "StylusValidationError" &&
    typeof (error as { reason?: unknown }).reason === "string"
  );
}
