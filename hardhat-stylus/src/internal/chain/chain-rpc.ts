// Typed access to the chain below the plugin: every method sends a JSON-RPC
// request through the hook chain's `next`, so it reaches EDR (and, on a
// fork, EDR's lazy remote reads) exactly like any other request. Reads at
// "latest" are answered from the connection's StateCache when it holds the
// value; every request that may change state updates or empties it.
import type { Address, Hex } from "viem";

import { CodeRestores } from "./code-restores.js";
import { READ_ONLY_METHODS, StateCache, storageWord, type MinedChanges } from "./state-cache.js";

/** Sends one JSON-RPC request below the plugin and resolves with its result (rejects on JSON-RPC errors). */
export type SendBelow = (method: string, params: unknown[]) => Promise<unknown>;

/** A block tag as JSON-RPC accepts it: a name, a hex number, or an EIP-1898 object. */
export type BlockTag = string | { blockHash: Hex } | { blockNumber: Hex };

/** The fields of a block the runtime needs for its execution context. */
export interface BlockHeaderInfo {
  number: bigint;
  timestamp: bigint;
  baseFeePerGas: bigint;
  gasLimit: bigint;
  coinbase: Address;
}

/** A transaction receipt reduced to what the plugin reads. */
export interface ReceiptInfo {
  status: "0x1" | "0x0";
  contractAddress: Address | null;
  gasUsed: Hex;
  transactionHash: Hex;
}

/** A transaction as `eth_sendTransaction` takes it (hex quantities). */
export interface RpcTransaction {
  from: Address;
  to?: Address | null;
  data?: Hex;
  value?: Hex;
  gas?: Hex;
  nonce?: Hex;
  gasPrice?: Hex;
  maxFeePerGas?: Hex;
  maxPriorityFeePerGas?: Hex;
  accessList?: unknown;
  type?: Hex;
}

/** Values that never change for a connection, kept across requests. */
export interface ConnectionConstants {
  chainId?: bigint;
  /** Automine as last read or set through evm_setAutomine (the hook sees every such request). */
  automine?: boolean;
  /** EDR answers a send whose transaction failed with an error (the network's throwOnTransactionFailures). */
  sendsThrowOnFailure?: boolean;
  /**
   * A transaction costs its sender exactly gas used × effective gas price plus the value it moves
   * (an in-process chain of type l1 or generic; OP chains add a data fee).
   */
  feesAreGasOnly?: boolean;
}

/** A block as eth_getBlockBy* returns it, reduced to what the plugin reads. */
interface RawBlock {
  number: Hex | null;
  timestamp: Hex;
  baseFeePerGas?: Hex;
  gasLimit: Hex;
  miner: Address;
  gasUsed?: Hex;
  transactions?: unknown[];
}

/** What the cache held of a sender before its transaction was sent. */
export interface SenderBefore {
  nonce: bigint | undefined;
  balance: bigint | undefined;
}

/** A transaction of a block read with full transactions, reduced to what the plugin reads. */
interface RawBlockTransaction {
  hash: Hex;
  gasPrice?: Hex;
  value?: Hex;
}

function headerOf(raw: RawBlock): BlockHeaderInfo {
  return {
    number: BigInt(raw.number ?? "0x0"),
    timestamp: BigInt(raw.timestamp),
    baseFeePerGas: BigInt(raw.baseFeePerGas ?? "0x0"),
    gasLimit: BigInt(raw.gasLimit),
    coinbase: raw.miner,
  };
}

/** Methods that send a transaction (EDR mines it with automine). */
const SEND_METHODS = new Set(["eth_sendTransaction", "eth_sendRawTransaction"]);

export class ChainRpc {
  readonly #send: SendBelow;
  readonly #constants: ConnectionConstants;
  /** The connection's cache of state at "latest" (a throwaway one when none is given). */
  readonly cache: StateCache;
  /** Code the connection still has to put back in EDR (the `send` given applies them first). */
  readonly #restores: CodeRestores;
  /** Set by `sendMined`: the changes of the send in flight are known, forget only those. */
  #minedChanges: MinedChanges | undefined;

  constructor(send: SendBelow, constants: ConnectionConstants = {}, cache: StateCache = new StateCache(), restores: CodeRestores = new CodeRestores()) {
    this.#send = send;
    this.#constants = constants;
    this.cache = cache;
    this.#restores = restores;
  }

  /**
   * Leaves `installed` (the code EDR holds at `address`) until a request could observe it
   * (code-restores.ts), and answers code reads at "latest" with `code` meanwhile.
   */
  deferCodeRestore(address: Address, code: Hex, installed: Hex): void {
    this.#restores.defer(address, code, installed);
    this.cache.setCode(address, code);
  }

