// Builds the corpus of Stylus programs (corpus/stylus/<name>/, listed in
// corpus/stylus/programs.ts) with the contract's toolchain and recipe
// (scripts/build-contract.ts, docs/contract-build.md) and writes each one's
// committed artifacts to corpus/stylus/<name>/artifacts/: the processed WASM,
// the deployable code and build-info.json (sizes, sha256 + keccak256, crate
// versions, toolchain, cargo command). One cargo invocation per program, so
// features never unify across programs; all share one target folder.
//
//   node --import tsx scripts/build-corpus.ts [name...]          build (all or some)
//   node --import tsx scripts/build-corpus.ts --check [name...]  rebuild in a temp target, fail on any byte difference
//   node --import tsx scripts/build-corpus.ts --check-hashes     seconds, no Rust: sources, WASM, deployed code
//                                                                and build-info.json agree with each other
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { bytesToHex, hexToBytes, keccak256, type Hex } from "viem";

import { CORPUS_PROGRAMS, type CorpusProgram } from "../corpus/stylus/programs.js";
import { compressStylusProgram } from "../hardhat-stylus/src/internal/wasm/program-format.js";
import { MAX_COMPRESSED_PROGRAM_SIZE, MAX_UNCOMPRESSED_WASM_SIZE } from "../hardhat-stylus/src/internal/wasm/validate.js";
import {
  cargoEnv,
  cargoHome,
  checkStylusProgram,
  checkToolchain,
  ContractBuildError,
  differingArtifacts,
  run,
  wasmBuildArgs,
  type ArtifactFiles,
  type ToolchainInfo,
} from "./build-contract.js";
import { computeProjectHash, processStylusWasm } from "./contract-wasm.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CORPUS_DIR = join(ROOT, "corpus", "stylus");
const CARGO = "/usr/bin/cargo";

const sha256 = (bytes: Uint8Array): Hex => `0x${createHash("sha256").update(bytes).digest("hex")}`;

const crateDir = (p: CorpusProgram, root = CORPUS_DIR): string => join(root, p.dir);
const artifactsDir = (p: CorpusProgram, root = CORPUS_DIR): string => join(crateDir(p, root), "artifacts");

/** build-info.json of one corpus program. */
export interface CorpusBuildInfo {
  program: string;
  crate: string;
  crates: Record<string, string>;
  wasmSize: number;
  wasmSha256: Hex;
  wasmKeccak256: Hex;
  rawLinkerOutputSize: number;
  deployedCodeSize: number;
  deployedSha256: Hex;
  /** keccak256 of the deployed code (the key of ArbWasm activation). */
  codeHash: Hex;
  projectHash: Hex;
  limits: { deployedCodeSize: number; wasmSize: number };
  /** What Nitro's activation sees: the WASM's imports, functions and memory. */
  wasm: { imports: string[]; functionCount: number; memoryPages: number };
  toolchain: ToolchainInfo;
  build: { cargo: string[]; env: Record<string, string>; optLevel: "z" };
}

/** Versions of the crates a program is built from, read from its Cargo.lock. */
function lockedVersions(p: CorpusProgram): Record<string, string> {
  const lock = readFileSync(join(crateDir(p), "Cargo.lock"), "utf8");
  const versions: Record<string, string> = {};
  for (const name of [p.crate, "stylus-sdk", "openzeppelin-stylus", "alloy-primitives", "alloy-sol-types"]) {
    const match = new RegExp(`name = "${name}"\\nversion = "([^"]+)"`).exec(lock);
    if (match?.[1] !== undefined) versions[name] = match[1];
  }
  return versions;
}

function buildArgs(p: CorpusProgram, home: string): string[] {
  return [...wasmBuildArgs(home), "-p", p.crate];
}

