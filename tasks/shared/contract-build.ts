// "Build if stale" for the Stylus contract: when the contract build script
// and cargo are available, ask it whether the committed artifacts match the
// Rust source (--check) and rebuild when they do not; otherwise use the
// committed artifacts as they are.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { taskError } from "./errors.js";

export type BuildMode = "auto" | "always" | "never";

export interface BuildOutcome {
  readonly action: "skipped" | "up-to-date" | "rebuilt";
  readonly reason: string;
}

function hasCargo(): boolean {
  for (const cargo of ["/usr/bin/cargo", "cargo"]) {
    const probe = spawnSync(cargo, ["--version"], { stdio: "ignore" });
    if (probe.status === 0) return true;
  }
  return false;
}

function runScript(root: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "build-contract.ts"), ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20 * 60_000,
  });
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** Makes sure the Stylus artifacts are current according to `mode`. */
export function ensureContractBuilt(root: string, mode: BuildMode): BuildOutcome {
  if (mode === "never") return { action: "skipped", reason: "--build never: using the committed artifacts" };
  const script = join(root, "scripts", "build-contract.ts");
  if (!existsSync(script)) return { action: "skipped", reason: "no scripts/build-contract.ts: using the committed artifacts" };
  if (!hasCargo()) {
    if (mode === "always") throw taskError("--build always needs cargo (see docs/ for the Rust toolchain); use --build auto to deploy the committed artifacts.");
    return { action: "skipped", reason: "cargo not found: using the committed artifacts" };
  }
  if (mode === "auto") {
    const check = runScript(root, ["--check"]);
    if (check.status === 0) return { action: "up-to-date", reason: "committed artifacts match the Rust source" };
  }
  const build = runScript(root, []);
  if (build.status !== 0) {
    const last = build.output.trim().split("\n").at(-1) ?? "";
    throw taskError(`the contract build failed (${last}); run \`node --import tsx scripts/build-contract.ts\` to see why, or deploy with --build never.`);
  }
  return { action: "rebuilt", reason: "artifacts were stale and have been rebuilt" };
}
