// The corpus suite's harness: the three networks a case runs on (in-process,
// a served `hardhat node` over HTTP, an in-process fork of that node), the
// deployer a case's setup uses, and the viem tools its check uses (writes
// with receipts, decoded reverts, logs in order).
//
// In fork mode every case's contracts are deployed on the served node first
// and the fork is taken afterwards, so the check runs against code, storage
// and activation that came over the fork boundary.
import type { NetworkConnection } from "hardhat/types/network";

import { expect } from "chai";
import hre, { network } from "hardhat";
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeEventLog,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from "viem";

import { loadCorpusProgram, type CorpusProgramName } from "../../../corpus/stylus/index.js";
import { startServedDevnet, type ServedDevnet } from "../../helpers/served-hardhat-node.js";

export type CorpusMode = "in-process" | "http" | "fork";
export const CORPUS_MODES: readonly CorpusMode[] = ["in-process", "http", "fork"];

/** Gas limit of every write: the corpus checks behaviour, not estimates (issue 9 item 4 has its own tests). */
export const WRITE_GAS = 5_000_000n;

/** The Solidity contracts and interfaces of contracts/corpus/ the cases use. */
export type CorpusSolidityName =
  | "ICorpusCounter"
  | "CorpusCounter"
  | "ICorpusCaller"
  | "CorpusCaller"
  | "CorpusProxy"
  | "CorpusFactory"
  | "ICorpusDeployer"
  | "CorpusNftReceiver"
  | "ICorpusNft"
  | "CorpusNft"
  | "ICorpusReentrancy"
  | "CorpusReentrancy"
  | "CorpusReentryHook"
  | "ICorpusVerifier"
  | "CorpusVerifier";

/** ABI of a contract or interface of contracts/corpus/, from Hardhat's artifacts. */
export async function abiOf(name: CorpusSolidityName): Promise<Abi> {
  return (await hre.artifacts.readArtifact(name)).abi as Abi;
}

/** Deploys the contracts one case needs (on the served node in fork mode). */
export interface CorpusDeployer {
  /** Deploys and activates a corpus program from its committed artifacts. */
  stylus(name: CorpusProgramName): Promise<Address>;
  /** Deploys a Solidity contract of contracts/corpus/. */
  solidity(name: CorpusSolidityName, args?: readonly unknown[], value?: bigint): Promise<Address>;
  /** Sends value from the first account. */
  fund(to: Address, value: bigint): Promise<void>;
  /** Sends calldata from the first account; fails unless the transaction succeeds. */
  call(to: Address, data: Hex): Promise<void>;
}

/** What a case's check uses, on the network the check runs on. */
export interface CorpusTools {
  readonly mode: CorpusMode;
  readonly pub: PublicClient;
  /** First node-held account. */
  readonly wallet: WalletClient;
  /** Second node-held account. */
  readonly other: WalletClient;
  read<T>(address: Address, abi: Abi, functionName: string, args?: readonly unknown[]): Promise<T>;
  /** Sends a transaction from `from` (default: the first account) with a fixed gas limit and waits for its receipt. */
  write(
    address: Address,
    abi: Abi,
    functionName: string,
    args?: readonly unknown[],
    options?: { value?: bigint; from?: WalletClient },
  ): Promise<TransactionReceipt>;
  /**
   * Sends a transaction that must revert (mined with status 0, or refused by a
   * node that throws on failed transactions) with `expectedError` (a custom
   * error name, or "<empty>" for revert data 0x) when the node reports it.
   */
  writeReverts(
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[],
    expectedError: string,
    options?: { value?: bigint; from?: WalletClient },
  ): Promise<void>;
  /** Sends raw calldata that must revert (see writeReverts). */
  sendReverts(to: Address, data: Hex, options?: { value?: bigint; from?: WalletClient }): Promise<void>;
  /** Sends raw calldata. */
  send(to: Address, data: Hex, options?: { value?: bigint; from?: WalletClient }): Promise<TransactionReceipt>;
  /** The custom error (name, args) an eth_call of `functionName` reverts with; fails the test when it succeeds. */
  revertOf(
    address: Address,
    abi: Abi,
    functionName: string,
    args?: readonly unknown[],
    options?: { value?: bigint; from?: WalletClient },
  ): Promise<{ errorName: string; args: readonly unknown[]; data: Hex | undefined }>;
  /** Checks the receipt's logs, in order, against `expected` (address, event name, args). */
  expectLogs(receipt: TransactionReceipt, abi: Abi, expected: readonly ExpectedLog[]): void;
}

