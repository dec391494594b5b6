// `fund --from-parent` against the local pair, as a user runs it: the child
// is the in-process default network (the one `npx hardhat fund` opens), the
// parent is reached through DEFAULT_PARENT_RPC_URL with the funder's key.
// Dry run, a deposit that arrives, a re-run that sends nothing, a deposit
// that is late (timeout, then waited for instead of sent twice), and the bad
// inputs: too little on the parent, a parent RPC of the wrong chain, an
// address that is not a rollup, a missing variable.
import type { NetworkConnection } from "hardhat/types/network";
import type { Address, Hex } from "viem";

import { expect } from "chai";
import hre from "hardhat";
import { numberToHex, parseEther } from "viem";

import { runParentFunding, type ParentFundingResult } from "../../tasks/fund/from-parent.js";

import type { LocalOrbitPair } from "../../tasks/orbit/local-pair/local-pair.js";

import { FUNDER, usePairOnDefaultNetwork } from "./helpers/pair-on-default-network.js";
import { serveRpc, type ServedRpc } from "../../tasks/orbit/local-pair/rpc-server.js";
import { expectTaskError } from "../tasks/helpers.js";

process.env.LCORE_TASKS_SILENT = "1";

const COUNTS = "payment_user=2,merchant=0,lender=0,borrower=0,iot_device=0,iot_operator=0";

const fund = (args: Record<string, unknown>) =>
  hre.tasks.getTask("fund").run({ fromParent: true, counts: COUNTS, timeout: 30, ...args }) as Promise<ParentFundingResult>;

