// A per-connection cache of the chain state the plugin reads at "latest"
// (code, balances, nonces, storage slots, the latest block's header, the
// node's accounts), so an interpreted call or transaction does not send one
// JSON-RPC request below the plugin per value it reads.
//
// Correctness rests on one invariant: every request that may change EDR's
// state passes through the plugin's hook (the connection's `onRequest`, and
// ChainRpc for the plugin's own requests), and each of them either updates the
// entries it changes (hardhat_setCode/setStorageAt/setBalance/setNonce sent by
// the plugin, a transaction mined through state-applier.ts whose effects are
// known) or empties the cache (anything else whose method is not in
// READ_ONLY_METHODS: sends that EDR executes, evm_mine, evm_revert, snapshots,
// hardhat_reset, hardhat_set*, ...). EDR never mines on its own: interval
// mining is the plugin's timer (chain/interval-miner.ts), whose ticks go
// through the hook as evm_mine requests.
import type { Address, Hex } from "viem";

import type { BlockHeaderInfo } from "./chain-rpc.js";

import { internCode } from "./code-hash.js";

/**
 * Methods that never change the state a later request reads. A request with any other
 * method that reaches EDR empties the cache (unknown methods are treated as writes).
 */
export const READ_ONLY_METHODS: ReadonlySet<string> = new Set([
  "eth_accounts",
  "eth_blobBaseFee",
  "eth_blockNumber",
  "eth_call",
  "eth_chainId",
  "eth_coinbase",
  "eth_createAccessList",
  "eth_estimateGas",
  "eth_feeHistory",
  "eth_gasPrice",
  "eth_getBalance",
  "eth_getBlockByHash",
  "eth_getBlockByNumber",
  "eth_getBlockTransactionCountByHash",
  "eth_getBlockTransactionCountByNumber",
  "eth_getCode",
  "eth_getFilterChanges",
  "eth_getFilterLogs",
  "eth_getLogs",
  "eth_getProof",
  "eth_getStorageAt",
  "eth_getTransactionByBlockHashAndIndex",
  "eth_getTransactionByBlockNumberAndIndex",
  "eth_getTransactionByHash",
  "eth_getTransactionCount",
  "eth_getTransactionReceipt",
  "eth_getUncleByBlockHashAndIndex",
  "eth_getUncleByBlockNumberAndIndex",
  "eth_getUncleCountByBlockHash",
  "eth_getUncleCountByBlockNumber",
  "eth_maxPriorityFeePerGas",
  "eth_mining",
  "eth_newBlockFilter",
  "eth_newFilter",
  "eth_newPendingTransactionFilter",
  "eth_pendingTransactions",
  "eth_protocolVersion",
  "eth_sign",
  "eth_signTransaction",
  "eth_signTypedData_v4",
  "eth_subscribe",
  "eth_syncing",
  "eth_uninstallFilter",
  "eth_unsubscribe",
  "net_listening",
  "net_peerCount",
  "net_version",
  "personal_sign",
  "web3_clientVersion",
  "web3_sha3",
  "debug_traceCall",
  "debug_traceTransaction",
  "debug_traceBlockByHash",
  "debug_traceBlockByNumber",
  "hardhat_getAutomine",
  "hardhat_metadata",
  "hardhat_impersonateAccount",
  "hardhat_stopImpersonatingAccount",
]);

/**
 * Methods after which EDR still holds every program storage slot it held before: EDR runs no
 * Stylus code (a program's storage changes only through the plugin's appliers, whose writes are
 * tracked), and these write no storage. A hardhat_setCode or hardhat_setStorageAt from outside the
 * plugin ends what is known of that account only (see StateCache.clear).
 */
