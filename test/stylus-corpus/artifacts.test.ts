// The committed corpus builds agree with their sources (the fast check CI runs,
// `npm run build:corpus -- --check-hashes`), and that check notices a source
// edited without a rebuild and a committed file changed by hand.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { expect } from "chai";

import { CORPUS_PROGRAMS } from "../../corpus/stylus/programs.js";
import { checkCommittedHashes } from "../../scripts/build-corpus.js";

const corpusDir = fileURLToPath(new URL("../../corpus/stylus/", import.meta.url));

describe("stylus corpus artifacts", () => {
  for (const p of CORPUS_PROGRAMS) {
    it(`${p.dir}: sources, WASM, deployed code and build-info.json agree`, () => {
      expect(checkCommittedHashes(p)).to.deep.equal([]);
    });
  }

  describe("the hash check on a copy", () => {
    const counter = CORPUS_PROGRAMS.find((p) => p.dir === "counter")!;
    let root: string;
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), "lcore-corpus-check-"));
      cpSync(join(corpusDir, "counter"), join(root, "counter"), {
        recursive: true,
        filter: (src) => !src.includes(`${join("counter", "target")}`),
      });
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it("passes on an unchanged copy", () => {
      expect(checkCommittedHashes(counter, root)).to.deep.equal([]);
    });

    it("fails when a source changed without a rebuild", () => {
      const lib = join(root, "counter", "src", "lib.rs");
      writeFileSync(lib, `${readFileSync(lib, "utf8")}\n// edited\n`);
      const problems = checkCommittedHashes(counter, root);
      expect(problems.join("\n")).to.match(/sources changed since the build/);
    });

    it("fails when the committed WASM was changed by hand", () => {
      const wasmPath = join(root, "counter", "artifacts", `${counter.contract}.wasm`);
      const wasm = readFileSync(wasmPath);
      wasm[100] = wasm[100]! ^ 0xff;
      writeFileSync(wasmPath, wasm);
      const problems = checkCommittedHashes(counter, root).join("\n");
      expect(problems).to.match(/\.wasm sha256 differs/);
      expect(problems).to.match(/not EF F0 00 00 \+ brotli\(wasm\)/);
    });
  });
});
