// The corpus suite (issue 9, deliverable 6): every case of cases/*.ts runs on
// the in-process network, over HTTP against a served `hardhat node`, and on an
// in-process fork of that node (contracts deployed on the node before the
// fork). Cases listed in pending-engine.ts are marked pending with their
// reason; CORPUS_RUN_PENDING=1 runs them too. Every other case must pass.
//
// Run alone: bash scripts/with-node.sh hardhat test mocha test/stylus-corpus/corpus.test.ts
import { expect } from "chai";

import { CORPUS_PROGRAMS, loadCorpusProgram } from "../../corpus/stylus/index.js";
import { callCases, transferCases } from "./cases/calls.js";
import { counterCases } from "./cases/counter.js";
import { nftCases } from "./cases/nft.js";
import { factoryCases, proxyCases } from "./cases/proxy-factory.js";
import { reentrancyCases } from "./cases/reentrancy.js";
import { verifierCases } from "./cases/verifier.js";
import type { CorpusCase } from "./helpers/corpus-case.js";
import { CORPUS_MODES, openCorpusMode, sharedServedNode, type CorpusEnvironment, type CorpusTools } from "./helpers/corpus-env.js";
import { PENDING_ENGINE, pendingReason } from "./pending-engine.js";

const CASES: readonly CorpusCase<unknown>[] = [
  ...counterCases,
  ...callCases,
  ...transferCases,
  ...proxyCases,
  ...factoryCases,
  ...nftCases,
  ...reentrancyCases,
  ...verifierCases,
];
const runPending = process.env.CORPUS_RUN_PENDING === "1";

describe("stylus corpus", function () {
  this.timeout(600_000);
  const served = sharedServedNode();
  after(async () => await served.stop());

  it("lists each case once and pends only cases that exist", () => {
    const names = CASES.map((c) => c.name);
    expect(new Set(names).size, "case names are unique").to.equal(names.length);
    for (const name of Object.keys(PENDING_ENGINE)) expect(names, `pending-engine.ts names ${name}`).to.include(name);
  });

  it("loads every committed program within Nitro's size limit", () => {
    for (const p of CORPUS_PROGRAMS) {
      const artifact = loadCorpusProgram(p.dir);
      expect(artifact.deployedCode.slice(0, 10), p.dir).to.equal("0xeff00000");
      expect(artifact.deployedCodeSize, p.dir).to.be.at.most(24_576);
    }
  });

  for (const mode of CORPUS_MODES) {
    describe(mode, function () {
      let env: CorpusEnvironment | undefined;
      let tools: CorpusTools | undefined;
      const fixtures = new Map<string, { ok: true; value: unknown } | { ok: false; error: unknown }>();
      const active = CASES.filter((c) => runPending || pendingReason(c.name, mode) === undefined);

      before(async function () {
        env = await openCorpusMode(mode, served.get);
        // A failed setup fails its own case only, with the setup's error.
        for (const c of active) {
          try {
            fixtures.set(c.name, { ok: true, value: await c.setup(env.deployer) });
          } catch (error) {
            fixtures.set(c.name, { ok: false, error });
          }
        }
        tools = await env.runTools();
      });
      after(async () => await env?.close());

      for (const c of CASES) {
        const reason = pendingReason(c.name, mode);
        if (reason !== undefined && !runPending) {
          it(`${c.name}: ${c.title} [pending engine: ${reason}]`);
          continue;
        }
        it(`${c.name}: ${c.title}`, async () => {
          const fixture = fixtures.get(c.name);
          if (fixture === undefined) throw new Error(`${c.name}: no setup ran (the mode's before hook failed)`);
          if (!fixture.ok) throw fixture.error;
          await c.check(tools!, fixture.value);
        });
      }
    });
  }
});