export interface ExpectedLog {
  address: Address;
  eventName: string;
  args: Record<string, unknown>;
}

/** One open mode: where setups deploy and (after `runConnection`) where checks run. */
export interface CorpusEnvironment {
  readonly mode: CorpusMode;
  readonly deployer: CorpusDeployer;
  /** Opens the network the checks run on (in fork mode: the fork, taken now). */
  runTools(): Promise<CorpusTools>;
  close(): Promise<void>;
}

function deployerOf(connection: NetworkConnection): CorpusDeployer {
  return {
    async stylus(name) {
      const { address } = await connection.stylus.deploy({ deployedCode: loadCorpusProgram(name).deployedCode });
      return address;
    },
    async solidity(name, args = [], value) {
      const contract = await connection.viem.deployContract(name as never, args as never, (value === undefined ? {} : { value }) as never);
      return (contract as { address: Address }).address;
    },
    async call(to, data) {
      const [wallet] = await connection.viem.getWalletClients();
      const pub = await connection.viem.getPublicClient();
      const receipt = await pub.waitForTransactionReceipt({ hash: await wallet!.sendTransaction({ to, data, chain: null, account: wallet!.account! }) });
      if (receipt.status !== "success") throw new Error(`setup call to ${to} reverted (${receipt.transactionHash})`);
    },
    async fund(to, value) {
      const [wallet] = await connection.viem.getWalletClients();
      const pub = await connection.viem.getPublicClient();
      await pub.waitForTransactionReceipt({ hash: await wallet!.sendTransaction({ to, value, chain: null, account: wallet!.account! }) });
    },
  };
}

/** The custom error name a viem error carries: "<empty>" for 0x, undefined when it is no revert. */
function revertedErrorName(error: unknown): string | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) {
    if (reverted.data?.errorName !== undefined) return reverted.data.errorName;
    if (reverted.raw === undefined || reverted.raw === "0x") {
      // Hardhat explains empty revert data in a sentence ("Transaction reverted without a reason string",
      // "Transaction reverted: non-payable function was called with value 1"), which viem takes for a reason.
      if (reverted.reason === undefined || /^Transaction reverted\b/.test(reverted.reason)) return "<empty>";
      return `<reason: ${reverted.reason}>`;
    }
    return "<undecoded>";
  }
  const text = `${error.details ?? ""} ${error.shortMessage}`;
  if (/reverted without a reason|reverted with an unrecognized custom error|reverted with custom error/i.test(text)) return "<reverted>";
  return undefined;
}

/** The revert data carried by a viem error, if any. */
function revertData(error: unknown): Hex | undefined {
  if (!(error instanceof BaseError)) return undefined;
  const reverted = error.walk((e) => e instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError) return reverted.raw;
  const withData = error.walk((e) => typeof (e as { data?: unknown }).data === "string") as { data?: Hex } | null;
  return withData?.data;
}

