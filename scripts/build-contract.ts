// Builds the Stylus contract in contracts-stylus/ and writes its committed
// artifacts (contracts-stylus/artifacts/): the processed WASM, the deployable
// code, the JSON ABI (+ abi.ts), the Solidity interface and build-info.json.
// `--check` rebuilds into temporary folders and fails when the committed
// artifacts differ from the fresh build (CI). Recipe: docs/contract-build.md.
//
// Run: node --import tsx scripts/build-contract.ts [--check] [--target-dir DIR]
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { bytesToHex, hexToBytes, keccak256, type Hex } from "viem";

import { compressStylusProgram } from "../hardhat-stylus/src/internal/wasm/program-format.js";
import {
  isStylusValidationError,
  MAX_COMPRESSED_PROGRAM_SIZE,
  MAX_UNCOMPRESSED_WASM_SIZE,
  type StylusProgramInfo,
  validateStylusProgram,
} from "../hardhat-stylus/src/internal/wasm/validate.js";
import { compileAbi, SolcCompileError } from "./contract-solc.js";
import { computeProjectHash, processStylusWasm } from "./contract-wasm.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CRATE_DIR = join(ROOT, "contracts-stylus");
const ARTIFACTS_DIR = join(CRATE_DIR, "artifacts");
const CRATE_LIB = "mvp_iot_processor";
const CONTRACT = "MVPIoTProcessor";

/** Debian packages the committed artifacts are built with (docs/contract-build.md). */
export const PINNED_DEBIAN_PACKAGES: Readonly<Record<string, string>> = {
  "rustc-web": "1.96.0+dfsg1-1~deb12u2",
  "cargo-web": "1.96.0+dfsg1-1~deb12u2",
  "rust-web-src": "1.96.0+dfsg1-1~deb12u2",
  "lld-19": "1:19.1.7-3~deb12u1",
};
const RUSTC = "/usr/bin/rustc";
const CARGO = "/usr/bin/cargo";
const LINKER = "wasm-ld-19";
const RUST_SRC = "/usr/lib/rustlib/src/rust";
const BROTLI_WINDOW = 22;

/** Flags added to .cargo/config.toml's wasm32 rustflags for the committed build. */
function extraRustflags(cargoHome: string): string[] {
  return [
    // Panics abort at once: no formatting machinery in the WASM.
    "-Zunstable-options",
    "-Cpanic=immediate-abort",
    // No file/line strings for panics nobody can read on chain.
    "-Zlocation-detail=none",
    // `{:?}` formats to nothing: no Debug code reaches the WASM.
    "-Zfmt-debug=none",
    // Machine-independent paths in whatever debug text remains.
    `--remap-path-prefix=${cargoHome}/registry/src=/cargo/registry/src`,
    `--remap-path-prefix=${cargoHome}/git/checkouts=/cargo/git/checkouts`,
    `--remap-path-prefix=${RUST_SRC}=/rustc/src`,
  ];
}

/** Raised for a build that cannot go on; `shortMessage` is the one line to print. */
export class ContractBuildError extends Error {
  override name = "ContractBuildError";
  readonly shortMessage: string;
  constructor(shortMessage: string, details?: string) {
    super(details === undefined ? shortMessage : `${shortMessage}\n${details}`);
    this.shortMessage = shortMessage;
  }
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Stream the child's stderr (cargo progress) to ours. */
  inheritStderr?: boolean;
}

export function run(command: string, args: string[], options: RunOptions = {}): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? CRATE_DIR,
    env: options.env ?? process.env,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", options.inheritStderr === true ? "inherit" : "pipe"],
  });
  if (result.error !== undefined) {
    throw new ContractBuildError(`cannot run ${command}: ${result.error.message}`, "Install the toolchain listed in docs/contract-build.md.");
  }
  if (result.status !== 0) {
    const tail = (result.stderr ?? "").split("\n").slice(-30).join("\n");
    throw new ContractBuildError(`${command} ${args.slice(0, 2).join(" ")} failed (exit ${result.status})`, tail);
  }
  return result.stdout;
}

/** Toolchain facts recorded in build-info.json. */
export interface ToolchainInfo {
  rustc: string;
  cargo: string;
  wasmLd: string;
  debianPackages: Record<string, string>;
}

function installedVersion(pkg: string): string | undefined {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Version}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout !== "" ? r.stdout : undefined;
}

