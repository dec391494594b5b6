// A node on a fresh in-process chain, for tests: a temp SQLite file, or a
// fresh PostgreSQL database with LCORE_NODE_TEST_DB=postgres (test-store.ts),
// a fixed test master secret and operator token, the processor from
// deploy-processor.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { network } from "hardhat";

import { createNode, generateDeviceKeyPair, signReading, type LcoreNode, type NodeUserConfig } from "../../../node/src/index.js";
import { deployProcessor, type DeployedProcessor, type ProcessorKind } from "./deploy-processor.js";
import { testDatabaseUrl } from "./test-store.js";

export const TEST_MASTER_SECRET = "0x" + "11".repeat(32);
export const TEST_TOKEN = "test-operator-token-0123456789";

export interface NodeFixture {
  node: LcoreNode;
  connection: Awaited<ReturnType<typeof network.create>>;
  processor: DeployedProcessor;
  dir: string;
  close(): Promise<void>;
}

export async function startTestNode(
  overrides: Partial<Omit<NodeUserConfig, "chain">> = {},
  { walletIndex = 0, kind }: { walletIndex?: number; kind?: ProcessorKind } = {},
): Promise<NodeFixture> {
  const connection = await network.create();
  const processor = await deployProcessor(connection, kind);
  if (walletIndex !== 0) {
    const wallets = await connection.viem.getWalletClients();
    processor.clients = { ...processor.clients, walletClient: wallets[walletIndex]! as unknown as typeof processor.clients.walletClient };
  }
  const dir = mkdtempSync(join(tmpdir(), "lcore-node-test-"));
  const databaseUrl = await testDatabaseUrl();
  const node = await createNode({
    chain: processor.clients,
    dbPath: join(dir, "node.db"),
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
    masterSecret: TEST_MASTER_SECRET,
    apiToken: TEST_TOKEN,
    logLevel: "silent",
    autoStart: false,
    devicePerSecond: 0,
    committer: { pollIntervalMs: 10, backoff: { baseMs: 10, maxMs: 100 } },
    ...overrides,
  });
  return {
    node,
    connection,
    processor,
    dir,
    async close() {
      await node.close();
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A device registered on the node, with its key and a counter to sign with. */
export async function addDevice(node: LcoreNode, deviceId: string) {
  const keys = generateDeviceKeyPair();
  await node.registerDevice({ device_id: deviceId, public_key: keys.publicKey });
  let counter = 0;
  return {
    deviceId,
    keys,
    next(data: string) {
      counter += 1;
      return signReading({ deviceId, counter, data, privateKey: keys.privateKey });
    },
  };
}