async function toolsOf(mode: CorpusMode, connection: NetworkConnection): Promise<CorpusTools> {
  const pub = (await connection.viem.getPublicClient()) as unknown as PublicClient;
  const [wallet, other] = (await connection.viem.getWalletClients()) as unknown as WalletClient[];
  const waitOk = async (hash: Hex): Promise<TransactionReceipt> => await pub.waitForTransactionReceipt({ hash });
  const write: CorpusTools["write"] = async (address, abi, functionName, args = [], options = {}) => {
    const from = options.from ?? wallet!;
    const hash = await from.writeContract({
      address,
      abi,
      functionName,
      args,
      gas: WRITE_GAS,
      chain: null,
      account: from.account!,
      ...(options.value === undefined ? {} : { value: options.value }),
    } as never);
    return await waitOk(hash);
  };
  const send: CorpusTools["send"] = async (to, data, options = {}) => {
    const from = options.from ?? wallet!;
    const hash = await from.sendTransaction({
      to,
      data,
      gas: WRITE_GAS,
      chain: null,
      account: from.account!,
      ...(options.value === undefined ? {} : { value: options.value }),
    });
    return await waitOk(hash);
  };
  return {
    mode,
    pub,
    wallet: wallet!,
    other: other!,
    async read<T>(address: Address, abi: Abi, functionName: string, args: readonly unknown[] = []) {
      return (await pub.readContract({ address, abi, functionName, args })) as T;
    },
    write,
    async writeReverts(address, abi, functionName, args, expectedError, options = {}) {
      try {
        const receipt = await write(address, abi, functionName, args, options);
        expect(receipt.status, `${functionName} was expected to revert`).to.equal("reverted");
      } catch (error) {
        const name = revertedErrorName(error);
        if (name === undefined) throw error;
        // Nodes that throw on failed transactions name the error in the message only: accept that, else compare.
        if (name !== "<reverted>") expect(name, `${functionName}'s revert`).to.equal(expectedError);
      }
    },
    async sendReverts(to, data, options = {}) {
      try {
        const receipt = await send(to, data, options);
        expect(receipt.status, "the transaction was expected to revert").to.equal("reverted");
      } catch (error) {
        if (revertedErrorName(error) === undefined) throw error;
      }
    },
    send,
    async revertOf(address, abi, functionName, args = [], options = {}) {
      const from = options.from ?? wallet!;
      try {
        await pub.simulateContract({
          address,
          abi,
          functionName,
          args,
          account: from.account!,
          ...(options.value === undefined ? {} : { value: options.value }),
        });
      } catch (error) {
        const reverted = error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : null;
        if (reverted instanceof ContractFunctionRevertedError) {
          return {
            errorName: reverted.data?.errorName ?? (reverted.raw === undefined || reverted.raw === "0x" ? "<empty>" : "<undecoded>"),
            args: reverted.data?.args ?? [],
            data: reverted.raw,
          };
        }
        return { errorName: "<not a revert>", args: [], data: revertData(error) };
      }
      expect.fail(`${functionName} was expected to revert but succeeded`);
    },
    expectLogs(receipt, abi, expected) {
      const seen = receipt.logs.map((log) => {
        const decoded = decodeEventLog({ abi, data: log.data, topics: log.topics, strict: true });
        return { address: log.address.toLowerCase(), eventName: decoded.eventName, args: decoded.args as unknown as Record<string, unknown> };
      });
      const norm = (v: unknown): unknown => (typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v) ? v.toLowerCase() : v);
      const want = expected.map((e) => ({
        address: e.address.toLowerCase(),
        eventName: e.eventName,
        args: Object.fromEntries(Object.entries(e.args).map(([k, v]) => [k, norm(v)])),
      }));
      const got = seen.map((s) => ({ ...s, args: Object.fromEntries(Object.entries(s.args).map(([k, v]) => [k, norm(v)])) }));
      expect(got, "logs in execution order, from the emitting contracts").to.deep.equal(want);
    },
  };
}

/** Opens `mode`. HTTP and fork share one served node (`served`). */
export async function openCorpusMode(mode: CorpusMode, served: () => Promise<ServedDevnet>): Promise<CorpusEnvironment> {
  if (mode === "in-process") {
    const connection = await network.create();
    return {
      mode,
      deployer: deployerOf(connection),
      runTools: async () => await toolsOf(mode, connection),
      close: async () => await connection.close(),
    };
  }
  const devnet = await served();
  const http = await network.create({ network: "localhost", override: { url: devnet.url } });
  if (mode === "http") {
    return {
      mode,
      deployer: deployerOf(http),
      runTools: async () => await toolsOf(mode, http),
      close: async () => await http.close(),
    };
  }
  let fork: NetworkConnection | undefined;
  return {
    mode,
    deployer: deployerOf(http),
    async runTools() {
      // Pin the fork to the node's head: without a block number EDR may fork below it.
      const head = await (await http.viem.getPublicClient()).getBlockNumber();
      fork = await network.create({ override: { forking: { url: devnet.url, enabled: true, blockNumber: Number(head) } } });
      return await toolsOf(mode, fork);
    },
    async close() {
      await fork?.close();
      await http.close();
    },
  };
}

/** Starts the served node on first use and stops it at the end. */
export function sharedServedNode(): { get: () => Promise<ServedDevnet>; stop: () => Promise<void> } {
  let started: Promise<ServedDevnet> | undefined;
  return {
    get: async () => await (started ??= startServedDevnet({ timeoutMs: 120_000 })),
    stop: async () => {
      if (started !== undefined) await (await started).stop();
    },
  };
}