function buildProgram(p: CorpusProgram, toolchain: ToolchainInfo, targetDir: string): { files: ArtifactFiles; info: CorpusBuildInfo } {
  run(CARGO, buildArgs(p, cargoHome()), { cwd: crateDir(p), env: cargoEnv(targetDir), inheritStderr: true });
  const rawWasm = new Uint8Array(readFileSync(join(targetDir, "wasm32-unknown-unknown", "release", `${p.lib}.wasm`)));
  const projectHash = computeProjectHash(crateDir(p), `${toolchain.cargo}\n`, true);
  const wasm = processStylusWasm(rawWasm, hexToBytes(projectHash));
  const { code, program } = checkStylusProgram(wasm);
  const crates = lockedVersions(p);
  const info: CorpusBuildInfo = {
    program: p.contract,
    crate: `${p.crate} ${crates[p.crate] ?? "unknown"}`,
    crates,
    wasmSize: wasm.length,
    wasmSha256: sha256(wasm),
    wasmKeccak256: keccak256(wasm),
    rawLinkerOutputSize: rawWasm.length,
    deployedCodeSize: code.length,
    deployedSha256: sha256(code),
    codeHash: keccak256(code),
    projectHash,
    limits: { deployedCodeSize: MAX_COMPRESSED_PROGRAM_SIZE, wasmSize: MAX_UNCOMPRESSED_WASM_SIZE },
    wasm: {
      imports: program.imports.map((i) => `${i.module}.${i.name}`),
      functionCount: program.functionCount,
      memoryPages: program.memoryPages,
    },
    toolchain,
    build: { cargo: ["cargo", ...buildArgs(p, "$CARGO_HOME")], env: { RUSTC: "/usr/bin/rustc", RUSTC_BOOTSTRAP: "1" }, optLevel: "z" },
  };
  const files: ArtifactFiles = {
    [`${p.contract}.wasm`]: wasm,
    [`${p.contract}.deployed.hex`]: `${bytesToHex(code)}\n`,
    "build-info.json": `${JSON.stringify(info, null, 2)}\n`,
  };
  return { files, info };
}

/**
 * The fast check: without Rust, confirms that the committed sources, WASM,
 * deployed code and build-info.json of `p` agree (the project hash covers every
 * `.rs`, `Cargo.toml` and `Cargo.lock` of the crate, so a source edited without
 * a rebuild fails here). Returns the problems found, empty when none.
 */
export function checkCommittedHashes(p: CorpusProgram, root = CORPUS_DIR): string[] {
  const dir = artifactsDir(p, root);
  const infoPath = join(dir, "build-info.json");
  if (!existsSync(infoPath)) return [`${p.dir}: no build-info.json; run the build`];
  const info = JSON.parse(readFileSync(infoPath, "utf8")) as CorpusBuildInfo;
  const problems: string[] = [];
  const wasm = new Uint8Array(readFileSync(join(dir, `${p.contract}.wasm`)));
  const deployed = hexToBytes(readFileSync(join(dir, `${p.contract}.deployed.hex`), "utf8").trim() as Hex);
  const projectHash = computeProjectHash(crateDir(p, root), `${info.toolchain.cargo}\n`, true);
  if (projectHash !== info.projectHash) problems.push(`${p.dir}: sources changed since the build (project hash ${projectHash} != ${info.projectHash})`);
  if (sha256(wasm) !== info.wasmSha256) problems.push(`${p.dir}: ${p.contract}.wasm sha256 differs from build-info.json`);
  if (sha256(deployed) !== info.deployedSha256) problems.push(`${p.dir}: ${p.contract}.deployed.hex sha256 differs from build-info.json`);
  if (keccak256(deployed) !== info.codeHash) problems.push(`${p.dir}: code hash differs from build-info.json`);
  if (bytesToHex(compressStylusProgram(wasm)) !== bytesToHex(deployed)) problems.push(`${p.dir}: deployed code is not EF F0 00 00 + brotli(wasm)`);
  const embedded = bytesToHex(wasm.slice(wasm.length - 32));
  if (embedded !== info.projectHash) problems.push(`${p.dir}: the WASM's project_hash section is not build-info's`);
  try {
    checkStylusProgram(wasm);
  } catch (error) {
    problems.push(`${p.dir}: ${error instanceof ContractBuildError ? error.shortMessage : String(error)}`);
  }
  return problems;
}

