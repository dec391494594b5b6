// Stress engine pieces without a chain: pacing, the wallet pool, options and profiles.
import { expect } from "chai";

import { WalletPool } from "../../../tasks/stress/engine/chain-sender.js";
import { pace } from "../../../tasks/stress/engine/pacer.js";
import { pacingFor, parseStressOptions, type StressActionArguments } from "../../../tasks/stress/options.js";
import { randomAmount, seededRandom } from "../../../tasks/stress/workloads/workload-env.js";
import { deriveWalletSet, DEFAULT_ROLE_COUNTS, HARDHAT_TEST_MNEMONIC, parseRoleCounts } from "../../../tasks/shared/wallet-set.js";
import { expectTaskError } from "../helpers.js";

const defaults: StressActionArguments = {
  profile: "seed", duration: 60, devices: 15, concurrency: 4, port: 9464, commit: "batch", batchSize: 32, report: "", csv: "", html: "",
  backend: "auto", deployments: "", seed: 1, minTps: "", strict: false, plain: false, noFund: false,
};

describe("tasks/stress engine", () => {
  it("runs back-to-back workers until the operation budget is spent", async () => {
    const seen: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    await pace({ signal: new AbortController().signal, intervalMs: 0, concurrency: 3, maxOperations: 10 }, async (n) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      seen.push(n);
      inFlight--;
    });
    expect(seen.sort((a, b) => a - b)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxInFlight).to.equal(3);
  });

  it("stops an interval loop on abort and swallows operation errors", async () => {
    const controller = new AbortController();
    let calls = 0;
    const done = pace({ signal: controller.signal, intervalMs: 10, concurrency: 1 }, async () => {
      calls++;
      if (calls === 2) controller.abort();
      throw new Error("recorded by the workload, not here");
    });
    await done;
    expect(calls).to.be.at.least(2);
  });

  it("hands each wallet to one user at a time", async () => {
    const pool = new WalletPool(["a", "b"]);
    const first = await pool.acquire();
    const second = await pool.acquire();
    let third: string | undefined;
    const waiting = pool.acquire().then((w) => (third = w));
    expect(third).to.equal(undefined);
    pool.release(first);
    await waiting;
    expect(third).to.equal(first);
    pool.release(second);
    expect(await pool.with(async (w) => w)).to.equal(second);
  });

  it("checks options and resolves report files beside each other", () => {
    const o = parseStressOptions({ ...defaults, report: "out/run.json" }, "/root");
    expect(o.reportFile).to.equal("/root/out/run.json");
    expect(o.csvFile).to.equal("/root/out/run.csv");
    expect(o.htmlFile).to.equal("/root/out/run.html");
    expect(pacingFor("seed")).to.include({ paymentsMs: 500, settlementsMs: 1_000, loansMs: 2_000, registrationMs: 10_000, readingsMs: 5_000 });
    expect(pacingFor("max").paymentsMs).to.equal(0);
  });

  it("refuses out-of-range options", async () => {
    await expectTaskError(Promise.resolve().then(() => parseStressOptions({ ...defaults, concurrency: 0 }, "/")), /--concurrency 0 is out of range/);
    await expectTaskError(Promise.resolve().then(() => parseStressOptions({ ...defaults, minTps: "fast" }, "/")), /--min-tps "fast"/);
    await expectTaskError(Promise.resolve().then(() => parseStressOptions({ ...defaults, backend: "cloud" }, "/")), /--backend "cloud"/);
  });

  it("derives the same wallets from the same mnemonic, one index range per role", () => {
    const a = deriveWalletSet(HARDHAT_TEST_MNEMONIC, DEFAULT_ROLE_COUNTS, "hardhat-test-mnemonic");
    const b = deriveWalletSet(HARDHAT_TEST_MNEMONIC, parseRoleCounts(""), "hardhat-test-mnemonic");
    expect(a.wallets.map((w) => w.address)).to.deep.equal(b.wallets.map((w) => w.address));
    expect(a.wallets).to.have.length(25);
    expect(a.byRole("merchant")[0]!.path).to.equal("m/44'/60'/0'/0/200");
    expect(new Set(a.wallets.map((w) => w.address)).size).to.equal(25);
    expect(parseRoleCounts("merchant=7").merchant).to.equal(7);
  });

  it("draws repeatable amounts within bounds", () => {
    const r1 = seededRandom(7);
    const r2 = seededRandom(7);
    for (let i = 0; i < 50; i++) {
      const x = randomAmount(r1, 100n, 1000n);
      expect(x).to.equal(randomAmount(r2, 100n, 1000n));
      expect(x >= 100n && x <= 1000n).to.equal(true);
    }
  });
});
