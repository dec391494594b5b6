// A behaviour suite for any implementation of IMVPIoTProcessor
// (docs/contract-interface.sol): the Stylus contract through the
// hardhat-stylus runtime and its Solidity twin run the same checks.
import { readFileSync } from "node:fs";

import { expect } from "chai";
import type { NetworkConnection } from "hardhat/types/network";
import {
  BaseError,
  ContractFunctionRevertedError,
  keccak256,
  parseEventLogs,
  stringToHex,
  toFunctionSelector,
  zeroAddress,
  zeroHash,
  type Address,
  type Hex,
} from "viem";

import { mvpIoTProcessorAbi } from "../../contracts-stylus/artifacts/abi.js";

type Viem = NetworkConnection["viem"];

/** Deploys a fresh, un-initialised processor on the connection and returns its address. */
export type DeployProcessor = (connection: NetworkConnection) => Promise<Address>;

interface Vectors {
  trees: { count: number; leaves: Hex[]; root: Hex; proofs: Hex[][] }[];
  invalid: { why: string; root: Hex; count: number; index: number; leaf: Hex; proof: Hex[] }[];
}
const vectors = JSON.parse(readFileSync(new URL("../vectors/merkle.json", import.meta.url), "utf8")) as Vectors;

const id = (s: string): Hex => keccak256(stringToHex(s));

/** The custom error name of a reverted viem call, or undefined. */
export async function revertName(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    if (e instanceof BaseError) {
      const r = e.walk((x) => x instanceof ContractFunctionRevertedError);
      if (r instanceof ContractFunctionRevertedError) return r.data?.errorName ?? r.reason ?? "unknown";
    }
    throw e;
  }
  return undefined;
}

