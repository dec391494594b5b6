// A StateView for planning a block of several transactions: it answers from
// what the earlier transactions of the block left (their interpreter diffs,
// the senders' nonces and fees) before reading EDR's latest state, so every
// run of the block sees the state the previous runs produced, as a mined
// block's transactions do.
import { keccak256, type Address, type Hex } from "viem";

import type { AccountDiff } from "../execution/edr-state-manager.js";

import type { BlockTag, ChainRpc } from "./chain-rpc.js";

import { StateView } from "./state-view.js";

const ZERO_WORD: Hex = `0x${"0".repeat(64)}`;
const EMPTY_CODE_HASH = keccak256("0x");

function word(value: Hex): Hex {
  return `0x${BigInt(value).toString(16).padStart(64, "0")}`;
}

export class ChainedStateView extends StateView {
  readonly #code = new Map<string, Hex>();
  readonly #balance = new Map<string, bigint>();
  readonly #nonce = new Map<string, bigint>();
  readonly #storage = new Map<string, Hex>();

  /** `tag`: the state the block starts from (the latest block when planning one, the parent block when replaying one). */
  constructor(rpc: ChainRpc, tag: BlockTag = "latest") {
    super(rpc, tag);
  }

  override async getCode(address: Address): Promise<Hex> {
    return this.#code.get(address.toLowerCase()) ?? (await super.getCode(address));
  }

  override async getStorageAt(address: Address, slot: Hex): Promise<Hex> {
    const key = `${address.toLowerCase()}_${word(slot)}`;
    return this.#storage.get(key) ?? (await super.getStorageAt(address, slot));
  }

  override async getBalance(address: Address): Promise<bigint> {
    return this.#balance.get(address.toLowerCase()) ?? (await super.getBalance(address));
  }

  override async getNonce(address: Address): Promise<bigint> {
    return this.#nonce.get(address.toLowerCase()) ?? (await super.getNonce(address));
  }

  // The synchronous fast path of the interpreter's state manager: the block's own values first, too.
  override peekCode(address: Address): Hex | undefined {
    return this.#code.get(address.toLowerCase()) ?? super.peekCode(address);
  }

  override peekStorageAt(address: Address, slot: Hex): Hex | undefined {
    return this.#storage.get(`${address.toLowerCase()}_${word(slot)}`) ?? super.peekStorageAt(address, slot);
  }

  override peekBalance(address: Address): bigint | undefined {
    return this.#balance.get(address.toLowerCase()) ?? super.peekBalance(address);
  }

  override peekNonce(address: Address): bigint | undefined {
    return this.#nonce.get(address.toLowerCase()) ?? super.peekNonce(address);
  }

  override async getCodeHash(address: Address): Promise<Hex> {
    const code = await this.getCode(address);
    if (code !== "0x") return keccak256(code);
    const [balance, nonce] = await Promise.all([this.getBalance(address), this.getNonce(address)]);
    return balance === 0n && nonce === 0n ? ZERO_WORD : EMPTY_CODE_HASH;
  }

  setCode(address: Address, code: Hex): void {
    this.#code.set(address.toLowerCase(), code);
  }

  setNonce(address: Address, nonce: bigint): void {
    this.#nonce.set(address.toLowerCase(), nonce);
  }

  /** Adds `delta` (may be negative) to the balance the block has reached. */
  async addBalance(address: Address, delta: bigint): Promise<void> {
    if (delta === 0n) return;
    const now = await this.getBalance(address);
    this.#balance.set(address.toLowerCase(), now + delta);
  }

  /** Puts what one run changed on top of the view. */
  apply(accounts: readonly AccountDiff[]): void {
    for (const account of accounts) {
      const address = account.address.toLowerCase();
      this.#balance.set(address, account.balanceAfter);
      this.#nonce.set(address, account.nonceAfter);
      if (account.code !== undefined) this.#code.set(address, account.code);
      for (const write of account.storage) this.#storage.set(`${address}_${word(write.slot)}`, word(write.value));
    }
  }
}