/** Checks the pinned Debian toolchain is installed and returns its versions. */
export function checkToolchain(): ToolchainInfo {
  const apt = `apt-get install -y ${Object.entries(PINNED_DEBIAN_PACKAGES)
    .map(([p, v]) => `${p}=${v}`)
    .join(" ")}`;
  const debianPackages: Record<string, string> = {};
  for (const [pkg, pinned] of Object.entries(PINNED_DEBIAN_PACKAGES)) {
    const found = installedVersion(pkg);
    if (found !== pinned) {
      throw new ContractBuildError(
        `Debian package ${pkg} is ${found ?? "not installed"}, the contract build is pinned to ${pinned}`,
        `Install the pinned toolchain: ${apt}`,
      );
    }
    debianPackages[pkg] = found;
  }
  return {
    rustc: run(RUSTC, ["--version"]).trim(),
    cargo: run(CARGO, ["--version"]).trim(),
    wasmLd: run(LINKER, ["--version"]).trim(),
    debianPackages,
  };
}

export function cargoEnv(targetDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, RUSTC: RUSTC, RUSTC_BOOTSTRAP: "1", CARGO_TARGET_DIR: targetDir };
  // Flags from the environment would replace the config file's: keep the build hermetic.
  for (const key of ["RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER"]) {
    delete env[key];
  }
  return env;
}

export function cargoHome(): string {
  return process.env.CARGO_HOME ?? join(process.env.HOME ?? "/root", ".cargo");
}

/** The cargo invocation of the WASM build, as recorded in build-info.json. */
export function wasmBuildArgs(home: string): string[] {
  const flags = extraRustflags(home).map((f) => JSON.stringify(f)).join(",");
  return [
    "build",
    "--release",
    "--lib",
    "--locked",
    "--target",
    "wasm32-unknown-unknown",
    "-Z",
    "build-std=std,panic_abort",
    "--config",
    `target.wasm32-unknown-unknown.linker="${LINKER}"`,
    "--config",
    `target.wasm32-unknown-unknown.rustflags=[${flags}]`,
  ];
}

/** Builds the WASM with Debian's rustc-web and returns the raw linker output. */
function buildWasm(targetDir: string): Uint8Array {
  run(CARGO, wasmBuildArgs(cargoHome()), { env: cargoEnv(targetDir), inheritStderr: true });
  const path = join(targetDir, "wasm32-unknown-unknown", "release", `${CRATE_LIB}.wasm`);
  return new Uint8Array(readFileSync(path));
}

/** Runs the crate's export-abi binary natively (same toolchain) and returns the Solidity interface. */
function exportSolidityInterface(targetDir: string): string {
  return run(CARGO, ["run", "--quiet", "--locked", "--features", "export-abi", "--", "abi", "--license", "MIT"], {
    env: cargoEnv(targetDir),
    inheritStderr: true,
  });
}

function cargoLockVersion(name: string): string {
  const lock = readFileSync(join(CRATE_DIR, "Cargo.lock"), "utf8");
  const match = new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(lock);
  return match?.[1] ?? "unknown";
}

function releaseOptLevelIsZ(): boolean {
  const toml = readFileSync(join(CRATE_DIR, "Cargo.toml"), "utf8");
  const release = toml.split("[profile.release]")[1]?.split("\n[")[0] ?? "";
  return /opt-level\s*=\s*"z"/.test(release);
}

/**
 * The build's gate: compresses the processed WASM into deployable code and
 * checks both against Nitro's activation rules (hardhat-stylus's validator).
 * @throws ContractBuildError naming the broken rule.
 */
export function checkStylusProgram(wasm: Uint8Array): { code: Uint8Array; program: StylusProgramInfo } {
  const code = compressStylusProgram(wasm);
  try {
    return { code, program: validateStylusProgram(wasm, { compressedSize: code.length }) };
  } catch (error) {
    if (isStylusValidationError(error)) {
      throw new ContractBuildError(`the WASM breaks Nitro's rules (${error.reason}): ${error.shortMessage}`, error.message);
    }
    throw error;
  }
}

/** The artifacts of one build, by file name. */
export type ArtifactFiles = Record<string, string | Uint8Array>;

/** Facts printed after a build. */
interface BuildSummary {
  wasmSize: number;
  deployedCodeSize: number;
  codeHash: Hex;
}