function printSize(info: CorpusBuildInfo): void {
  const pct = ((info.deployedCodeSize / MAX_COMPRESSED_PROGRAM_SIZE) * 100).toFixed(1);
  console.log(`${info.program}: wasm ${info.wasmSize} bytes, deployed ${info.deployedCodeSize} bytes (${pct}% of ${MAX_COMPRESSED_PROGRAM_SIZE}), code hash ${info.codeHash}`);
}

function parseArgs(argv: string[]): { mode: "build" | "check" | "check-hashes"; programs: CorpusProgram[]; targetDir?: string } {
  let mode: "build" | "check" | "check-hashes" = "build";
  let targetDir: string | undefined;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--check") mode = "check";
    else if (arg === "--check-hashes") mode = "check-hashes";
    else if (arg === "--target-dir" && argv[i + 1] !== undefined) targetDir = argv[++i];
    else if (!arg.startsWith("-")) names.push(arg);
    else throw new ContractBuildError(`unknown argument ${arg}`, "Usage: build-corpus.ts [--check | --check-hashes] [--target-dir DIR] [program...]");
  }
  const unknown = names.filter((n) => !CORPUS_PROGRAMS.some((p) => p.dir === n));
  if (unknown.length > 0) {
    throw new ContractBuildError(`unknown program ${unknown.join(", ")}`, `Programs: ${CORPUS_PROGRAMS.map((p) => p.dir).join(", ")}`);
  }
  const programs = names.length === 0 ? [...CORPUS_PROGRAMS] : CORPUS_PROGRAMS.filter((p) => names.includes(p.dir));
  return targetDir === undefined ? { mode, programs } : { mode, programs, targetDir };
}

function main(): void {
  const args = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 1000);
  if (args.mode === "check-hashes") {
    const problems = args.programs.flatMap((p) => checkCommittedHashes(p));
    if (problems.length > 0) {
      for (const p of problems) console.error(p);
      console.error("run `npm run build:corpus` and commit corpus/stylus/*/artifacts/");
      process.exitCode = 1;
      return;
    }
    console.log(`corpus artifacts agree with their sources and build-info (${args.programs.length} programs, ${seconds()} s)`);
    return;
  }
  const toolchain = checkToolchain();
  if (args.mode === "check") {
    const temp = mkdtempSync(join(tmpdir(), "lcore-corpus-build-"));
    try {
      const differing: string[] = [];
      for (const p of args.programs) {
        const { files, info } = buildProgram(p, toolchain, args.targetDir ?? join(temp, "target"));
        printSize(info);
        if (p.reproducible === false) {
          // Built and validated above; its bytes vary between clean builds (corpus/stylus/programs.ts).
          console.log(`${p.dir}: not byte-reproducible from a clean build (known); built and validated, bytes not compared`);
          continue;
        }
        differing.push(...differingArtifacts(files, artifactsDir(p)).map((f) => `${p.dir}/artifacts/${f}`));
      }
      if (differing.length > 0) {
        console.error(`corpus artifacts differ from a fresh build: ${differing.join(", ")}; run \`npm run build:corpus\` and commit them`);
        process.exitCode = 1;
        return;
      }
      console.log(`corpus artifacts match a fresh build (${args.programs.length} programs, ${seconds()} s)`);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
    return;
  }
  for (const p of args.programs) {
    const { files, info } = buildProgram(p, toolchain, args.targetDir ?? join(CORPUS_DIR, "target", "wasm"));
    mkdirSync(artifactsDir(p), { recursive: true });
    for (const [name, content] of Object.entries(files)) writeFileSync(join(artifactsDir(p), name), content);
    printSize(info);
  }
  console.log(`built ${args.programs.length} corpus programs in ${seconds()} s`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    main();
  } catch (error: unknown) {
    if (error instanceof ContractBuildError) {
      console.error(`build-corpus: ${error.shortMessage}`);
      if (error.message !== error.shortMessage) console.error(error.message.slice(error.shortMessage.length + 1));
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}
