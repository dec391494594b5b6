// Errors of the chain side: an unreachable RPC, a reverted commit, a bad setup.
import { BaseError } from "./base-error.js";

export class ChainUnavailableError extends BaseError {
  override name = "ChainUnavailableError";
  override readonly code = "CHAIN_UNAVAILABLE";
  override readonly statusCode = 503;
  constructor({ cause, action }: { cause?: unknown; action: string }) {
    super(`The chain did not answer while trying to ${action}.`, {
      cause,
      details: "Readings stay queued in the outbox and are committed when the RPC answers again.",
    });
  }
}

export class CommitRevertedError extends BaseError {
  override name = "CommitRevertedError";
  override readonly code = "COMMIT_REVERTED";
  readonly errorName: string | undefined;
  constructor({ kind, ref, errorName, cause }: { kind: string; ref: string; errorName?: string; cause?: unknown }) {
    super(`The ${kind} transaction for ${ref} was refused by the contract${errorName === undefined ? "" : ` (${errorName})`}.`, {
      cause,
      details: "Check that the node's account is an authorised submitter (setSubmitter) and the device is registered and active.",
    });
    this.errorName = errorName;
  }
}

export class ConfigError extends BaseError {
  override name = "ConfigError";
  override readonly code = "CONFIG_INVALID";
  constructor({ issues }: { issues: string[] }) {
    super("The node configuration is invalid.", { metaMessages: issues });
  }
}
