// Runs the real cargo-stylus (0.10.x, from crates.io, unmodified) from a
// throwaway Cargo workspace with a Stylus.toml (test/fixtures/
// cargo-stylus-workspace), the way a Stylus developer runs `cargo stylus`.
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const cargoHome = process.env.CARGO_HOME ?? path.join(homedir(), ".cargo");

/** The cargo-stylus binary: $CARGO_STYLUS, else $CARGO_HOME/bin/cargo-stylus. */
export const CARGO_STYLUS_BINARY = process.env.CARGO_STYLUS ?? path.join(cargoHome, "bin", "cargo-stylus");

const WORKSPACE_FIXTURE = fileURLToPath(new URL("../../../fixtures/cargo-stylus-workspace/", import.meta.url));

export interface CargoStylusRun {
  exitCode: number;
  /** stdout + stderr, without ANSI colours. */
  output: string;
}

/** Why the suite cannot run here, or undefined when it can. */
export function cargoStylusMissing(): string | undefined {
  if (!existsSync(CARGO_STYLUS_BINARY)) {
    return `cargo-stylus not found at ${CARGO_STYLUS_BINARY} (install: cargo install cargo-stylus --locked --version 0.10.10)`;
  }
  return undefined;
}

/** A fresh copy of the workspace fixture in a temp folder; remove it with `dispose`. */
export function createStylusWorkspace(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "cargo-stylus-ws-"));
  cpSync(WORKSPACE_FIXTURE, dir, { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

const ANSI = /\u001b\[[0-9;]*m/g;

/** `cargo stylus <args>` in `cwd` (bounded to 120 s); resolves with the exit code and the output. */
export async function cargoStylus(cwd: string, args: readonly string[]): Promise<CargoStylusRun> {
  const env = { ...process.env, PATH: `${path.join(cargoHome, "bin")}${path.delimiter}${process.env.PATH ?? ""}`, NO_COLOR: "1" };
  return await new Promise((resolve) => {
    execFile(CARGO_STYLUS_BINARY, ["stylus", ...args], { cwd, env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ exitCode, output: `${stdout}${stderr}`.replace(ANSI, "") });
    });
  });
}

/** The address cargo-stylus printed after "deployed code at address:". */
export function deployedAddress(run: CargoStylusRun): `0x${string}` {
  const match = /deployed code at address: (0x[0-9a-fA-F]{40})/.exec(run.output);
  if (match === null) throw new Error(`cargo stylus deploy printed no address:\n${run.output}`);
  return match[1] as `0x${string}`;
}
