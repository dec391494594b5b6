// The IoT backend that goes through the embedded node (node/src): the node
// is created in process with the run's chain connection and an IoT
// operator's key as its submitter, listens on 127.0.0.1, and devices use its
// REST API (POST /device/register, POST /device/data). The node encrypts,
// stores in SQLite and commits through its outbox; this backend watches the
// readings until they are committed and re-checks them against the contract.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";
import type { Address, Hex } from "viem";

import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { join } from "node:path";

import { createPublicClient, createWalletClient, custom, parseAbiItem } from "viem";

import type { LcoreNode } from "../../../node/src/index.js";
import type { CreateIotBackendParameters } from "./iot-backend-factory.js";
import { verifyCommittedSample, type CommittedReadingRef, type CommitInfo, type CommitMode, type IotBackend, type IotBackendStats } from "./iot-backend.js";
import type { SimDevice, SimReading } from "./iot-devices.js";

import { buildMerkleTree, getMerkleProof, type MerkleTree } from "../../../node/src/merkle/merkle-tree.js";
import { errorText, taskError } from "../../shared/errors.js";
import { makePrivateDir } from "../../../node/src/fs/private-path.js";

interface Waiter {
  readonly id: number;
  readonly resolve: (info: CommitInfo) => void;
  readonly reject: (error: Error) => void;
  readonly deadline: number;
}

const DEVICE_REGISTERED = parseAbiItem("event DeviceRegistered(bytes32 indexed device_id, address indexed device_owner)");

export class NodeIotBackend implements IotBackend {
  readonly kind = "node";
  readonly commitMode: CommitMode;
  readonly #node: LcoreNode;
  readonly #url: string;
  readonly #p: CreateIotBackendParameters;
  readonly #dataDir: string;
  readonly #fromBlock: bigint;
  readonly #waiters = new Map<number, Waiter>();
  readonly #committed: CommittedReadingRef[] = [];
  readonly #txGas = new Map<string, bigint>();
  readonly #batchIds = new Set<string>();
  #poller: NodeJS.Timeout | undefined;

  private constructor(node: LcoreNode, url: string, p: CreateIotBackendParameters, dataDir: string, fromBlock: bigint) {
    this.#node = node;
    this.#url = url;
    this.#p = p;
    this.commitMode = p.commitMode;
    this.#dataDir = dataDir;
    this.#fromBlock = fromBlock;
  }

