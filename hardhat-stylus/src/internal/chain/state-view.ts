// A read-only view of chain state at one block, through `next`, with the
// optional eth_call state override applied on top (code, balance, state,
// stateDiff per address), so cargo-stylus's fee estimation and nested reads
// see what the caller asked for.
import { keccak256, type Address, type Hex } from "viem";

import type { BlockTag, ChainRpc } from "./chain-rpc.js";

import { repairCode } from "./code-repair.js";

/** One address of an eth_call state override (geth's format). */
export interface AccountOverride {
  code?: Hex;
  balance?: Hex;
  nonce?: Hex;
  state?: Record<Hex, Hex>;
  stateDiff?: Record<Hex, Hex>;
}

export type StateOverride = Record<Address, AccountOverride>;

const EMPTY_CODE_HASH = keccak256("0x");

export class StateView {
  readonly rpc: ChainRpc;
  readonly tag: BlockTag;
  readonly override: StateOverride | undefined;
  readonly #overrideByAddress = new Map<string, AccountOverride>();

  constructor(rpc: ChainRpc, tag: BlockTag, override?: StateOverride) {
    this.rpc = rpc;
    this.tag = tag;
    this.override = override;
    for (const [address, account] of Object.entries(override ?? {})) {
      this.#overrideByAddress.set(address.toLowerCase(), account);
    }
  }

  #overrideOf(address: string): AccountOverride | undefined {
    return this.#overrideByAddress.get(address.toLowerCase());
  }

  async getCode(address: Address): Promise<Hex> {
    const code = this.#overrideOf(address)?.code;
    if (code !== undefined) return code;
    return await repairCode(this.rpc, address, await this.rpc.getCode(address, this.tag), this.tag);
  }

  async getStorageAt(address: Address, slot: Hex): Promise<Hex> {
    const account = this.#overrideOf(address);
    const key = normaliseWord(slot);
    if (account?.state !== undefined) {
      return findSlot(account.state, key) ?? `0x${"0".repeat(64)}`;
    }
    const diff = account?.stateDiff === undefined ? undefined : findSlot(account.stateDiff, key);
    return diff ?? normaliseWord(await this.rpc.getStorageAt(address, key, this.tag));
  }

  async getBalance(address: Address): Promise<bigint> {
    const balance = this.#overrideOf(address)?.balance;
    return balance !== undefined ? BigInt(balance) : await this.rpc.getBalance(address, this.tag);
  }

  async getNonce(address: Address): Promise<bigint> {
    const nonce = this.#overrideOf(address)?.nonce;
    return nonce !== undefined ? BigInt(nonce) : await this.rpc.getTransactionCount(address, this.tag);
  }

  /** The code if it is known without a request (an override, or cached at "latest"). */
  peekCode(address: Address): Hex | undefined {
    const code = this.#overrideOf(address)?.code;
    if (code !== undefined) return code;
    return this.tag === "latest" ? (this.rpc.peekLatest("code", address) as Hex | undefined) : undefined;
  }

  /** The balance if it is known without a request. */
  peekBalance(address: Address): bigint | undefined {
    const balance = this.#overrideOf(address)?.balance;
    if (balance !== undefined) return BigInt(balance);
    return this.tag === "latest" ? (this.rpc.peekLatest("balance", address) as bigint | undefined) : undefined;
  }

  /** The nonce if it is known without a request. */
  peekNonce(address: Address): bigint | undefined {
    const nonce = this.#overrideOf(address)?.nonce;
    if (nonce !== undefined) return BigInt(nonce);
    return this.tag === "latest" ? (this.rpc.peekLatest("nonce", address) as bigint | undefined) : undefined;
  }

  /** A slot (a 32-byte word) if it is known without a request. */
  peekStorageAt(address: Address, slot: Hex): Hex | undefined {
    const account = this.#overrideOf(address);
    if (account?.state !== undefined || account?.stateDiff !== undefined) return undefined;
    return this.tag === "latest" ? this.rpc.peekLatestStorage(address, slot) : undefined;
  }

  /** EXTCODEHASH: 0 for an empty account (no code, nonce 0, balance 0), keccak(code) otherwise. */
  async getCodeHash(address: Address): Promise<Hex> {
    const code = await this.getCode(address);
    if (code !== "0x") return keccak256(code);
    const [balance, nonce] = await Promise.all([
      this.getBalance(address),
      this.rpc.getTransactionCount(address, this.tag),
    ]);
    return balance === 0n && nonce === 0n ? `0x${"0".repeat(64)}` : EMPTY_CODE_HASH;
  }
}

function normaliseWord(word: Hex): Hex {
  return `0x${BigInt(word).toString(16).padStart(64, "0")}`;
}

function findSlot(map: Record<Hex, Hex>, key: Hex): Hex | undefined {
  for (const [slot, value] of Object.entries(map)) {
    if (BigInt(slot) === BigInt(key)) return normaliseWord(value as Hex);
  }
  return undefined;
}
