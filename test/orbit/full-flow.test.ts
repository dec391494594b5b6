// The whole KC-Chain flow on the local pair, as a user runs it with the
// workspace's tasks: register the child from its rollup (through fund's
// parent variables), bring ETH over from the parent (fund --from-parent),
// deploy the processor (deploy prints the parent-chain share) and run the
// stress workloads in both commit modes, whose reports carry the cost per
// workload split into L2 execution gas and parent-chain gas, in JSON, CSV
// and HTML. Set LCORE_ORBIT_COST_TABLE=1 to print the cost table.
import type { NetworkConnection } from "hardhat/types/network";
import type { Hex } from "viem";

import { expect } from "chai";
import hre from "hardhat";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseEther } from "viem";

import type { DeployProcessorReturnType } from "../../tasks/deploy/deploy-processor.js";
import type { ParentFundingResult } from "../../tasks/fund/from-parent.js";
import type { RunStressReturnType } from "../../tasks/stress/engine/run-stress.js";

import { FUNDER, usePairOnDefaultNetwork } from "./helpers/pair-on-default-network.js";
import { WORKLOADS } from "../../tasks/stress/metrics/recorder.js";

process.env.LCORE_TASKS_SILENT = "1";


describe("orbit: register, deposit, deploy and stress on the local pair with the cost split", function () {
  this.timeout(300_000);
  let child: NetworkConnection;
  let dir: string;
  const orbit = usePairOnDefaultNetwork(parseEther("1"));
  const reports: RunStressReturnType[] = [];

  before(async function () {
    ({ child } = orbit());
    dir = await mkdtemp(join(tmpdir(), "orbit-flow-"));
  });

  it("funds the wallet set from the parent chain: the deposit is credited on the child", async function () {
    const result = (await hre.tasks.getTask("fund").run({ fromParent: true, target: "20", threshold: "19", funderReserve: "5", timeout: 30 })) as ParentFundingResult;
    expect(result.deposited).to.have.length(1);
    const balance = BigInt((await child.provider.request({ method: "eth_getBalance", params: [FUNDER, "latest"] })) as Hex);
    expect(balance > 0n, "the funder kept the deposit's rest").to.equal(true);
    for (const b of result.fund.balances) expect(b.balance >= parseEther("20")).to.equal(true);
  });

  it("deploys the processor and shows each transaction's parent-chain share", async function () {
    const result = (await hre.tasks.getTask("deploy").run({ build: "never", redeploy: true, deployments: join(dir, "deployments") })) as DeployProcessorReturnType;
    expect(result.steps.some((s) => s.step === "deploy")).to.equal(true);
    expect(result.parentChainGas > 0n, "deploying posts data to the parent chain").to.equal(true);
    expect(result.parentChainWei > 0n).to.equal(true);
  });

  for (const commit of ["batch", "proof"] as const) {
    it(`runs the stress workloads with --commit ${commit}; the report splits each workload's cost`, async function () {
      const run = (await hre.tasks.getTask("stress").run({
        plain: true,
        port: 0,
        profile: "max",
        duration: 4,
        devices: 3,
        concurrency: 2,
        batchSize: 4,
        commit,
        deployments: join(dir, "deployments"),
        report: join(dir, `${commit}.json`),
      })) as RunStressReturnType;
      reports.push(run);
      const costs = run.report.costs!;
      expect(costs.commit_mode).to.equal(commit);
      for (const w of WORKLOADS) {
        const c = costs.workloads[w];
        if (run.report.workloads[w].confirmed === 0) continue;
        expect(BigInt(c.execution_gas) > 0n, `${w} execution gas`).to.equal(true);
        expect(BigInt(c.parent_chain_gas) > 0n, `${w} parent-chain gas`).to.equal(true);
        expect(c.fee_eth > 0 && c.eth_per_operation > 0, `${w} fee`).to.equal(true);
        expect(c.parent_chain_fee_eth > 0 && c.parent_chain_fee_eth < c.fee_eth, `${w} parent-chain fee is part of the fee`).to.equal(true);
        // The receipts' gasUsedForL1 once the chain adds it, NodeInterface until then; never "none".
        expect(c.source).to.be.oneOf(["receipt", "node-interface"]);
      }
      expect(costs.eth_per_reading > 0, "ETH per reading").to.equal(true);
      expect(costs.workloads.iot_readings.parent_chain_share > 0).to.equal(true);
      const json = JSON.parse(await readFile(run.files.json, "utf8")) as { costs: { workloads: Record<string, { parent_chain_gas: string }> } };
      expect(BigInt(json.costs.workloads.iot_readings!.parent_chain_gas) > 0n).to.equal(true);
      const csv = (await readFile(run.files.costs, "utf8")).trim().split("\n");
      expect(csv[0]).to.equal("commit_mode,workload,transactions,operations,execution_gas,parent_chain_gas,parent_chain_fee_eth,fee_eth,eth_per_operation,parent_chain_share,sampled,source");
      expect(csv.slice(1).map((l) => l.split(",")[0])).to.deep.equal(WORKLOADS.map(() => commit));
      const html = await readFile(run.files.html, "utf8");
      expect(html).to.include(`Cost on chain (commit mode ${commit})`);
    });
  }

  it("per reading, batches cost less than one commit per reading", function () {
    const [batch, proof] = reports.map((r) => r.report.costs!.eth_per_reading);
    expect(batch! < proof!, `batch ${batch} vs proof ${proof}`).to.equal(true);
    if (process.env.LCORE_ORBIT_COST_TABLE === "1") {
      const lines = ["| commit mode | workload | tx | ops | L2 execution gas | parent-chain gas | parent-chain fee (ETH) | fee (ETH) | ETH per op | parent share |", "|---|---|---|---|---|---|---|---|---|---|"];
      for (const r of reports) {
        const costs = r.report.costs!;
        for (const w of WORKLOADS) {
          const c = costs.workloads[w];
          lines.push(`| ${costs.commit_mode} | ${w} | ${c.transactions} | ${c.operations} | ${c.execution_gas} | ${c.parent_chain_gas} | ${c.parent_chain_fee_eth.toPrecision(4)} | ${c.fee_eth.toPrecision(4)} | ${c.eth_per_operation.toPrecision(4)} | ${(c.parent_chain_share * 100).toFixed(1)} % |`);
        }
      }
      console.log(lines.join("\n"));
    }
  });
});