const PROGRAM_STORAGE_KEEPING_METHODS: ReadonlySet<string> = new Set([
  "eth_sendRawTransaction",
  "eth_sendTransaction",
  "evm_increaseTime",
  "evm_setAutomine",
  "evm_setBlockGasLimit",
  "evm_setIntervalMining",
  "evm_setNextBlockTimestamp",
  "evm_snapshot",
  "hardhat_setBalance",
  "hardhat_setCoinbase",
  "hardhat_setLoggingEnabled",
  "hardhat_setMinGasPrice",
  "hardhat_setNextBlockBaseFeePerGas",
  "hardhat_setNonce",
  "hardhat_setPrevRandao",
]);

/** What a transaction mined by the plugin may have changed, besides the latest block and its coinbase. */
export interface MinedChanges {
  /** The transaction's sender (its nonce moves by one when the transaction is mined). */
  sender: Address;
  /** Accounts whose balance or nonce may differ (the sender, accounts the run changed, a target receiving value). */
  accounts: readonly Address[];
  /** Storage slots the mined transaction writes when it succeeds, with the values it writes. */
  slots: ReadonlyArray<{ address: Address; slot: Hex; value: Hex }>;
  /**
   * Set when EDR executes the transaction itself: the gas the interpreter's run of it used. The
   * changes above are EDR's only if its block used exactly that (else the cache forgets all).
   */
  gasUsed?: bigint;
}

/** A 32-byte word as 0x + 64 lowercase hex digits. */
export function storageWord(value: Hex): Hex {
  return `0x${BigInt(value).toString(16).padStart(64, "0")}`;
}

function slotKey(address: string, slot: Hex): string {
  return `${address.toLowerCase()}:${storageWord(slot)}`;
}

const ZERO_WORD: Hex = `0x${"0".repeat(64)}`;
/** Hashes of transactions known to have no alias, at most (then forgotten and read again). */
const UNALIASED_LIMIT = 50_000;
/** Slots kept per program whose whole storage is known (past it, the program is read like others). */
const KNOWN_SLOTS_LIMIT = 100_000;

export class StateCache {
  readonly #code = new Map<string, Hex>();
  readonly #balance = new Map<string, bigint>();
  readonly #nonce = new Map<string, bigint>();
  readonly #storage = new Map<string, Hex>();
  /**
   * Programs whose whole storage the plugin knows (deployed by it with empty storage on a chain
   * that is not a fork): address -> slot key -> value; a slot not listed is zero. Kept across
   * clear() while the clearing request could not have changed a program's storage.
   */
  readonly #known = new Map<string, Map<string, Hex>>();
  /** Accounts that ever got a hardhat_setStorageAt on this connection (never marked as known). */
  readonly #storageSet = new Set<string>();
  /**
   * Hashes of transactions mined under their own hash through this connection: no alias can
   * name them (transaction-aliases.ts keys aliases by the signed hash of a deployment mined as a
   * placeholder). Kept across clear(); bounded.
   */
  readonly #unaliased = new Set<string>();
  #latestBlock: BlockHeaderInfo | undefined;
  #accounts: Address[] | undefined;
  /** Counts emptyings (tests and diagnostics: the cache reacted to a write). */
  clears = 0;