  /** Creates the node for this run (throwaway SQLite file, random master secret and operator token) and starts its server. */
  static async start(hre: HardhatRuntimeEnvironment, p: CreateIotBackendParameters): Promise<NodeIotBackend> {
    const { createNode } = await import("../../../node/src/index.js");
    const ctx = p.sender.context;
    const operator = p.operators[0];
    if (operator === undefined) throw taskError("the node needs an iot_operator wallet as its submitter; check --counts.");
    const transport = custom(ctx.connection.provider);
    const chain = ctx.publicClient.chain;
    const dataDir = join(hre.config.paths.root, ".lcore", "stress", p.runTag);
    makePrivateDir(dataDir);
    let node: LcoreNode;
    try {
      node = await createNode({
        chain: {
          publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }) as never,
          walletClient: createWalletClient({ chain, transport, account: operator, pollingInterval: 50 }) as never,
          contractAddress: p.contract,
        },
        dbPath: join(dataDir, "node.db"),
        commitMode: p.commitMode,
        batchSize: p.batchSize,
        batchMaxWaitMs: p.batchWaitMs,
        masterSecret: randomBytes(32).toString("hex"),
        apiToken: randomBytes(24).toString("base64url"),
        devicePerSecond: 0,
        http: { host: "127.0.0.1", port: 0, ipPerMinute: 0 },
        logLevel: "silent",
      });
    } catch (error) {
      throw taskError(`the embedded node did not start: ${errorText(error)}; try --backend direct.`, error);
    }
    const url = await node.listen({ host: "127.0.0.1", port: 0 });
    const fromBlock = await ctx.publicClient.getBlockNumber();
    p.print(`node: ${url} (SQLite ${join(dataDir, "node.db")}, submitter ${node.submitterAddress}, commits ${p.commitMode})`);
    return new NodeIotBackend(node, url, p, dataDir, fromBlock);
  }

  async #post(path: string, body: unknown, auth: boolean): Promise<{ status: number; json: Record<string, unknown> }> {
    const response = await fetch(`${this.#url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${this.#node.operatorToken}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: response.status, json };
  }

  async registerDevice(device: SimDevice): Promise<{ txHash: string; gasUsed?: bigint }> {
    const { status, json } = await this.#post("/device/register", { device_id: device.name, public_key: device.publicKeyHex, owner_address: device.owner }, true);
    if (status !== 201) throw new Error(`node answered ${status}: ${String(json.message ?? json.error ?? "")}`);
    // The node queues the on-chain registration; the device counts as registered once the contract says so.
    device.registered = true;
    const client = this.#p.sender.context.publicClient;
    const deadline = Date.now() + 120_000;
    let delay = 25;
    for (;;) {
      const logs = await client.getLogs({ address: this.#p.contract as Address, event: DEVICE_REGISTERED, args: { device_id: device.deviceId }, fromBlock: this.#fromBlock });
      const log = logs[0];
      if (log !== undefined) {
        const receipt = await client.getTransactionReceipt({ hash: log.transactionHash });
        return { txHash: log.transactionHash, gasUsed: receipt.gasUsed };
      }
      if (Date.now() > deadline) throw new Error(`device ${device.name} not registered on chain within 120 s`);
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(500, delay * 2);
    }
  }

  submitReading(reading: SimReading): { accepted: Promise<void>; committed: Promise<CommitInfo> } {
    let resolveCommit!: (info: CommitInfo) => void;
    let rejectCommit!: (error: Error) => void;
    const committed = new Promise<CommitInfo>((resolve, reject) => {
      resolveCommit = resolve;
      rejectCommit = reject;
    });
    const accepted = (async () => {
      const body = { device_id: reading.device.name, data: new TextDecoder().decode(reading.data), counter: reading.counter, signature: reading.signatureHex };
      const { status, json } = await this.#post("/device/data", body, false);
      if (status !== 202 || typeof json.reading_id !== "number") {
        const error = new Error(`HTTP ${status} ${String(json.error ?? "")}: ${String(json.message ?? "")}`.trim());
        rejectCommit(error);
        throw error;
      }
      this.#waiters.set(json.reading_id, { id: json.reading_id, resolve: resolveCommit, reject: rejectCommit, deadline: Date.now() + 180_000 });
      this.#poller ??= setInterval(() => void this.#poll().catch(() => undefined), 100);
    })();
    return { accepted, committed };
  }

  /** Gas of a commit transaction: the node's record, else its receipt (fetched once per transaction). */
  #gasOf(txHash: string, recorded: number | null): Promise<bigint> {
    let pending = this.#gasPending.get(txHash);
    if (pending === undefined) {
      pending =
        recorded !== null && recorded > 0
          ? Promise.resolve(BigInt(recorded))
          : this.#p.sender.context.publicClient
              .getTransactionReceipt({ hash: txHash as Hex })
              .then((r) => r.gasUsed)
              .catch(() => 0n);
      this.#gasPending.set(txHash, pending);
      void pending.then((g) => this.#txGas.set(txHash, g));
    }
    return pending;
  }

  readonly #gasPending = new Map<string, Promise<bigint>>();

  /** Merkle trees of committed batches, built once per batch (proofs for the on-chain re-check). */
  readonly #trees = new Map<string, { tree: MerkleTree; count: number }>();

  async #batchTree(batchId: string): Promise<{ tree: MerkleTree; count: number }> {
    let entry = this.#trees.get(batchId);
    if (entry === undefined) {
      const leaves = (await this.#node.store.readings.batchProofHashes(batchId)) as Hex[];
      entry = { tree: buildMerkleTree(leaves), count: leaves.length };
      this.#trees.set(batchId, entry);
    }
    return entry;
  }

  /** One pass over the readings still waiting for their commitment (cheap row reads; no per-poll Merkle work). */
  #poll(): Promise<void> {
    // One pass at a time: the store is async (PostgreSQL), a pass may outlast the interval.
    this.#polling ??= this.#pollOnce().finally(() => {
      this.#polling = undefined;
    });
    return this.#polling;
  }

  #polling: Promise<void> | undefined;

  async #pollOnce(): Promise<void> {
    for (const waiter of this.#waiters.values()) {
      const row = await this.#node.store.readings.get(waiter.id);
      if (row === undefined) {
        this.#waiters.delete(waiter.id);
        waiter.reject(new Error(`reading ${waiter.id} vanished from the node's store`));
        continue;
      }
      if (row.status === "committed" && row.tx_hash !== null) {
        this.#waiters.delete(waiter.id);
        const txHash = row.tx_hash;
        const gas = this.#gasOf(txHash, row.gas_used);
        if (row.batch_id !== null && row.leaf_index !== null) {
          this.#batchIds.add(row.batch_id);
          const { tree, count } = await this.#batchTree(row.batch_id);
          this.#committed.push({ proofHash: row.proof_hash as Hex, batchId: row.batch_id as Hex, index: row.leaf_index, proof: getMerkleProof(tree, row.leaf_index) });
          void gas.then((g) => waiter.resolve({ txHash, gasShare: g / BigInt(Math.max(1, count)) }));
        } else {
          this.#committed.push({ proofHash: row.proof_hash as Hex });
          void gas.then((g) => waiter.resolve({ txHash, gasShare: g }));
        }
      } else if (row.status === "failed") {
        this.#waiters.delete(waiter.id);
        let reason = "failed";
        try {
          reason = (await this.#node.getReading(waiter.id)).outbox?.last_error ?? reason;
        } catch {
          // keep the short reason
        }
        waiter.reject(new Error(`the node could not commit reading ${waiter.id}: ${reason}`));
      } else if (Date.now() > waiter.deadline) {
        this.#waiters.delete(waiter.id);
        waiter.reject(new Error(`reading ${waiter.id} still ${row.status} after 180 s`));
      }
    }
    if (this.#waiters.size === 0 && this.#poller !== undefined) {
      clearInterval(this.#poller);
      this.#poller = undefined;
    }
  }

  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#waiters.size > 0 && Date.now() < deadline) {
      await this.#poll();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all([...this.#gasPending.values()]);
  }

  async verifyOnChain(sample: number): Promise<number> {
    return await verifyCommittedSample({
      client: this.#p.sender.context.publicClient,
      address: this.#p.contract as Address,
      abi: this.#p.abi,
      commitMode: this.commitMode,
      committed: this.#committed,
      sample,
    });
  }

  stats(): IotBackendStats {
    let gas = 0n;
    for (const g of this.#txGas.values()) gas += g;
    return { readingsCommitted: this.#committed.length, commitTransactions: this.#txGas.size, commitGasUsed: gas, batches: this.#batchIds.size };
  }

  async close(): Promise<void> {
    if (this.#poller !== undefined) clearInterval(this.#poller);
    for (const waiter of this.#waiters.values()) waiter.reject(new Error("the run ended before the reading was committed"));
    this.#waiters.clear();
    await this.#node.close();
    // The node's files hold only this run's throwaway data (random master secret, never written).
    rmSync(this.#dataDir, { recursive: true, force: true });
  }
}
