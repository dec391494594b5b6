// Fixture of the forked-devnet suite: a devnet (this project's `hardhat node`
// on loopback, or the real KC-Chain when KCCHAIN_RPC_URL is set), the
// contract deployed there by the deploy task's code, embedded nodes that
// commit readings in every mode, and a fork of the devnet at a block.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import hre, { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { mnemonicToAccount } from "viem/accounts";
import { toHex, type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient } from "viem";

import { createNode, generateDeviceKeyPair, signReading, type ChainClients, type LcoreNode } from "../../../node/src/index.js";
import { deployProcessor, type DeployProcessorReturnType } from "../../../tasks/deploy/deploy-processor.js";
import type { ChainContext } from "../../../tasks/shared/chain-context.js";
import { startServedDevnet, type ServedDevnet } from "../../helpers/served-hardhat-node.js";

/** Hardhat's public test mnemonic: the served devnet's and the fork's accounts. */
const TEST_MNEMONIC = "test test test test test test test test test test test junk";

export type CommitMode = "proof" | "batch" | "legacy";
export const MODES: readonly CommitMode[] = ["proof", "batch", "legacy"];

/** Hardhat test account `index`: its address and private key (public test keys, never real funds). */
export function testAccount(index: number): { address: Address; privateKey: Hex } {
  const account = mnemonicToAccount(TEST_MNEMONIC, { addressIndex: index });
  return { address: account.address, privateKey: toHex(account.getHdKey().privateKey!) };
}

/** A ChainContext (the tasks' view of a network) for an already open connection. */
export async function chainContextOf(connection: NetworkConnection): Promise<ChainContext> {
  const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient<Transport, Chain>;
  const [deployer] = (await connection.viem.getWalletClients()) as unknown as WalletClient<Transport, Chain, Account>[];
  if (deployer === undefined) throw new Error(`network ${connection.networkName} has no accounts`);
  const inProcess = connection.networkConfig.type === "edr-simulated";
  return {
    connection,
    networkName: connection.networkName,
    chainId: await publicClient.getChainId(),
    inProcess,
    localKeys: true,
    publicClient,
    deployer,
    deployerAddress: deployer.account.address,
  };
}

/** viem clients of `connection` acting as test account `index`, in the node's ChainClients shape. */
export async function clientsOf(connection: NetworkConnection, index: number, contractAddress: Address): Promise<ChainClients> {
  const publicClient = (await connection.viem.getPublicClient()) as unknown as PublicClient;
  const walletClient = (await connection.viem.getWalletClient(testAccount(index).address)) as unknown as WalletClient<Transport, Chain, Account>;
  return { publicClient, walletClient, contractAddress };
}

export interface ModeRun {
  readonly mode: CommitMode;
  readonly node: LcoreNode;
  readonly submitter: Address;
  readonly readingIds: number[];
}

export interface DevnetFixture {
  readonly devnet: ServedDevnet;
  readonly deployment: DeployProcessorReturnType;
  readonly address: Address;
  readonly runs: readonly ModeRun[];
  /** Devnet block at which the fork is taken (after every commit). */
  readonly forkBlock: bigint;
  readonly workDir: string;
  close(): Promise<void>;
}

/** Submitter account per mode (account 0 deploys and owns). */
const SUBMITTER_INDEX: Record<CommitMode, number> = { proof: 1, batch: 2, legacy: 3 };
const DEVICE_PREFIX: Record<CommitMode, string> = { proof: "EV", batch: "GH", legacy: "POS" };

/** Starts the devnet, deploys, and lets one node per mode commit `readingsPerDevice` readings of 2 devices. */
export async function prepareDevnet(readingsPerDevice = 3): Promise<DevnetFixture> {
  const workDir = mkdtempSync(join(tmpdir(), "lcore-fork-"));
  const devnet = await startServedDevnet();
  const runs: ModeRun[] = [];
  try {
    const connection = await network.create({ network: "localhost", override: { url: devnet.url } });
    const ctx = await chainContextOf(connection);
    const deployment = await deployProcessor(hre, ctx, {
      runtime: "stylus",
      build: "never",
      redeploy: true,
      submitters: MODES.map((m) => testAccount(SUBMITTER_INDEX[m]).address),
      deploymentsDir: join(workDir, "deployments"),
      print: () => {},
    });
    const address = deployment.record.address as Address;

    for (const mode of MODES) {
      const submitter = testAccount(SUBMITTER_INDEX[mode]);
      const node = await createNode({
        dbPath: join(workDir, `${mode}.db`),
        commitMode: mode,
        batchSize: 4,
        batchMaxWaitMs: 100,
        masterSecret: toHex(crypto.getRandomValues(new Uint8Array(32))),
        apiToken: toHex(crypto.getRandomValues(new Uint8Array(16))),
        logLevel: "silent",
        chain: { rpcUrl: devnet.url, privateKey: submitter.privateKey, contractAddress: address },
      });
      const run: ModeRun = { mode, node, submitter: submitter.address, readingIds: [] };
      runs.push(run);
      for (let d = 1; d <= 2; d++) {
        const deviceId = `${DEVICE_PREFIX[mode]}_${String(d).padStart(3, "0")}`;
        const keys = generateDeviceKeyPair();
        await node.registerDevice({ device_id: deviceId, public_key: keys.publicKey });
        for (let counter = 1; counter <= readingsPerDevice; counter++) {
          const data = JSON.stringify({ device: deviceId, counter, value: counter * 1.5 });
          const result = await node.ingest(signReading({ deviceId, counter, data, privateKey: keys.privateKey }));
          run.readingIds.push(result.reading_id);
        }
      }
      if (!(await node.outbox.drain({ timeoutMs: 60_000 }))) throw new Error(`${mode} node did not commit its readings within 60 s`);
    }
    const forkBlock = await ctx.publicClient.getBlockNumber();
    return {
      devnet,
      deployment,
      address,
      runs,
      forkBlock,
      workDir,
      async close() {
        for (const r of runs) await r.node.close();
        await devnet.stop();
        rmSync(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    for (const r of runs) await r.node.close().catch(() => {});
    await devnet.stop();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** An in-process network forked from `url` at `blockNumber` (hardhat-stylus active on it). */
export async function forkOf(url: string, blockNumber?: bigint): Promise<NetworkConnection> {
  return await network.create({
    override: { forking: { url, enabled: true, ...(blockNumber === undefined ? {} : { blockNumber: Number(blockNumber) }) } },
  });
}
