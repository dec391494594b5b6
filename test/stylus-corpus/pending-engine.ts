// The corpus cases today's hardhat-stylus engine cannot run yet, each with the
// reason. The suite marks these pending (with the reason in the title) instead
// of running them; every case not listed here must pass in every mode. The
// combined interpreter (issue 9) emptied the list; run the suite with
// CORPUS_RUN_PENDING=1 to run listed cases too and see which pass.
import type { CorpusMode } from "./helpers/corpus-env.js";

/** Why a case is pending, and in which modes (all three when `modes` is absent). */
export interface PendingEngineCase {
  readonly reason: string;
  readonly modes?: readonly CorpusMode[];
}

/**
 * Empty since the combined interpreter (issue 9): every case passes in-process, over HTTP and on
 * the fork (CORPUS_RUN_PENDING=1 ran all 152). A case that has to wait for the engine again goes
 * here with its reason.
 */
export const PENDING_ENGINE: Readonly<Record<string, PendingEngineCase>> = {};

/** The reason `caseName` is pending in `mode`, or undefined when it must pass. */
export function pendingReason(caseName: string, mode: CorpusMode): string | undefined {
  const entry = PENDING_ENGINE[caseName];
  if (entry === undefined) return undefined;
  if (entry.modes !== undefined && !entry.modes.includes(mode)) return undefined;
  return entry.reason;
}
