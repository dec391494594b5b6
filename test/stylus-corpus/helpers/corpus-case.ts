// A corpus case: a name (the key of pending-engine.ts), a setup that only
// deploys (it runs on the served node in fork mode), and a check that drives
// the deployed contracts with viem and asserts what they did.
import type { Abi, Address } from "viem";

import { abiOf, type CorpusDeployer, type CorpusSolidityName, type CorpusTools } from "./corpus-env.js";

export interface CorpusCase<F> {
  /** Stable id, e.g. `call.stylus->evm.tx`; pending-engine.ts lists cases by it. */
  readonly name: string;
  readonly title: string;
  setup(deployer: CorpusDeployer): Promise<F>;
  check(tools: CorpusTools, fixture: F): Promise<void>;
}

/** Erases the fixture type so cases of different fixtures share one list. */
export function corpusCase<F>(c: CorpusCase<F>): CorpusCase<unknown> {
  return c as CorpusCase<unknown>;
}

/** Which implementation of a twin pair: the Stylus program or its Solidity twin. */
export type Impl = "stylus" | "evm";
export const IMPLS: readonly Impl[] = ["stylus", "evm"];

export async function deployCounter(d: CorpusDeployer, impl: Impl): Promise<Address> {
  return impl === "stylus" ? await d.stylus("counter") : await d.solidity("CorpusCounter", [0n]);
}

export async function deployCaller(d: CorpusDeployer, impl: Impl): Promise<Address> {
  return impl === "stylus" ? await d.stylus("caller") : await d.solidity("CorpusCaller");
}

/** The corpus ABIs, read once from Hardhat's artifacts. `events` merges every interface for log decoding. */
export interface CorpusAbis {
  counter: Abi;
  caller: Abi;
  proxy: Abi;
  factory: Abi;
  deployer: Abi;
  nft: Abi;
  receiver: Abi;
  reentrancy: Abi;
  hook: Abi;
  verifier: Abi;
  events: Abi;
}

let loaded: Promise<CorpusAbis> | undefined;

export async function corpusAbis(): Promise<CorpusAbis> {
  loaded ??= (async () => {
    const names: Record<Exclude<keyof CorpusAbis, "events">, CorpusSolidityName> = {
      counter: "ICorpusCounter",
      caller: "ICorpusCaller",
      proxy: "CorpusProxy",
      factory: "CorpusFactory",
      deployer: "ICorpusDeployer",
      nft: "ICorpusNft",
      receiver: "CorpusNftReceiver",
      reentrancy: "ICorpusReentrancy",
      hook: "CorpusReentryHook",
      verifier: "ICorpusVerifier",
    };
    const entries = await Promise.all(Object.entries(names).map(async ([k, n]) => [k, await abiOf(n)] as const));
    const abis = Object.fromEntries(entries) as Omit<CorpusAbis, "events">;
    const events = Object.values(abis).flatMap((abi) => abi.filter((item) => item.type === "event"));
    return { ...abis, events };
  })();
  return await loaded;
}