export function describeProcessorBehaviour(label: string, deploy: DeployProcessor, connect: () => Promise<NetworkConnection>): void {
  describe(`${label}: IMVPIoTProcessor behaviour`, () => {
    let connection: NetworkConnection;
    let viem: Viem;
    let address: Address;
    let owner: Address;
    let submitter: Address;
    let stranger: Address;


    const write = async (who: Address, functionName: string, args: readonly unknown[]) => {
      const wallet = await viem.getWalletClient(who);
      const pub = await viem.getPublicClient();
      const { request } = await pub.simulateContract({
        address,
        abi: mvpIoTProcessorAbi,
        functionName: functionName as never,
        args: args as never,
        account: wallet.account,
      });
      const hash = await wallet.writeContract(request as never);
      return pub.waitForTransactionReceipt({ hash });
    };
    const read = async <T>(functionName: string, args: readonly unknown[] = []): Promise<T> => {
      const pub = await viem.getPublicClient();
      return (await pub.readContract({ address, abi: mvpIoTProcessorAbi, functionName: functionName as never, args: args as never })) as T;
    };

    before(async () => {
      connection = await connect();
      viem = connection.viem;
      const wallets = await viem.getWalletClients();
      [owner, submitter, stranger] = wallets.slice(0, 3).map((w) => w.account.address) as [Address, Address, Address];
    });

    beforeEach(async () => {
      address = await deploy(connection);
    });

    it("keeps the predecessor's selectors", () => {
      const fns = mvpIoTProcessorAbi.filter((x) => x.type === "function").map((f) => toFunctionSelector(f as never));
      expect(fns).to.include(toFunctionSelector("submitResult(bytes32,uint8[],bytes32)"));
      expect(fns).to.include(toFunctionSelector("getResult(bytes32)"));
    });

    it("sets the owner once and refuses a second initialize", async () => {
      const r = await write(owner, "initialize", [owner]);
      const [ev] = parseEventLogs({ abi: mvpIoTProcessorAbi, logs: r.logs, eventName: "OwnershipTransferred" });
      expect(ev?.args).to.deep.include({ previous_owner: zeroAddress });
      expect((await read<Address>("owner")).toLowerCase()).to.equal(owner.toLowerCase());
      expect(await revertName(write(stranger, "initialize", [stranger]))).to.equal("AccessAlreadyInitialized");
    });

    it("refuses commits before initialisation and from strangers", async () => {
      expect(await revertName(write(owner, "commitBatch", [id("b"), id("r"), 1]))).to.equal("AccessNotInitialized");
      await write(owner, "initialize", [owner]);
      expect(await revertName(write(stranger, "commitBatch", [id("b"), id("r"), 1]))).to.equal("AccessUnauthorized");
      expect(await revertName(write(stranger, "setSubmitter", [stranger, true]))).to.equal("AccessUnauthorized");
    });

    it("registers devices, commits a proof once and emits events", async () => {
      await write(owner, "initialize", [owner]);
      await write(owner, "setSubmitter", [submitter, true]);
      expect(await read<boolean>("isSubmitter", [submitter])).to.equal(true);
      const dev = id("EV_001");
      const reg = await write(submitter, "registerDevice", [dev, stranger]);
      expect(parseEventLogs({ abi: mvpIoTProcessorAbi, logs: reg.logs, eventName: "DeviceRegistered" })).to.have.length(1);
      expect(await revertName(write(submitter, "registerDevice", [dev, stranger]))).to.equal("RegistryDeviceExists");
      const [devOwner, active] = await read<[Address, boolean, bigint]>("getDevice", [dev]);
      expect(devOwner.toLowerCase()).to.equal(stranger.toLowerCase());
      expect(active).to.equal(true);

      const proof = id("reading-1");
      expect(await revertName(write(submitter, "commitProof", [proof, id("nope")]))).to.equal("RegistryUnknownDevice");
      expect(await revertName(write(submitter, "commitProof", [zeroHash, dev]))).to.equal("ProofZeroHash");
      const c = await write(submitter, "commitProof", [proof, dev]);
      const [ev] = parseEventLogs({ abi: mvpIoTProcessorAbi, logs: c.logs, eventName: "ProofCommitted" });
      expect(ev?.address.toLowerCase()).to.equal(address.toLowerCase());
      expect(ev?.args.proof_hash).to.equal(proof);
      expect(await revertName(write(submitter, "commitProof", [proof, dev]))).to.equal("ProofAlreadyCommitted");
      const [devId, by, , block] = await read<[Hex, Address, bigint, bigint]>("getProof", [proof]);
      expect(devId).to.equal(dev);
      expect(by.toLowerCase()).to.equal(submitter.toLowerCase());
      expect(block).to.equal(c.blockNumber);
      expect(await read<boolean>("isProofCommitted", [proof])).to.equal(true);

      await write(stranger, "setDeviceActive", [dev, false]);
      expect(await revertName(write(submitter, "commitProof", [id("reading-2"), dev]))).to.equal("RegistryDeviceInactive");
    });

    it("commits Merkle batches once and checks inclusion against the shared vectors", async () => {
      await write(owner, "initialize", [owner]);
      for (const t of vectors.trees.filter((x) => [1, 5, 17].includes(x.count))) {
        const batch = id(`batch-${t.count}`);
        await write(owner, "commitBatch", [batch, t.root, t.count]);
        for (const [index, leaf] of t.leaves.entries()) {
          expect(await read<boolean>("verifyInclusion", [batch, leaf, index, t.proofs[index]])).to.equal(true);
        }
      }
      const bad = vectors.invalid[0]!;
      const b5 = id("batch-5");
      expect(await read<boolean>("verifyInclusion", [b5, bad.leaf, bad.index, bad.proof])).to.equal(false);
      for (const c of vectors.invalid.filter((x) => x.count === 5 && x.root === vectors.trees.find((t) => t.count === 5)!.root)) {
        expect(await read<boolean>("verifyInclusion", [b5, c.leaf, c.index, c.proof]), c.why).to.equal(false);
      }
      expect(await revertName(write(owner, "commitBatch", [b5, id("x"), 3]))).to.equal("BatchAlreadyCommitted");
      expect(await revertName(write(owner, "commitBatch", [id("z"), zeroHash, 3]))).to.equal("BatchZeroRoot");
      expect(await revertName(write(owner, "commitBatch", [id("z"), id("x"), 0]))).to.equal("BatchEmpty");
      const [root, count] = await read<[Hex, number]>("getBatch", [b5]);
      expect([root, count]).to.deep.equal([vectors.trees.find((t) => t.count === 5)!.root, 5]);
    });

    it("stores legacy results once with the predecessor's return shape", async () => {
      await write(owner, "initialize", [owner]);
      const task = id("task");
      const payload = Array.from({ length: 256 }, (_, i) => i % 256);
      await write(owner, "submitResult", [task, payload, id("proof")]);
      const [data, proof, ts, by] = await read<[readonly number[], Hex, bigint, Address]>("getResult", [task]);
      expect([...data]).to.deep.equal(payload);
      expect(proof).to.equal(id("proof"));
      expect(ts > 0n).to.equal(true);
      expect(by.toLowerCase()).to.equal(owner.toLowerCase());
      expect(await revertName(write(owner, "submitResult", [task, [1], id("p2")]))).to.equal("ResultAlreadySubmitted");
      const [empty, z] = await read<[readonly number[], Hex, bigint, Address]>("getResult", [id("unknown")]);
      expect([...empty]).to.deep.equal([]);
      expect(z).to.equal(zeroHash);
      expect(await read<readonly bigint[]>("totals")).to.deep.equal([0n, 0n, 0n, 1n]);
    });
  });
}
