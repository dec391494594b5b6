// Errors of the project's Hardhat tasks: one plugin id, one clear line that
// says what failed and what to do next. Hardhat prints a HardhatPluginError
// as a single message and exits non-zero.
import { HardhatPluginError } from "hardhat/plugins";

/** Plugin id under which the tasks report their errors. */
export const TASKS_PLUGIN_ID = "lcore-tasks";

/** Builds the error a task throws: `message` names the problem and the next step. */
export function taskError(message: string, cause?: unknown): HardhatPluginError {
  return new HardhatPluginError(TASKS_PLUGIN_ID, message, cause instanceof Error ? cause : undefined);
}

/** True for errors thrown through {@link taskError} (or any plugin error). */
export function isTaskError(error: unknown): error is HardhatPluginError {
  return HardhatPluginError.isHardhatPluginError(error);
}

/** The most useful one-line text of an unknown error (viem's shortMessage first). */
export function errorText(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const short = (error as { shortMessage?: unknown }).shortMessage;
    if (typeof short === "string" && short.length > 0) return short.split("\n")[0] ?? short;
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return message.split("\n")[0] ?? message;
  }
  return String(error);
}
