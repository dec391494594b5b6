// The one base error of the node: a short message, extra context lines and a
// cause, in the manner of viem's BaseError. Every error the node throws
// extends it, so the HTTP layer can map any of them to a status and a JSON body.

export interface BaseErrorParameters {
  /** Extra lines of context (the values that caused the failure). */
  metaMessages?: string[];
  /** What the caller can do about it. */
  details?: string;
  cause?: unknown;
}

export class BaseError extends Error {
  override name = "BaseError";
  /** One sentence that says what went wrong. */
  readonly shortMessage: string;
  readonly metaMessages: string[];
  readonly details: string | undefined;
  /** Stable machine-readable code, sent in HTTP error bodies. */
  readonly code: string = "NODE_ERROR";
  /** HTTP status this error maps to when it reaches the API (500 unless a subclass says otherwise). */
  readonly statusCode: number = 500;

  constructor(shortMessage: string, parameters: BaseErrorParameters = {}) {
    const lines = [shortMessage];
    if (parameters.metaMessages !== undefined && parameters.metaMessages.length > 0) {
      lines.push("", ...parameters.metaMessages);
    }
    if (parameters.details !== undefined) lines.push("", `Details: ${parameters.details}`);
    super(lines.join("\n"), parameters.cause === undefined ? undefined : { cause: parameters.cause });
    this.shortMessage = shortMessage;
    this.metaMessages = parameters.metaMessages ?? [];
    this.details = parameters.details;
  }

  /** Walks the cause chain to the deepest error (or the first one `fn` accepts). */
  walk(fn?: (error: unknown) => boolean): unknown {
    let current: unknown = this;
    for (let depth = 0; depth < 32; depth++) {
      if (fn !== undefined && fn(current)) return current;
      const next = (current as { cause?: unknown } | null)?.cause;
      if (next === undefined || next === null) return fn === undefined ? current : undefined;
      current = next;
    }
    return current;
  }
}

/** Guard instead of instanceof (works across module copies). */
export function isBaseError(error: unknown): error is BaseError {
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as BaseError).shortMessage === "string" &&
    typeof (error as BaseError).statusCode === "number"
  );
}