  /** Puts `code` at `address` in EDR, unless a deferred restore left exactly that code there (one request fewer). */
  async installCode(address: Address, code: Hex): Promise<void> {
    if (!this.#restores.claim(address, code)) await this.setCode(address, code);
  }

  async request<T>(method: string, params: unknown[] = []): Promise<T> {
    if (READ_ONLY_METHODS.has(method)) return (await this.#send(method, params)) as T;
    let tracked = false;
    try {
      const result = (await this.#send(method, params)) as T;
      tracked = this.cache.noteWrite(method, params);
      return result;
    } finally {
      if (!tracked) {
        const mined = SEND_METHODS.has(method) ? this.#minedChanges : undefined;
        if (mined !== undefined) this.cache.forgetMined(mined);
        else this.cache.clear(method, params);
      }
    }
  }

  /**
   * Sends a transaction through `send` (which calls `request`) when the caller knows every
   * account and slot mining it can change: the cache forgets only those. When the latest block
   * then holds exactly this transaction, the cache learns the new header, the sender's next nonce
   * and, if the receipt says it succeeded, the values of the slots it wrote; when EDR mined
   * anything else with it (or the send failed), the cache forgets everything.
   */
  async sendMined(changes: MinedChanges, send: () => Promise<Hex>): Promise<Hex> {
    const sender = this.senderBefore(changes);
    this.#minedChanges = changes;
    let hash: Hex;
    try {
      hash = await send();
    } catch (error) {
      // Mined or not, the block is not checked: forget everything.
      this.cache.clear();
      throw error;
    } finally {
      this.#minedChanges = undefined;
    }
    await this.learnMined(changes, hash, sender);
    return hash;
  }

  /** The sender's nonce and balance the cache holds before a send (for `learnMined`). */
  senderBefore(changes: MinedChanges): SenderBefore {
    return { nonce: this.cache.getNonce(changes.sender), balance: this.cache.getBalance(changes.sender) };
  }

  /**
   * After a send that mined `hash` (the cache has already forgotten `changes`): when the latest
   * block holds exactly this transaction (and, if `changes.gasUsed` is given, used exactly that
   * gas), learns the new header, the sender's next nonce and balance and, if it succeeded, the
   * written slots; otherwise forgets everything.
   */
  async learnMined(changes: MinedChanges, hash: Hex, sender: SenderBefore): Promise<void> {
    const { nonce: senderNonce, balance: senderBalance } = sender;
    // The transaction is the sent one: no alias names it (failed or not).
    this.cache.noteMinedAsItself(hash);
    const block = await this.request<RawBlock | null>("eth_getBlockByNumber", ["latest", true]);
    const only = block?.transactions;
    const mined = only?.length === 1 ? (only[0] as RawBlockTransaction) : undefined;
    if (
      block === null ||
      mined?.hash?.toLowerCase() !== hash.toLowerCase() ||
      (changes.gasUsed !== undefined && (block.gasUsed === undefined || BigInt(block.gasUsed) !== changes.gasUsed))
    ) {
      this.cache.clear();
      return;
    }
    // The block mined this transaction alone: besides the known changes, only the coinbase's fee.
    this.cache.forgetMined({ sender: changes.sender, accounts: [block.miner], slots: [] });
    this.cache.latestBlock = headerOf(block);
    if (senderNonce !== undefined) this.cache.setNonce(changes.sender, senderNonce + 1n);
    // A send EDR answered without an error succeeded when failures throw; otherwise the receipt says.
    let succeeded: boolean | undefined = this.#constants.sendsThrowOnFailure === true ? true : undefined;
    const knowSucceeded = async (): Promise<boolean> =>
      (succeeded ??= (await this.request<{ status?: Hex } | null>("eth_getTransactionReceipt", [hash]))?.status === "0x1");
    if (changes.slots.length > 0 && (await knowSucceeded())) {
      for (const { address, slot, value } of changes.slots) this.cache.setStorage(address, slot, value);
    }
    // The sender paid gas used × effective price (and the value, if it went through): no need to read it again.
    const others = changes.accounts.filter((a) => a.toLowerCase() !== changes.sender.toLowerCase());
    if (
      this.#constants.feesAreGasOnly === true &&
      senderBalance !== undefined &&
      others.length === 0 &&
      block.miner.toLowerCase() !== changes.sender.toLowerCase() &&
      block.gasUsed !== undefined &&
      mined.gasPrice !== undefined
    ) {
      const value = (await knowSucceeded()) ? BigInt(mined.value ?? "0x0") : 0n;
      this.cache.setBalance(changes.sender, senderBalance - BigInt(block.gasUsed) * BigInt(mined.gasPrice) - value);
    }
  }

  /**
   * Values at "latest" the cache holds and may serve without a request (undefined otherwise), for
   * callers with a synchronous fast path; the async getters stay the reference.
   */
  peekLatest(kind: "code" | "balance" | "nonce", address: Address): Hex | bigint | undefined {
    return kind === "code" ? this.cache.getCode(address) : kind === "balance" ? this.cache.getBalance(address) : this.cache.getNonce(address);
  }

  /** A slot at "latest" the cache holds and may serve without a request (a 32-byte word), else undefined. */
  peekLatestStorage(address: Address, slot: Hex): Hex | undefined {
    return this.cache.getStorage(address, slot);
  }

  async getCode(address: Address, tag: BlockTag): Promise<Hex> {
    if (tag !== "latest") return await this.request<Hex>("eth_getCode", [address, tag]);
    const known = this.cache.getCode(address);
    if (known !== undefined) return known;
    const code = await this.request<Hex>("eth_getCode", [address, tag]);
    this.cache.setCode(address, code);
    return this.cache.getCode(address) as Hex;
  }

  async getStorageAt(address: Address, slot: Hex, tag: BlockTag): Promise<Hex> {
    if (tag !== "latest") return await this.request<Hex>("eth_getStorageAt", [address, slot, tag]);
    const known = this.cache.getStorage(address, slot);
    if (known !== undefined) return known;
    const value = storageWord(await this.request<Hex>("eth_getStorageAt", [address, slot, tag]));
    this.cache.setStorage(address, slot, value);
    return value;
  }

  async getBalance(address: Address, tag: BlockTag): Promise<bigint> {
    if (tag !== "latest") return BigInt(await this.request<Hex>("eth_getBalance", [address, tag]));
    const known = this.cache.getBalance(address);
    if (known !== undefined) return known;
    const balance = BigInt(await this.request<Hex>("eth_getBalance", [address, tag]));
    this.cache.setBalance(address, balance);
    return balance;
  }

  async getTransactionCount(address: Address, tag: BlockTag): Promise<bigint> {
    if (tag !== "latest") return BigInt(await this.request<Hex>("eth_getTransactionCount", [address, tag]));
    const known = this.cache.getNonce(address);
    if (known !== undefined) return known;
    const nonce = BigInt(await this.request<Hex>("eth_getTransactionCount", [address, tag]));
    this.cache.setNonce(address, nonce);
    return nonce;
  }

  async chainId(): Promise<bigint> {
    this.#constants.chainId ??= BigInt(await this.request<Hex>("eth_chainId"));
    return this.#constants.chainId;
  }

  async getAutomine(): Promise<boolean> {
    this.#constants.automine ??= await this.request<boolean>("hardhat_getAutomine");
    return this.#constants.automine;
  }

  /** The latest block's number (from the cached header when there is one). */
  async blockNumber(): Promise<bigint> {
    return (await this.getBlock("latest")).number;
  }

  async getBlock(tag: BlockTag): Promise<BlockHeaderInfo> {
    if (tag !== "latest") return await this.#readBlock(tag);
    const known = this.cache.latestBlock;
    if (known !== undefined) return known;
    const block = await this.#readBlock(tag);
    this.cache.latestBlock = block;
    return block;
  }

  async #readBlock(tag: BlockTag): Promise<BlockHeaderInfo> {
    const raw =
      typeof tag === "object" && "blockHash" in tag
        ? await this.request<RawBlock | null>("eth_getBlockByHash", [tag.blockHash, false])
        : await this.request<RawBlock | null>("eth_getBlockByNumber", [
            typeof tag === "object" ? tag.blockNumber : tag,
            false,
          ]);
    if (raw === null) throw new Error(`block ${JSON.stringify(tag)} not found`);
    return headerOf(raw);
  }

  async setCode(address: Address, code: Hex): Promise<void> {
    await this.request("hardhat_setCode", [address, code]);
  }

  async setStorageAt(address: Address, slot: Hex, value: Hex): Promise<void> {
    await this.request("hardhat_setStorageAt", [address, slot, value]);
  }

  async impersonate(address: Address): Promise<void> {
    await this.request("hardhat_impersonateAccount", [address]);
  }

  async stopImpersonating(address: Address): Promise<void> {
    await this.request("hardhat_stopImpersonatingAccount", [address]);
  }

  /** The node's accounts (they change only with a reset, which drops the cache). */
  async accounts(): Promise<Address[]> {
    const known = this.cache.accounts;
    if (known !== undefined) return known;
    const accounts = await this.request<Address[]>("eth_accounts");
    this.cache.accounts = accounts;
    return accounts;
  }

  async sendTransaction(tx: RpcTransaction): Promise<Hex> {
    return await this.request<Hex>("eth_sendTransaction", [tx]);
  }

  async getReceipt(hash: Hex): Promise<ReceiptInfo | null> {
    return await this.request<ReceiptInfo | null>("eth_getTransactionReceipt", [hash]);
  }
}