async function buildArtifacts(targetDir: string): Promise<{ files: ArtifactFiles; summary: BuildSummary }> {
  const toolchain = checkToolchain();
  const rawWasm = buildWasm(targetDir);
  const optLevelZ = releaseOptLevelIsZ();
  const projectHash = computeProjectHash(CRATE_DIR, `${toolchain.cargo}\n`, optLevelZ);
  const wasm = processStylusWasm(rawWasm, hexToBytes(projectHash));
  const { code, program } = checkStylusProgram(wasm);
  const solidity = exportSolidityInterface(targetDir);
  let abi;
  try {
    abi = compileAbi(solidity, `I${CONTRACT}`);
  } catch (error) {
    if (error instanceof SolcCompileError) throw new ContractBuildError(error.shortMessage, error.message);
    throw error;
  }
  const codeHash = keccak256(code);
  const info = {
    contract: CONTRACT,
    crate: `mvp-iot-processor ${cargoLockVersion("mvp-iot-processor")}`,
    stylusSdk: cargoLockVersion("stylus-sdk"),
    wasmSize: wasm.length,
    wasmKeccak256: keccak256(wasm),
    rawLinkerOutputSize: rawWasm.length,
    compressedSize: code.length - 4,
    deployedCodeSize: code.length,
    codeHash,
    projectHash,
    limits: { deployedCodeSize: MAX_COMPRESSED_PROGRAM_SIZE, wasmSize: MAX_UNCOMPRESSED_WASM_SIZE },
    brotli: { quality: 11, window: BROTLI_WINDOW },
    program: {
      imports: program.imports.map((i) => `${i.module}.${i.name}`),
      exports: program.exports.map((e) => e.name),
      functionCount: program.functionCount,
      memoryPages: program.memoryPages,
      usesFloats: program.usesFloats,
    },
    toolchain,
    build: {
      cargo: ["cargo", ...wasmBuildArgs("$CARGO_HOME")],
      env: { RUSTC: RUSTC, RUSTC_BOOTSTRAP: "1" },
      optLevel: optLevelZ ? "z" : "s",
    },
  };
  const abiJson = `${JSON.stringify(abi, null, 2)}\n`;
  const files: ArtifactFiles = {
    [`${CONTRACT}.wasm`]: wasm,
    [`${CONTRACT}.deployed.hex`]: `${bytesToHex(code)}\n`,
    [`${CONTRACT}.abi.json`]: abiJson,
    "abi.ts": [
      "// GENERATED by scripts/build-contract.ts from `cargo run --features export-abi`",
      "// (contracts-stylus/), compiled to a JSON ABI with solc. Do not edit.",
      `export const mvpIoTProcessorAbi = ${JSON.stringify(abi, null, 2)} as const;`,
      "",
    ].join("\n"),
    [`I${CONTRACT}.sol`]: solidity,
    "build-info.json": `${JSON.stringify(info, null, 2)}\n`,
  };
  return { files, summary: { wasmSize: wasm.length, deployedCodeSize: code.length, codeHash } };
}

function bytesOf(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? new TextEncoder().encode(content) : content;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Names of the files whose committed bytes differ from `files` (missing files included). */
export function differingArtifacts(files: ArtifactFiles, dir: string): string[] {
  return Object.entries(files)
    .filter(([name, content]) => {
      const path = join(dir, name);
      return !existsSync(path) || !sameBytes(new Uint8Array(readFileSync(path)), bytesOf(content));
    })
    .map(([name]) => name);
}

function printSizes(summary: BuildSummary): void {
  const pct = ((summary.deployedCodeSize / MAX_COMPRESSED_PROGRAM_SIZE) * 100).toFixed(1);
  console.log(
    `${CONTRACT}: wasm ${summary.wasmSize} bytes (limit ${MAX_UNCOMPRESSED_WASM_SIZE}), ` +
      `deployed code ${summary.deployedCodeSize} bytes = EF F0 00 00 + brotli ${summary.deployedCodeSize - 4} ` +
      `(${pct}% of ${MAX_COMPRESSED_PROGRAM_SIZE}), code hash ${summary.codeHash}`,
  );
}

function parseArgs(argv: string[]): { check: boolean; targetDir?: string } {
  let check = false;
  let targetDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--check") check = true;
    else if (arg === "--target-dir" && argv[i + 1] !== undefined) targetDir = argv[++i];
    else throw new ContractBuildError(`unknown argument ${arg}`, "Usage: build-contract.ts [--check] [--target-dir DIR]");
  }
  return targetDir === undefined ? { check } : { check, targetDir };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  if (args.check) {
    const temp = mkdtempSync(join(tmpdir(), "lcore-contract-build-"));
    try {
      const { files, summary } = await buildArtifacts(args.targetDir ?? join(temp, "target"));
      printSizes(summary);
      const differing = differingArtifacts(files, ARTIFACTS_DIR);
      if (differing.length > 0) {
        console.error(
          `contract artifacts differ from a fresh build: ${differing.join(", ")}; ` +
            "run `node --import tsx scripts/build-contract.ts` and commit contracts-stylus/artifacts/",
        );
        process.exitCode = 1;
        return;
      }
      console.log(`contract artifacts match a fresh build (${Object.keys(files).length} files, ${Math.round((Date.now() - started) / 1000)} s)`);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    return;
  }
  const { files, summary } = await buildArtifacts(args.targetDir ?? join(CRATE_DIR, "target", "wasm"));
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(ARTIFACTS_DIR, name), content);
  }
  printSizes(summary);
  console.log(`wrote ${Object.keys(files).length} files to contracts-stylus/artifacts/ in ${Math.round((Date.now() - started) / 1000)} s`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    if (error instanceof ContractBuildError) {
      console.error(`build-contract: ${error.shortMessage}`);
      if (error.message !== error.shortMessage) console.error(error.message.slice(error.shortMessage.length + 1));
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  });
}