describe("orbit: fund --from-parent on the local pair", function () {
  let pair: LocalOrbitPair;
  let child: NetworkConnection;
  const orbit = usePairOnDefaultNetwork(parseEther("0.2"));

  const balanceOn = async (connection: NetworkConnection, address: Address) =>
    BigInt((await connection.provider.request({ method: "eth_getBalance", params: [address, "latest"] })) as Hex);
  const parentNonce = async () =>
    Number(await pair.parent.provider.request({ method: "eth_getTransactionCount", params: [FUNDER, "latest"] }));

  before(async function () {
    ({ pair, child } = orbit());
  });

  it("--dry-run prints the deposit and its parent-chain cost and sends nothing", async function () {
    const nonce = await parentNonce();
    const result = await fund({ target: "50", threshold: "49", dryRun: true });
    expect(result.dryRun).to.equal(true);
    expect(result.plannedDeposit > 0n).to.equal(true);
    expect(result.plannedDeposit).to.equal(result.needed - result.childBalanceBefore);
    expect(result.estimatedParentCost > 0n, "the deposit's parent-chain cost is shown").to.equal(true);
    expect(result.deposited).to.have.length(0);
    expect(await parentNonce()).to.equal(nonce);
  });

  it("refuses with one line when the parent account cannot pay, and sends nothing", async function () {
    const nonce = await parentNonce();
    const parentBalance = await balanceOn(pair.parent, FUNDER);
    await pair.parent.provider.request({ method: "hardhat_setBalance", params: [FUNDER, numberToHex(parseEther("1"))] });
    try {
      await expectTaskError(fund({ target: "50", threshold: "49" }), /has 1(\.0+)? ETH on chain 1337 but the deposit needs .* with gas/);
    } finally {
      await pair.parent.provider.request({ method: "hardhat_setBalance", params: [FUNDER, numberToHex(parentBalance)] });
    }
    expect(await parentNonce()).to.equal(nonce);
  });

  it("deposits what the funder lacks, waits for it on the child, tops the wallets up; a re-run sends nothing", async function () {
    const nonce = await parentNonce();
    const result = await fund({ target: "50", threshold: "49" });
    expect(result.deposited).to.have.length(1);
    const deposit = result.deposited[0]!;
    expect(deposit.value).to.equal(result.plannedDeposit);
    expect(deposit.parentGasUsed > 0n).to.equal(true);
    expect(await parentNonce()).to.equal(nonce + 1);
    // The child transaction under the SDK's deposit id exists and the wallets got their top-ups.
    const receipt = (await child.provider.request({ method: "eth_getTransactionReceipt", params: [deposit.childTxHash] })) as { status: Hex } | null;
    expect(receipt?.status).to.equal("0x1");
    expect(result.fund.sent).to.have.length(2);
    for (const b of result.fund.balances) expect(b.balance >= parseEther("50")).to.equal(true);

    const again = await fund({ target: "50", threshold: "49" });
    expect(again.deposited).to.have.length(0);
    expect(again.plannedDeposit).to.equal(0n);
    expect(again.fund.sent).to.have.length(0);
    expect(await parentNonce()).to.equal(nonce + 1);
  });

  it("a deposit that does not arrive in time is a one-line error; re-runs wait for it instead of depositing again", async function () {
    const late = /^deposit (0x[0-9a-f]{64}) was not credited on default within 1 s .* re-run with a longer --timeout/;
    const lateDeposit = async (): Promise<string> => {
      try {
        await fund({ target: "80", threshold: "79", timeout: 1 });
      } catch (error) {
        const message = (error as Error).message;
        expect(message).to.not.include("\n");
        const hash = late.exec(message)?.[1];
        expect(hash, message).to.not.equal(undefined);
        return hash!;
      }
      return expect.fail("expected the deposit to time out");
    };
    pair.relayer.crediting = false;
    const nonce = await parentNonce();
    let first: string;
    try {
      first = await lateDeposit();
      expect(await parentNonce()).to.equal(nonce + 1);
      // Still not credited: the re-run finds the same deposit in flight and waits for it again.
      expect(await lateDeposit()).to.equal(first);
      expect(await parentNonce()).to.equal(nonce + 1);
      // The wait reports its progress while it lasts.
      const lines: string[] = [];
      const args = { target: "80", threshold: "79", counts: COUNTS, csv: "", dryRun: false, timeout: 3, lookback: 5000, funderReserve: "" };
      await expectTaskError(runParentFunding(args, hre, (line) => lines.push(line)), /was not credited on default within 3 s/);
      expect(lines.some((l) => l.includes(`waiting for deposit ${first} on default: 2 s of 3 s`)), lines.join("\n")).to.equal(true);
      expect(lines.some((l) => /1 deposit\(s\) of .* already in flight: waiting for them, not sending again/.test(l))).to.equal(true);
      expect(await parentNonce()).to.equal(nonce + 1);
    } finally {
      pair.relayer.crediting = true;
    }
    const rerun = await fund({ target: "80", threshold: "79" });
    expect(rerun.deposited).to.have.length(0);
    expect(await parentNonce()).to.equal(nonce + 1);
    for (const b of rerun.fund.balances) expect(b.balance >= parseEther("80")).to.equal(true);
  });

  it("refuses a parent RPC of the wrong chain, an address that is not a rollup and a missing variable", async function () {
    let served: ServedRpc | undefined;
    try {
      served = await serveRpc(child.provider);
      process.env.DEFAULT_PARENT_RPC_URL = served.url;
      await expectTaskError(fund({ target: "90", threshold: "89", dryRun: true }), /DEFAULT_PARENT_RPC_URL is chain 31337, the child chain itself/);
    } finally {
      process.env.DEFAULT_PARENT_RPC_URL = pair.parentRpc.url;
      await served?.close();
    }
    process.env.DEFAULT_ROLLUP_ADDRESS = pair.addresses.inbox;
    await expectTaskError(fund({ target: "90", threshold: "89", dryRun: true }), /DEFAULT_ROLLUP_ADDRESS 0x[0-9a-fA-F]{40} on parent chain 1337 is not an Arbitrum rollup/);
    delete process.env.DEFAULT_ROLLUP_ADDRESS;
    await expectTaskError(fund({ target: "90", threshold: "89", dryRun: true }), /configuration variable DEFAULT_ROLLUP_ADDRESS is not set: run `npx hardhat keystore set DEFAULT_ROLLUP_ADDRESS`/);
    process.env.DEFAULT_ROLLUP_ADDRESS = pair.addresses.rollup;
  });
});
