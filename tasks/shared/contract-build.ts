// "Build if stale" for the Stylus contract. Cheap first: the committed
// build-info.json records the cargo-stylus project hash of the sources it was
// built from; recomputing it over the current sources (no compiler needed)
// tells whether the Rust source changed since. Only then, or with
// --build always, the contract build runs (it needs cargo); without cargo a
// changed source is an error rather than a silent deploy of stale code.
import type { Hex } from "viem";

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { errorText, taskError } from "./errors.js";

export type BuildMode = "auto" | "always" | "never";

export interface BuildOutcome {
  readonly action: "skipped" | "up-to-date" | "rebuilt";
  readonly reason: string;
}

function hasCargo(): boolean {
  for (const cargo of ["/usr/bin/cargo", "cargo"]) {
    if (spawnSync(cargo, ["--version"], { stdio: "ignore" }).status === 0) return true;
  }
  return false;
}

interface BuildInfoHashes {
  projectHash?: Hex;
  toolchain?: { cargo?: string };
  build?: { optLevel?: string };
}

/** Recomputes the sources' project hash the way the committed build did; undefined when that is not possible. */
export async function sourcesMatchBuildInfo(root: string, artifactsDir: string): Promise<{ matches: boolean; detail: string } | undefined> {
  const infoFile = join(artifactsDir, "build-info.json");
  const helper = join(root, "scripts", "contract-wasm.ts");
  if (!existsSync(infoFile) || !existsSync(helper)) return undefined;
  let info: BuildInfoHashes;
  try {
    info = JSON.parse(readFileSync(infoFile, "utf8")) as BuildInfoHashes;
  } catch {
    return undefined;
  }
  if (info.projectHash === undefined || info.toolchain?.cargo === undefined) return undefined;
  try {
    const { computeProjectHash } = (await import(helper)) as { computeProjectHash(dir: string, cargo: string, z: boolean): Hex };
    const current = computeProjectHash(join(root, "contracts-stylus"), `${info.toolchain.cargo}\n`, info.build?.optLevel === "z");
    return current === info.projectHash
      ? { matches: true, detail: `sources hash to the committed project_hash ${info.projectHash.slice(0, 10)}…` }
      : { matches: false, detail: `sources changed since the committed build (project_hash ${current.slice(0, 10)}… vs ${info.projectHash.slice(0, 10)}…)` };
  } catch (error) {
    return { matches: false, detail: `cannot hash the sources (${errorText(error)})` };
  }
}

function runBuild(root: string): void {
  const result = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "build-contract.ts")], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 20 * 60_000,
  });
  if (result.status !== 0) {
    const last = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").at(-1) ?? "";
    throw taskError(`the contract build failed (${last}); run \`node --import tsx scripts/build-contract.ts\` to see why, or deploy with --build never.`);
  }
}

/** Makes sure the Stylus artifacts are current according to `mode`. */
export async function ensureContractBuilt(root: string, artifactsDir: string, mode: BuildMode): Promise<BuildOutcome> {
  if (mode === "never") return { action: "skipped", reason: "--build never: using the committed artifacts" };
  const script = join(root, "scripts", "build-contract.ts");
  if (mode === "auto") {
    const state = await sourcesMatchBuildInfo(root, artifactsDir);
    if (state?.matches === true) return { action: "up-to-date", reason: state.detail };
    if (state === undefined) return { action: "skipped", reason: "no build-info project hash to compare: using the artifacts as they are" };
    if (!existsSync(script) || !hasCargo()) {
      throw taskError(`${state.detail}, and cargo is not available to rebuild; build on a machine with the Rust toolchain (docs/contract-build.md) or pass --build never to deploy the committed artifact.`);
    }
  } else if (!existsSync(script) || !hasCargo()) {
    throw taskError("--build always needs scripts/build-contract.ts and cargo (docs/contract-build.md); use --build auto to deploy the committed artifacts.");
  }
  runBuild(root);
  return { action: "rebuilt", reason: "the artifacts were rebuilt from the Rust source" };
}
