// The fund task on the in-process network: plan, top-up only, dry run, CSV, errors.
import { expect } from "chai";
import hre from "hardhat";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FundResult } from "../../tasks/fund/task-action.js";

import { expectTaskError } from "./helpers.js";

process.env.LCORE_TASKS_SILENT = "1";

const fund = (args: Record<string, unknown>) => hre.tasks.getTask("fund").run(args) as Promise<FundResult>;

describe("tasks/fund", () => {
  it("dry run prints a plan and sends nothing", async () => {
    const result = await fund({ dryRun: true, counts: "payment_user=2,merchant=1,lender=0,borrower=0,iot_device=0,iot_operator=0", target: "123" });
    expect(result.dryRun).to.equal(true);
    expect(result.sent).to.have.length(0);
    expect(result.plan).to.have.length(3);
    expect(result.keySource).to.equal("hardhat-test-mnemonic");
    for (const row of result.plan) expect(row.topUp).to.equal(123n * 10n ** 18n - row.balance);
  });

  it("tops wallets up to the target, then sends nothing on a second run", async () => {
    const first = await fund({ target: "3" });
    expect(first.plan).to.have.length(25);
    for (const b of first.balances) expect(b.balance >= first.threshold).to.equal(true);
    const second = await fund({ target: "3" });
    expect(second.sent).to.have.length(0);
    expect(second.totalTopUp).to.equal(0n);
  });

  it("tops up only wallets below the threshold", async () => {
    const result = await fund({ target: "6", threshold: "4", counts: "payment_user=1,merchant=0,lender=0,borrower=0,iot_device=0,iot_operator=0" });
    const row = result.plan[0]!;
    if (row.balance < 4n * 10n ** 18n) expect(result.sent).to.have.length(1);
    else expect(result.sent).to.have.length(0);
  });

  it("exports the public wallet list with the predecessor's columns and no keys", async () => {
    const dir = await mkdtemp(join(tmpdir(), "fund-"));
    const file = join(dir, "wallets.csv");
    await fund({ dryRun: true, csv: file });
    const lines = (await readFile(file, "utf8")).trim().split("\n");
    expect(lines[0]).to.equal("address,private_key,wallet_type,label,balance_eth,nonce,total_transactions,total_gas_used,created_at");
    expect(lines).to.have.length(26);
    for (const line of lines.slice(1)) expect(line.split(",")[1]).to.equal("");
  });

  it("fails with one clear line on a bad amount or role", async () => {
    await expectTaskError(fund({ target: "lots" }), /--target "lots" is not an ETH amount/);
    await expectTaskError(fund({ counts: "pilot=3" }), /bad --counts entry "pilot=3"/);
    await expectTaskError(fund({ target: "1", threshold: "2" }), /--threshold .* is above --target/);
  });
});

