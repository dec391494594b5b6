// The ethers v5 that @arbitrum/sdk is built on, loaded from the SDK's own
// dependency (the workspace's top-level `ethers` is v6, which the SDK cannot
// use), and the two kinds of provider the workspace hands the SDK: one for a
// URL (the parent chain) and one over a Hardhat connection's EIP-1193
// provider (the child chain, in-process or remote).
import type { providers as ProvidersV5, Wallet as WalletV5 } from "@arbitrum/sdk/node_modules/ethers";
import type { EIP1193Provider } from "hardhat/types/providers";

import { createRequire } from "node:module";

type EthersV5 = typeof import("@arbitrum/sdk/node_modules/ethers");

const requireFromSdk = createRequire(createRequire(import.meta.url).resolve("@arbitrum/sdk"));

/** ethers v5 exactly as the SDK resolves it. */
export const ethersV5: EthersV5 = requireFromSdk("ethers") as EthersV5;

export type ProviderV5 = ProvidersV5.Provider;
export type JsonRpcProviderV5 = ProvidersV5.JsonRpcProvider;
export type SignerV5 = WalletV5;

/** A provider for a JSON-RPC URL with a fixed polling interval (deposit waits poll the child). */
export function urlProvider(url: string, pollingIntervalMs = 250): JsonRpcProviderV5 {
  const provider = new ethersV5.providers.StaticJsonRpcProvider(url);
  provider.pollingInterval = pollingIntervalMs;
  return provider;
}

/** A provider over a Hardhat connection (EIP-1193), e.g. the in-process child chain. */
export function eip1193Provider(provider: EIP1193Provider, pollingIntervalMs = 250): JsonRpcProviderV5 {
  const web3 = new ethersV5.providers.Web3Provider(
    { request: async (args: { method: string; params?: unknown[] }) => await provider.request(args) } as ProvidersV5.ExternalProvider,
  );
  web3.pollingInterval = pollingIntervalMs;
  return web3;
}

/** A signer for a private key on a provider. */
export function keySigner(privateKey: string, provider: ProviderV5): SignerV5 {
  return new ethersV5.Wallet(privateKey, provider);
}
