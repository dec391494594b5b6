// Translates viem errors into what the outbox needs to decide: the contract's
// custom error name, or "the chain did not answer".
import { BaseError as ViemBaseError, ContractFunctionRevertedError, HttpRequestError, TimeoutError } from "viem";

/** The custom error name (e.g. "ProofAlreadyCommitted") of a reverted call, if any. */
export function revertErrorName(error: unknown): string | undefined {
  if (!(error instanceof ViemBaseError)) return undefined;
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (revert instanceof ContractFunctionRevertedError) return revert.data?.errorName ?? revert.reason ?? "reverted";
  return undefined;
}

/** True when the error means the RPC could not be reached or did not answer in time. */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ViemBaseError) {
    const inner = error.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError);
    if (inner !== null && inner !== undefined) return true;
  }
  const text = String((error as { message?: string } | null)?.message ?? error);
  return /ECONNREFUSED|ECONNRESET|fetch failed|socket hang up|ETIMEDOUT|EPIPE|timed out|network/i.test(text);
}

/** Short one-line text of any error, for outbox rows and logs (never includes request bodies). */
export function errorSummary(error: unknown): string {
  if (error instanceof ViemBaseError) return error.shortMessage;
  if (error instanceof Error) return error.message.split("\n")[0]!;
  return String(error);
}