  /**
   * Forgets everything a request EDR executed may have changed. `method` (and its `params`) says
   * which request: without it, or for a method that may write storage, what is known of programs'
   * whole storage goes too.
   */
  clear(method?: string, params?: readonly unknown[]): void {
    const target = typeof params?.[0] === "string" ? params[0].toLowerCase() : undefined;
    if (method === "hardhat_setStorageAt" && target !== undefined) this.#storageSet.add(target);
    this.#code.clear();
    this.#balance.clear();
    this.#nonce.clear();
    this.#storage.clear();
    this.#latestBlock = undefined;
    this.clears++;
    if (this.#known.size === 0) return;
    if (method === "hardhat_setCode" || method === "hardhat_setStorageAt") {
      // Replaced code could be EVM code that EDR runs; a set slot is one the plugin did not write.
      if (target !== undefined) this.#known.delete(target);
      else this.#known.clear();
    } else if (method === undefined || !PROGRAM_STORAGE_KEEPING_METHODS.has(method)) {
      this.#known.clear();
    }
  }

  /** Notes a transaction mined under its own hash (its lookups need no alias read). */
  noteMinedAsItself(hash: string): void {
    if (this.#unaliased.size >= UNALIASED_LIMIT) this.#unaliased.clear();
    this.#unaliased.add(hash.toLowerCase());
  }

  /** Whether `hash` is a transaction mined under its own hash through this connection. */
  minedAsItself(hash: string): boolean {
    return this.#unaliased.has(hash.toLowerCase());
  }

  /** Marks a program just deployed with empty storage as one whose every slot the cache knows. */
  markStorageKnown(address: string): void {
    const key = address.toLowerCase();
    if (this.#storageSet.has(key)) return;
    this.#known.set(key, new Map());
  }

  /** Whether every slot of `address` is known (tests and diagnostics). */
  storageKnown(address: string): boolean {
    return this.#known.has(address.toLowerCase());
  }

  getCode(address: string): Hex | undefined {
    return this.#code.get(address.toLowerCase());
  }

  setCode(address: string, code: Hex): void {
    this.#code.set(address.toLowerCase(), internCode(code));
  }

  getBalance(address: string): bigint | undefined {
    return this.#balance.get(address.toLowerCase());
  }

  setBalance(address: string, balance: bigint): void {
    this.#balance.set(address.toLowerCase(), balance);
  }

  getNonce(address: string): bigint | undefined {
    return this.#nonce.get(address.toLowerCase());
  }

  setNonce(address: string, nonce: bigint): void {
    this.#nonce.set(address.toLowerCase(), nonce);
  }

  getStorage(address: string, slot: Hex): Hex | undefined {
    const key = slotKey(address, slot);
    const cached = this.#storage.get(key);
    if (cached !== undefined) return cached;
    const known = this.#known.get(address.toLowerCase());
    return known === undefined ? undefined : (known.get(key) ?? ZERO_WORD);
  }

  setStorage(address: string, slot: Hex, value: Hex): void {
    const key = slotKey(address, slot);
    const word = storageWord(value);
    this.#storage.set(key, word);
    const known = this.#known.get(address.toLowerCase());
    if (known === undefined) return;
    known.set(key, word);
    // Bounded: a program with that many slots is read from EDR again, like any other account.
    if (known.size > KNOWN_SLOTS_LIMIT) this.#known.delete(address.toLowerCase());
  }

  get latestBlock(): BlockHeaderInfo | undefined {
    return this.#latestBlock === undefined ? undefined : { ...this.#latestBlock };
  }

  set latestBlock(block: BlockHeaderInfo | undefined) {
    this.#latestBlock = block === undefined ? undefined : { ...block };
  }

  get accounts(): Address[] | undefined {
    return this.#accounts === undefined ? undefined : [...this.#accounts];
  }

  set accounts(accounts: Address[] | undefined) {
    this.#accounts = accounts === undefined ? undefined : [...accounts];
  }

  /** A transaction was mined whose possible changes are known: forget exactly those (and the block). */
  forgetMined(changes: MinedChanges): void {
    this.#latestBlock = undefined;
    for (const address of changes.accounts) {
      this.#balance.delete(address.toLowerCase());
      this.#nonce.delete(address.toLowerCase());
    }
    for (const { address, slot } of changes.slots) this.#storage.delete(slotKey(address, slot));
  }

  /** Applies a write the plugin sent below itself (after EDR accepted it). False: not a tracked write. */
  noteWrite(method: string, params: readonly unknown[]): boolean {
    const [address, a, b] = params as [string, Hex, Hex];
    switch (method) {
      case "hardhat_setCode":
        this.setCode(address, a);
        return true;
      case "hardhat_setBalance":
        this.setBalance(address, BigInt(a));
        return true;
      case "hardhat_setNonce":
        this.setNonce(address, BigInt(a));
        return true;
      case "hardhat_setStorageAt":
        this.#storageSet.add(address.toLowerCase());
        this.setStorage(address, a, b);
        return true;
      default:
        return false;
    }
  }
}
