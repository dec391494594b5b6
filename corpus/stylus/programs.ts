// The corpus of Stylus programs (issue 9): one entry per crate under
// corpus/stylus/<dir>/, each built alone (scripts/build-corpus.ts) into
// corpus/stylus/<dir>/artifacts/. Shared by the build script and the loader.

/** One program of the corpus. */
export interface CorpusProgram {
  /** Folder under corpus/stylus/ (also the name the tests use). */
  readonly dir: CorpusProgramName;
  /** Cargo package name. */
  readonly crate: string;
  /** Name of the linker output (the crate name with `_`). */
  readonly lib: string;
  /** Artifact base name. */
  readonly contract: string;
  /** The Solidity interface (contracts/corpus/) the program implements. */
  readonly solidityInterface: string;
  /**
   * Whether a clean build gives the committed bytes. False for `nft`: compiling
   * openzeppelin-stylus 0.3.0 gives different (same-size) WASM from one clean
   * build to the next, while rebuilding only the program's own crate does not
   * (likely the HashMap its `#[interface_id]` macro iterates). `--check` then
   * rebuilds and validates the program but does not compare bytes.
   */
  readonly reproducible?: false;
}

export type CorpusProgramName = "counter" | "caller" | "reentrancy" | "nft" | "verifier" | "deployer" | "proxy";

export const CORPUS_PROGRAMS: readonly CorpusProgram[] = [
  { dir: "counter", crate: "corpus-counter", lib: "corpus_counter", contract: "CorpusCounter", solidityInterface: "ICorpusCounter" },
  { dir: "caller", crate: "corpus-caller", lib: "corpus_caller", contract: "CorpusCaller", solidityInterface: "ICorpusCaller" },
  { dir: "reentrancy", crate: "corpus-reentrancy", lib: "corpus_reentrancy", contract: "CorpusReentrancy", solidityInterface: "ICorpusReentrancy" },
  { dir: "nft", crate: "corpus-nft", lib: "corpus_nft", contract: "CorpusNft", solidityInterface: "ICorpusNft", reproducible: false },
  { dir: "verifier", crate: "corpus-verifier", lib: "corpus_verifier", contract: "CorpusVerifier", solidityInterface: "ICorpusVerifier" },
  { dir: "deployer", crate: "corpus-deployer", lib: "corpus_deployer", contract: "CorpusDeployer", solidityInterface: "ICorpusDeployer" },
  { dir: "proxy", crate: "corpus-proxy", lib: "corpus_proxy", contract: "CorpusStylusProxy", solidityInterface: "ICorpusCounter" },
];
