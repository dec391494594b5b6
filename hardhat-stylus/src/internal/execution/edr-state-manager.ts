// The combined interpreter's view of chain state: an ethereumjs state manager
// (journal, checkpoints) whose accounts, code and storage are fetched lazily
// from EDR through a StateView at the block the request reads (forks fetch
// remote state the same way). It remembers every value it fetched, so once
// the run is over `diff()` lists exactly what the run changed: storage per
// account, balances, nonces, code. Frames of Stylus programs read and write
// storage through the synchronous `peekStorage`/`pokeStorage` when the value
// is already known, and await `getStorage` only on a cold miss.
import { SimpleStateManager } from "@ethereumjs/statemanager";
import { Account, Address as EthAddress, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { keccak256, type Address, type Hex } from "viem";

import { codeHashOf, lowerCodeHex } from "../chain/code-hash.js";

import type { StateView } from "../chain/state-view.js";

/** An account as the run leaves it, next to what the chain held before. */
export interface AccountDiff {
  address: Address;
  balanceBefore: bigint;
  balanceAfter: bigint;
  nonceBefore: bigint;
  nonceAfter: bigint;
  /** New code when the run created or replaced it. */
  code?: Hex;
  /** Slots whose final value differs from the chain's, in first-write order. */
  storage: Array<{ slot: Hex; value: Hex }>;
}

const EMPTY = new Uint8Array(0);
const EMPTY_CODE_HASH = hexToBytes(keccak256("0x"));

type PrefixedHex = `0x${string}`;

function key(address: EthAddress, slot: Uint8Array): string {
  return `${address.toString()}_${bytesToHex(slot)}`;
}

function stripZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

function word(bytes: Uint8Array): Hex {
  return `0x${bytesToHex(bytes).slice(2).padStart(64, "0")}` as Hex;
}

export class EdrStateManager extends SimpleStateManager {
  readonly view: StateView;
  /** Code served instead of the chain's (ArbOS precompiles get a marker). */
  readonly #codeOverride: (address: Address) => Uint8Array | undefined;
  /** Values as the chain held them, fetched on first use. */
  readonly #pristineAccounts = new Map<string, Account | undefined>();
  readonly #pristineCode = new Map<string, Uint8Array>();
  readonly #pristineStorage = new Map<string, Uint8Array>();
  readonly #writtenSlots = new Map<string, { address: string; slot: Uint8Array }>();
  readonly #pending = new Map<string, Promise<unknown>>();
  /** Hex form of code fetched from the chain (saves re-encoding tens of kilobytes per frame). */
  readonly #codeHex = new WeakMap<Uint8Array, Hex>();

  readonly #knownCode: Map<string, Hex> | undefined;

  constructor(view: StateView, codeOverride: (address: Address) => Uint8Array | undefined, knownCode?: Map<string, Hex>) {
    super();
    this.view = view;
    this.#codeOverride = codeOverride;
    this.#knownCode = knownCode;
    this.originalStorageCache = {
      get: async (address: EthAddress, slot: Uint8Array) => await this.getOriginalStorage(address, slot),
      clear: () => {},
    } as unknown as SimpleStateManager["originalStorageCache"];
  }

  /** Puts a fetched value into every journal layer that does not hold the key yet. */
  #seed<V>(stacks: Array<Map<string, V>>, k: string, value: V): void {
    for (const layer of stacks) if (!layer.has(k)) layer.set(k, value);
  }

  async #once<T>(k: string, load: () => Promise<T>): Promise<T> {
    const running = this.#pending.get(k);
    if (running !== undefined) return (await running) as T;
    const promise = load();
    this.#pending.set(k, promise);
    try {
      return await promise;
    } finally {
      this.#pending.delete(k);
    }
  }

  async #loadAccount(address: EthAddress): Promise<void> {
    const k = address.toString();
    if (this.#pristineAccounts.has(k)) return;
    // Everything cached already (the usual case once a connection warmed up): no awaits.
    const a = k as Address;
    const balance = this.view.peekBalance(a);
    const nonce = balance === undefined ? undefined : this.view.peekNonce(a);
    const code = nonce === undefined ? undefined : this.#peekChainCode(a);
    if (balance !== undefined && nonce !== undefined && code !== undefined) {
      this.#settleAccount(k, balance, nonce, code);
      return;
    }
    await this.#once(`a:${k}`, async () => {
      const [balance, nonce, code] = await Promise.all([this.view.getBalance(a), this.view.getNonce(a), this.#chainCode(a)]);
      if (this.#pristineAccounts.has(k)) return;
      this.#settleAccount(k, balance, nonce, code);
    });
  }

  /** Records an account as the chain holds it and seeds every journal layer that lacks it. */
  #settleAccount(k: string, balance: bigint, nonce: bigint, code: Uint8Array): void {
    const exists = balance !== 0n || nonce !== 0n || code.length > 0;
    const account = exists
      ? new Account(nonce, balance, undefined, code.length > 0 ? hexToBytes(codeHashOf(this.codeHexOf(code))) : EMPTY_CODE_HASH)
      : undefined;
    this.#pristineAccounts.set(k, account);
    this.#pristineCode.set(k, code);
    for (const layer of this.accountStack) {
      if (!layer.has(k as PrefixedHex)) layer.set(k as PrefixedHex, account === undefined ? undefined : copyAccount(account));
    }
    this.#seed(this.codeStack as Array<Map<string, Uint8Array>>, k, code);
  }

  /** The code #chainCode would return, if it is known without a request. */
  #peekChainCode(address: Address): Uint8Array | undefined {
    const override = this.#codeOverride(address);
    if (override !== undefined) return override;
    const hex = this.#knownCode?.get(address.toLowerCase()) ?? this.view.peekCode(address);
    if (hex === undefined) return undefined;
    const code = codeBytes(hex);
    this.#codeHex.set(code, lowerCodeHex(hex));
    return code;
  }

  async #chainCode(address: Address): Promise<Uint8Array> {
    const override = this.#codeOverride(address);
    if (override !== undefined) return override;
    const hex = this.#knownCode?.get(address.toLowerCase()) ?? (await this.view.getCode(address));
    const code = codeBytes(hex);
    this.#codeHex.set(code, lowerCodeHex(hex));
    return code;
  }

  /** 0x-hex of code this state manager returned (memoised for code read from the chain). */
  codeHexOf(code: Uint8Array): Hex {
    let hex = this.#codeHex.get(code);
    if (hex === undefined) {
      hex = bytesToHex(code) as Hex;
      this.#codeHex.set(code, hex);
    }
    return hex;
  }

  override async getAccount(address: EthAddress): Promise<Account | undefined> {
    const k = address.toString() as PrefixedHex;
    const top = this.topAccountStack();
    if (!top.has(k)) await this.#loadAccount(address);
    return this.topAccountStack().get(k);
  }

  override async getCode(address: EthAddress): Promise<Uint8Array> {
    const k = address.toString() as PrefixedHex;
    if (!this.topCodeStack().has(k)) await this.#loadAccount(address);
    return this.topCodeStack().get(k) ?? EMPTY;
  }

  /** The code if it is known without a chain read. */
  peekCode(address: Address): Uint8Array | undefined {
    return this.topCodeStack().get(address.toLowerCase() as PrefixedHex);
  }

  /** The account if it is known without a chain read (null: known not to exist). */
  peekAccount(address: Address): Account | null | undefined {
    const top = this.topAccountStack();
    const k = address.toLowerCase() as PrefixedHex;
    if (!top.has(k)) return undefined;
    return top.get(k) ?? null;
  }

  override async putCode(address: EthAddress, value: Uint8Array): Promise<void> {
    await this.#loadAccount(address);
    await super.putCode(address, value);
  }

  override async putAccount(address: EthAddress, account?: Account): Promise<void> {
    await this.#loadAccount(address);
    await super.putAccount(address, account);
  }

  async #loadSlot(address: EthAddress, slot: Uint8Array): Promise<void> {
    const k = key(address, slot);
    if (this.#pristineStorage.has(k)) return;
    const known = this.view.peekStorageAt(address.toString() as Address, word(slot));
    if (known !== undefined) {
      const value = stripZeros(hexToBytes(known));
      this.#pristineStorage.set(k, value);
      this.#seed(this.storageStack, k, value);
      return;
    }
    await this.#once(`s:${k}`, async () => {
      const value = stripZeros(hexToBytes(await this.view.getStorageAt(address.toString() as Address, word(slot))));
      if (this.#pristineStorage.has(k)) return;
      this.#pristineStorage.set(k, value);
      this.#seed(this.storageStack, k, value);
    });
  }

  override async getStorage(address: EthAddress, slot: Uint8Array): Promise<Uint8Array> {
    const k = key(address, slot);
    if (!this.topStorageStack().has(k)) await this.#loadSlot(address, slot);
    return this.topStorageStack().get(k) ?? EMPTY;
  }

  override async putStorage(address: EthAddress, slot: Uint8Array, value: Uint8Array): Promise<void> {
    await this.#loadSlot(address, slot);
    this.pokeStorage(address, slot, value);
  }

  /** Storage value at the start of the run (EIP-2200's "original"). */
  async getOriginalStorage(address: EthAddress, slot: Uint8Array): Promise<Uint8Array> {
    await this.#loadSlot(address, slot);
    return this.#pristineStorage.get(key(address, slot)) ?? EMPTY;
  }

  peekOriginalStorage(address: EthAddress, slot: Uint8Array): Uint8Array | undefined {
    return this.#pristineStorage.get(key(address, slot));
  }

  /** Current value if known without a chain read. */
  peekStorage(address: EthAddress, slot: Uint8Array): Uint8Array | undefined {
    return this.topStorageStack().get(key(address, slot));
  }

  /** Synchronous write; the slot's pristine value must be loaded already. */
  pokeStorage(address: EthAddress, slot: Uint8Array, value: Uint8Array): void {
    const k = key(address, slot);
    if (!this.#writtenSlots.has(k)) this.#writtenSlots.set(k, { address: address.toString(), slot: slot.slice() });
    this.topStorageStack().set(k, stripZeros(value));
  }

  override async clearStorage(address: EthAddress): Promise<void> {
    await super.clearStorage(address);
  }

  override shallowCopy(): SimpleStateManager {
    throw new Error("hardhat-stylus: the interpreter's state manager cannot be copied");
  }

  /** What the run changed, per account (accounts the run only read are left out). */
  diff(): AccountDiff[] {
    const out = new Map<string, AccountDiff>();
    const entry = (address: string): AccountDiff => {
      let d = out.get(address);
      if (d === undefined) {
        const before = this.#pristineAccounts.get(address);
        const after = this.topAccountStack().get(address as PrefixedHex);
        d = {
          address: address as Address,
          balanceBefore: before?.balance ?? 0n,
          balanceAfter: after?.balance ?? 0n,
          nonceBefore: before?.nonce ?? 0n,
          nonceAfter: after?.nonce ?? 0n,
          storage: [],
        };
        out.set(address, d);
      }
      return d;
    };
    for (const [k, { address, slot }] of this.#writtenSlots) {
      const before = this.#pristineStorage.get(k) ?? EMPTY;
      const after = this.topStorageStack().get(k) ?? EMPTY;
      if (bytesToHex(before) !== bytesToHex(after)) entry(address).storage.push({ slot: word(slot), value: word(after) });
    }
    for (const [address, before] of this.#pristineAccounts) {
      const after = this.topAccountStack().get(address as PrefixedHex);
      if ((before?.balance ?? 0n) !== (after?.balance ?? 0n) || (before?.nonce ?? 0n) !== (after?.nonce ?? 0n)) entry(address);
      const codeBefore = this.#pristineCode.get(address) ?? EMPTY;
      const codeAfter = this.topCodeStack().get(address as PrefixedHex) ?? EMPTY;
      if (codeBefore !== codeAfter && bytesToHex(codeBefore) !== bytesToHex(codeAfter)) {
        entry(address).code = bytesToHex(codeAfter) as Hex;
      }
    }
    return [...out.values()];
  }
}

/** Bytes of recently seen code (programs are tens of kilobytes and read on every request); treat as read-only. */
const codeCache = new Map<string, Uint8Array>();

function codeBytes(hex: Hex): Uint8Array {
  const key = lowerCodeHex(hex);
  let bytes = codeCache.get(key);
  if (bytes === undefined) {
    bytes = hexToBytes(key as Hex);
    if (codeCache.size >= 128) {
      const oldest = codeCache.keys().next().value;
      if (oldest !== undefined) codeCache.delete(oldest);
    }
    codeCache.set(key, bytes);
  }
  return bytes;
}

function copyAccount(account: Account): Account {
  return new Account(account.nonce, account.balance, account.storageRoot, account.codeHash);
}
