// Runs the real cargo-stylus (0.10.x, from crates.io, unmodified) from a
// throwaway Cargo workspace with a Stylus.toml (test/fixtures/
// cargo-stylus-workspace), the way a Stylus developer runs `cargo stylus`,
// or from a Stylus project built from source with Debian's rustc-web.
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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

/**
 * `cargo stylus <args>` in `cwd` (bounded to 120 s, or `timeoutMs` for builds from source); resolves
 * with the exit code and the output.
 */
export async function cargoStylus(
  cwd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<CargoStylusRun> {
  const env = { ...process.env, ...options.env, PATH: `${path.join(cargoHome, "bin")}${path.delimiter}${process.env.PATH ?? ""}`, NO_COLOR: "1" };
  return await new Promise((resolve) => {
    execFile(CARGO_STYLUS_BINARY, ["stylus", ...args], { cwd, env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
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

/** The rustup toolchain name under which Debian's rustc-web (/usr) is linked for cargo-stylus source builds. */
export const DEBIAN_TOOLCHAIN = "lcore-debian-web";
const RUST_SRC = "/usr/lib/rustlib/src/rust";
const CORPUS_COUNTER = fileURLToPath(new URL("../../../../corpus/stylus/counter/", import.meta.url));
/** Kept between runs (gitignored) so a second run does not rebuild std and the SDK. */
const SOURCE_BUILD_TARGET = fileURLToPath(new URL("../../../../corpus/stylus/target/cargo-stylus/", import.meta.url));

/**
 * Why cargo-stylus cannot build a program from source here, or undefined when it can. rustup has no
 * wasm32 target on this machine, so the build uses Debian's rustc-web (the toolchain the committed
 * artifacts come from) linked into rustup as a toolchain, with std built from rust-web-src.
 */
export function sourceBuildMissing(): string | undefined {
  if (!existsSync("/usr/bin/rustc") || !existsSync("/usr/bin/cargo") || !existsSync(RUST_SRC)) {
    return "Debian's rustc-web, cargo-web and rust-web-src are not installed (docs/contract-build.md)";
  }
  const rustup = path.join(cargoHome, "bin", "rustup");
  const list = spawnSync(rustup, ["toolchain", "list"], { encoding: "utf8" });
  if (list.status !== 0) return `rustup not found at ${rustup}`;
  if (!list.stdout.split("\n").some((l) => l.startsWith(DEBIAN_TOOLCHAIN))) {
    const link = spawnSync(rustup, ["toolchain", "link", DEBIAN_TOOLCHAIN, "/usr"], { encoding: "utf8" });
    if (link.status !== 0) return `rustup toolchain link ${DEBIAN_TOOLCHAIN} /usr failed: ${link.stderr.trim()}`;
  }
  return undefined;
}

/**
 * A Stylus project as a developer has it (Cargo crate + Stylus.toml), copied from the corpus counter
 * (whose constructor takes the initial number), set up to build with Debian's toolchain: the linked
 * rustup toolchain, std built from source, wasm-ld-19, Nitro-safe CPU features.
 */
export function createSourceProject(): { dir: string; env: NodeJS.ProcessEnv; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "cargo-stylus-src-"));
  cpSync(CORPUS_COUNTER, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}artifacts`) });
  writeFileSync(path.join(dir, "rust-toolchain.toml"), `[toolchain]\nchannel = "${DEBIAN_TOOLCHAIN}"\n`);
  writeFileSync(path.join(dir, "Stylus.toml"), "[workspace]\n\n[workspace.networks]\n");
  // The ABI printer of cargo-stylus's project template: deploy runs it (cargo run --features export-abi)
  // to find the constructor's signature.
  writeFileSync(
    path.join(dir, "src", "main.rs"),
    [
      '#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]',
      '#[cfg(not(any(test, feature = "export-abi")))]',
      "#[no_mangle]",
      'pub extern "C" fn main() {}',
      '#[cfg(feature = "export-abi")]',
      "fn main() {",
      "    corpus_counter::print_from_args();",
      "}",
      "",
    ].join("\n"),
  );
  mkdirSync(path.join(dir, ".cargo"), { recursive: true });
  writeFileSync(
    path.join(dir, ".cargo", "config.toml"),
    [
      "[target.wasm32-unknown-unknown]",
      'linker = "wasm-ld-19"',
      'rustflags = ["-C", "link-arg=-zstack-size=32768", "-C", "target-cpu=mvp", "-Zunstable-options", "-Cpanic=immediate-abort"]',
      "[unstable]",
      'build-std = ["std", "panic_abort"]',
      "",
    ].join("\n"),
  );
  const env = { RUSTC_BOOTSTRAP: "1", CARGO_TARGET_DIR: SOURCE_BUILD_TARGET };
  return { dir, env, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
