// Loader for the committed builds of the corpus programs
// (corpus/stylus/<name>/artifacts/, written by scripts/build-corpus.ts): the
// processed WASM and the deployable code, checked against build-info.json.
// Needs no Rust toolchain.
import { readFileSync } from "node:fs";

import { keccak256, type Hex } from "viem";

import { CORPUS_PROGRAMS, type CorpusProgram, type CorpusProgramName } from "./programs.js";

export { CORPUS_PROGRAMS, type CorpusProgram, type CorpusProgramName } from "./programs.js";

/** One committed corpus program. */
export interface CorpusProgramArtifact {
  readonly program: CorpusProgram;
  /** The processed WASM (custom sections stripped, project_hash added). */
  readonly wasm: Uint8Array;
  /** What `eth_getCode` returns: 0xEF F0 00 00 || brotli(wasm). */
  readonly deployedCode: Hex;
  /** keccak256(deployedCode): the key of ArbWasm activation. */
  readonly codeHash: Hex;
  /** Bytes of the deployed code (the 24,576-byte limit applies to it). */
  readonly deployedCodeSize: number;
}

/** Raised when a program's committed files disagree with its build-info.json. */
export class CorpusArtifactError extends Error {
  override name = "CorpusArtifactError";
  constructor(message: string) {
    super(`${message}\nRebuild with \`npm run build:corpus\` (or restore corpus/stylus/*/artifacts/ from git).`);
  }
}

const cache = new Map<CorpusProgramName, CorpusProgramArtifact>();

/**
 * Reads the committed build of `name` and checks the deployed code's keccak256
 * against build-info.json.
 * @throws CorpusArtifactError when the files do not agree.
 */
export function loadCorpusProgram(name: CorpusProgramName): CorpusProgramArtifact {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const program = CORPUS_PROGRAMS.find((p) => p.dir === name);
  if (program === undefined) throw new CorpusArtifactError(`no corpus program named ${name}`);
  const file = (f: string): URL => new URL(`./${name}/artifacts/${f}`, import.meta.url);
  const info = JSON.parse(readFileSync(file("build-info.json"), "utf8")) as { codeHash: Hex; deployedCodeSize: number };
  const deployedCode = readFileSync(file(`${program.contract}.deployed.hex`), "utf8").trim() as Hex;
  const codeHash = keccak256(deployedCode);
  if (codeHash !== info.codeHash) {
    throw new CorpusArtifactError(`${name}: the deployed code's keccak256 ${codeHash} is not build-info.json's ${info.codeHash}`);
  }
  const artifact: CorpusProgramArtifact = {
    program,
    wasm: new Uint8Array(readFileSync(file(`${program.contract}.wasm`))),
    deployedCode,
    codeHash,
    deployedCodeSize: info.deployedCodeSize,
  };
  cache.set(name, artifact);
  return artifact;
}
