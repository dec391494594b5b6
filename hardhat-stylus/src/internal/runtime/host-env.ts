// The `vm_hooks` (and debug `console`) host functions of one program run,
// with Nitro's semantics and ink/gas charges (user-host-trait lib.rs, arbutil
// evm/req.rs, Go programs/api.go). Chain reads come from a cache shared by
// all runs of one execution; a miss throws NeedReadSignal so the engine can
// fetch the value asynchronously and run again from the start.
import {
  bigintFromBytes,
  encodeErrorString,
  fromHex,
  keccak256,
  normWord,
  toHex,
  wordFromBigint,
  ZERO_WORD,
} from "./bytes.js";
import {
  ACCOUNT_CODE_LOAD_GAS,
  BASE_INK,
  CALL_NEW_ACCOUNT_GAS,
  CALL_STIPEND,
  CALL_VALUE_GAS,
  cacheReadGas,
  cacheWriteGas,
  COLD_ACCOUNT_GAS,
  COLD_SLOAD_GAS,
  CREATE_GAS,
  EVM_API_INK,
  INITCODE_WORD_GAS,
  KECCAK_WORD_GAS,
  keccakPrice,
  LOG_DATA_GAS,
  LOG_TOPIC_GAS,
  memoryGas,
  powPrice,
  readPrice,
  SSTORE_SENTRY_GAS,
  sstoreCost,
  STORAGE_CACHE_REQUIRED_ACCESS_GAS,
  TLOAD_GAS,
  TSTORE_GAS,
  WARM_READ_GAS,
  writePrice,
} from "./pricing.js";
import { ExitSignal, HostRevertSignal, NeedReadSignal, OutOfInkSignal } from "./signals.js";
import type {
  ChainAccess,
  ChainCallResult,
  ChainCreateResult,
  ExecutionContext,
  Hex,
  LogEntry,
} from "./types.js";

const U256 = 1n << 256n;

/** Ink a speculative run may still spend after its first cache miss (1M gas at the default price). */
const SPECULATION_INK_BUDGET = 10_000_000_000n;
const EMPTY = new Uint8Array(0);

/** Precompiles 0x01-0x0a and Arbitrum's 0x64-0x74, 0xff: always warm (EIP-2929). */
function isPrecompile(address: Hex): boolean {
  const n = BigInt(address);
  return (n >= 1n && n <= 0x0an) || (n >= 0x64n && n <= 0x74n) || n === 0xffn;
}

/** Host functions that read the chain or call out: they may suspend in live frames. */
const LIVE_IMPORTS = [
  "storage_load_bytes32",
  "storage_flush_cache",
  "account_balance",
  "account_code",
  "account_code_size",
  "account_codehash",
  "call_contract",
  "delegate_call_contract",
  "static_call_contract",
  "create1",
  "create2",
] as const;

interface CacheWord {
  value: Hex;
  /** The value the chain holds, when known (StorageWord::known). */
  known?: Hex;
}

/** Ink meter: the instrumented module's exported global, or a JS counter for plain modules. */
export interface InkMeter {
  get(): bigint;
  set(ink: bigint): void;
  /** Marks the meter exhausted (status 1). */
  exhaust(): void;
}

/**
 * Live chain access of a frame of the combined interpreter: values already
 * known are answered synchronously, a miss is awaited by the suspending
 * import (JSPI) that asked for it, and writes go straight to the journal.
 */
export interface LiveChain {
  /** The value for a read key (`sload:`, `orig:`, `balance:`, `code:`, `codehash:`) if known without a chain read. */
  peek(key: string): unknown;
  /** Writes a slot of the program's own storage (at `storage_flush_cache`). */
  store(slot: Hex, value: Hex): void;
}

/** State shared by all runs of one execution (the read cache). */
export interface ExecutionShared {
  context: ExecutionContext;
  chain: ChainAccess;
  mode: "call" | "transaction";
  cache: Map<string, unknown>;
  inkPrice: bigint;
  logger: ((line: string) => void) | undefined;
  /** Memory pages open at start (program footprint), for pay_for_memory_grow. */
  footprint: number;
  /** Set for frames of the combined interpreter (one run, host functions may await). */
  live?: LiveChain;
}

/** Per-run state and the host functions. */
export class HostEnv {
  readonly shared: ExecutionShared;
  readonly meter: InkMeter;
  memory: WebAssembly.Memory | undefined;
  outs: Uint8Array = new Uint8Array(0);
  readonly hostCalls: string[] = [];
  readonly logs: LogEntry[] = [];
  /** Flushed writes of this run: slot -> value (first-flush order). */
  readonly committed = new Map<Hex, Hex>();
  gasRefund = 0n;
  /** Chain reads this run needed and did not find in the cache (key -> fetch). */
  readonly missing = new Map<string, () => Promise<unknown>>();
  /** Set after the first miss: the run goes on with placeholders only to discover more misses. */
  speculative = false;
  /** Live mode: values fetched for the host call being retried (consumed once). */
  readonly #fetched = new Map<string, unknown>();
  /** Live mode: every value one host call has read, so a retry sees the same inputs (a nested frame may change state). */
  readonly #sticky = new Map<string, unknown>();
  #storage = new Map<Hex, CacheWord>();
  #cacheReads = 0;
  #cacheWrites = 0;
  #transient = new Map<Hex, Hex>();
  #returnData: Uint8Array = new Uint8Array(0);
  #warmSlots = new Set<Hex>();
  #warmAddresses = new Set<Hex>();
  #lastCode: { address: Hex; code: Uint8Array } | undefined;
  #pagesOpen: number;
  #pagesEver: number;

  constructor(shared: ExecutionShared, meter: InkMeter) {
    this.shared = shared;
    this.meter = meter;
    const ctx = shared.context;
    for (const a of [ctx.address, ctx.sender, ctx.origin, ...(ctx.warmAddresses ?? [])]) {
      this.#warmAddresses.add(a.toLowerCase() as Hex);
    }
    for (const s of ctx.warmSlots ?? []) this.#warmSlots.add(normWord(s));
    this.#pagesOpen = shared.footprint;
    this.#pagesEver = shared.footprint;
  }

  /** Sets the pages open at start (known once the instance exists). */
  setFootprint(pages: number): void {
    this.#pagesOpen = pages;
    this.#pagesEver = pages;
  }

  // ---- metering -------------------------------------------------------------

  buyInk(ink: bigint, hostio: string): void {
    const left = this.meter.get();
    if (left < ink) {
      this.meter.exhaust();
      throw new OutOfInkSignal(hostio);
    }
    this.meter.set(left - ink);
  }

  requireInk(ink: bigint, hostio: string): void {
    if (this.meter.get() < ink) {
      this.meter.exhaust();
      throw new OutOfInkSignal(hostio);
    }
  }

  buyGas(gas: bigint, hostio: string): void {
    this.buyInk(gas * this.shared.inkPrice, hostio);
  }

  requireGas(gas: bigint, hostio: string): void {
    this.requireInk(gas * this.shared.inkPrice, hostio);
  }

  gasLeft(): bigint {
    return this.meter.get() / this.shared.inkPrice;
  }

  // ---- memory ---------------------------------------------------------------

  #mem(): Uint8Array {
    if (this.memory === undefined) throw new HostRevertSignal("revert", "program memory not available", new Uint8Array(0));
    return new Uint8Array(this.memory.buffer);
  }

  read(ptr: number, len: number): Uint8Array {
    const mem = this.#mem();
    const p = ptr >>> 0;
    const l = len >>> 0;
    if (p + l > mem.length) {
      const message = `memory access out of bounds: read ${l} bytes at ${p} (memory is ${mem.length} bytes)`;
      throw new HostRevertSignal("revert", message, new TextEncoder().encode(message));
    }
    return mem.slice(p, p + l);
  }

  write(ptr: number, bytes: Uint8Array): void {
    const mem = this.#mem();
    const p = ptr >>> 0;
    if (p + bytes.length > mem.length) {
      const message = `memory access out of bounds: write ${bytes.length} bytes at ${p} (memory is ${mem.length} bytes)`;
      throw new HostRevertSignal("revert", message, new TextEncoder().encode(message));
    }
    mem.set(bytes, p);
  }

  writeU32(ptr: number, value: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, value >>> 0, true);
    this.write(ptr, b);
  }

  readAddress(ptr: number): Hex {
    return toHex(this.read(ptr, 20));
  }

  readWord(ptr: number): Hex {
    return toHex(this.read(ptr, 32));
  }

  // ---- chain reads through the re-execution cache ---------------------------

  /**
   * A chain value from the cache. On a miss the read is recorded; plain state
   * reads (with a placeholder) then continue speculatively so one run can
   * collect every independent miss, calls out stop the run at once.
   */
  #need<T>(key: string, fetch: () => Promise<T>, placeholder?: T): T {
    const live = this.shared.live;
    if (live !== undefined) {
      if (this.#sticky.has(key)) return this.#sticky.get(key) as T;
      if (this.#fetched.has(key)) {
        const value = this.#fetched.get(key) as T;
        this.#fetched.delete(key);
        this.#sticky.set(key, value);
        return value;
      }
      if (!key.startsWith("call:") && !key.startsWith("create:")) {
        const known = live.peek(key);
        if (known !== undefined) {
          this.#sticky.set(key, known);
          return known as T;
        }
      }
      throw new NeedReadSignal(key, fetch);
    }
    if (this.shared.cache.has(key)) return this.shared.cache.get(key) as T;
    if (placeholder === undefined) {
      // A call out made on a speculative path may carry placeholder-derived inputs: do not fetch it.
      if (!this.speculative) this.missing.set(key, fetch);
      throw new NeedReadSignal(key, fetch);
    }
    this.missing.set(key, fetch);
    if (!this.speculative) {
      this.speculative = true;
      // The run's result is discarded: bound the work spent on the speculative path.
      const left = this.meter.get();
      if (left > SPECULATION_INK_BUDGET) this.meter.set(SPECULATION_INK_BUDGET);
    }
    return placeholder;
  }

  #chainSlot(slot: Hex): Hex {
    const { address } = this.shared.context;
    return this.#need(`sload:${slot}`, async () => normWord(await this.shared.chain.getStorageAt(address, slot)), ZERO_WORD);
  }

  /** Current value of a slot as the EVM sees it mid-run (flushed writes first). */
  #currentSlot(slot: Hex): Hex {
    if (this.shared.live !== undefined) return this.#chainSlot(slot);
    return this.committed.get(slot) ?? this.#chainSlot(slot);
  }

  /** Value of a slot when the transaction started (EIP-2200's original). */
  #originalSlot(slot: Hex): Hex {
    const { address } = this.shared.context;
    const chain = this.shared.chain;
    if (this.shared.live === undefined || chain.getOriginalStorageAt === undefined) return this.#chainSlot(slot);
    const read = chain.getOriginalStorageAt.bind(chain);
    return this.#need(`orig:${slot}`, async () => normWord(await read(address, slot)), ZERO_WORD);
  }

  #touchAddress(address: Hex): bigint {
    if (this.#warmAddresses.has(address) || isPrecompile(address)) return WARM_READ_GAS;
    this.#warmAddresses.add(address);
    return COLD_ACCOUNT_GAS;
  }

  #writeProtection(hostio: string): never {
    const message = `write protection: ${hostio} in a static call`;
    throw new HostRevertSignal("revert", message, new TextEncoder().encode(message));
  }

  #unsupported(hostio: string, why: string): never {
    const reason = `unsupported in this context: ${hostio}`;
    throw new HostRevertSignal("unsupported-host", `${reason} (${why})`, encodeErrorString(reason));
  }

  /** Builds the import object for one instantiation. */
  imports(): WebAssembly.Imports {
    const ctx = this.shared.context;
    const ink = (name: keyof typeof BASE_INK): void => {
      this.hostCalls.push(name);
      this.buyInk(BASE_INK[name], name);
    };
    const vmHooks = {
      read_args: (ptr: number): void => {
        ink("read_args");
        this.buyInk(writePrice(ctx.calldata.length), "read_args");
        this.write(ptr, ctx.calldata);
      },
      write_result: (ptr: number, len: number): void => {
        ink("write_result");
        this.buyInk(readPrice(len), "write_result");
        this.buyInk(readPrice(len), "write_result");
        this.outs = this.read(ptr, len);
      },
      exit_early: (status: number): void => {
        this.hostCalls.push("exit_early");
        throw new ExitSignal(status >>> 0);
      },
      storage_load_bytes32: (keyPtr: number, dest: number): void => {
        const name = "storage_load_bytes32";
        ink(name);
        const evmApiGas = EVM_API_INK / this.shared.inkPrice;
        this.requireGas(COLD_SLOAD_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS + evmApiGas, name);
        const key = this.readWord(keyPtr);
        this.#cacheReads++;
        let cost = cacheReadGas(this.#cacheReads);
        let word = this.#storage.get(key);
        if (word === undefined) {
          const value = this.#currentSlot(key);
          cost += this.#warmSlots.has(key) ? WARM_READ_GAS : COLD_SLOAD_GAS;
          this.#warmSlots.add(key);
          cost += evmApiGas;
          word = { value, known: value };
          this.#storage.set(key, word);
        }
        this.buyGas(cost, name);
        this.write(dest, fromHex(word.value));
      },
      storage_cache_bytes32: (keyPtr: number, valuePtr: number): void => {
        const name = "storage_cache_bytes32";
        ink(name);
        this.requireGas(SSTORE_SENTRY_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS, name);
        const key = this.readWord(keyPtr);
        const value = this.readWord(valuePtr);
        this.#cacheWrites++;
        const cost = cacheWriteGas(this.#cacheWrites);
        const word = this.#storage.get(key);
        if (word !== undefined) word.value = value;
        else this.#storage.set(key, { value });
        this.buyGas(cost, name);
      },
      storage_flush_cache: (clear: number): void => {
        const name = "storage_flush_cache";
        ink(name);
        this.requireGas(SSTORE_SENTRY_GAS, name);
        const dirty: [Hex, Hex][] = [];
        for (const [key, word] of this.#storage) {
          if (word.known !== word.value) dirty.push([key, word.value]);
        }
        if (dirty.length > 0) {
          if (ctx.isStatic) this.#writeProtection(name);
          // Read every original value first so a re-run never sees half-applied state.
          const live = this.shared.live;
          const originals = dirty.map(([key]) => this.#originalSlot(key));
          const currents = live === undefined ? undefined : dirty.map(([key]) => this.#chainSlot(key));
          let cost = 0n;
          const gasLeft = this.gasLeft();
          dirty.forEach(([key, value], i) => {
            const original = BigInt(originals[i] as Hex);
            const current = BigInt(currents?.[i] ?? this.committed.get(key) ?? (originals[i] as Hex));
            const cold = !this.#warmSlots.has(key);
            this.#warmSlots.add(key);
            const c = sstoreCost(original, current, BigInt(value), cold);
            cost += c.gas;
            this.gasRefund += c.refund;
            this.committed.set(key, value);
            const word = this.#storage.get(key);
            if (word !== undefined) word.known = value;
          });
          if (cost > gasLeft) {
            this.meter.exhaust();
            throw new OutOfInkSignal(name);
          }
          this.buyGas(cost, name);
          if (live !== undefined) for (const [key, value] of dirty) live.store(key, value);
        }
        if (clear !== 0) this.#storage.clear();
      },
      transient_load_bytes32: (keyPtr: number, dest: number): void => {
        const name = "transient_load_bytes32";
        ink(name);
        this.buyGas(TLOAD_GAS, name);
        const key = this.readWord(keyPtr);
        this.write(dest, fromHex(this.#transient.get(key) ?? ZERO_WORD));
      },
      transient_store_bytes32: (keyPtr: number, valuePtr: number): void => {
        const name = "transient_store_bytes32";
        ink(name);
        this.buyGas(TSTORE_GAS, name);
        const key = this.readWord(keyPtr);
        const value = this.readWord(valuePtr);
        if (ctx.isStatic) this.#writeProtection(name);
        this.#transient.set(key, value);
      },
      call_contract: (contract: number, data: number, len: number, value: number, gas: bigint, retLen: number): number =>
        this.#call("call_contract", "call", contract, data, len, value, gas, retLen),
      delegate_call_contract: (contract: number, data: number, len: number, gas: bigint, retLen: number): number =>
        this.#call("delegate_call_contract", "delegatecall", contract, data, len, undefined, gas, retLen),
      static_call_contract: (contract: number, data: number, len: number, gas: bigint, retLen: number): number =>
        this.#call("static_call_contract", "staticcall", contract, data, len, undefined, gas, retLen),
      create1: (code: number, len: number, endowment: number, contract: number, revertLen: number): void =>
        this.#create("create1", code, len, endowment, undefined, contract, revertLen),
      create2: (code: number, len: number, endowment: number, salt: number, contract: number, revertLen: number): void =>
        this.#create("create2", code, len, endowment, salt, contract, revertLen),
      read_return_data: (dest: number, offset: number, size: number): number => {
        const name = "read_return_data";
        ink(name);
        const off = offset >>> 0;
        const sz = size >>> 0;
        const max = Math.max(0, this.#returnData.length - off);
        this.buyInk(writePrice(Math.min(sz, max)), name);
        if (max === 0) return 0;
        const slice = this.#returnData.subarray(off, Math.min(this.#returnData.length, off + sz));
        if (slice.length > 0) this.write(dest, slice);
        return slice.length;
      },
      return_data_size: (): number => {
        ink("return_data_size");
        return this.#returnData.length;
      },
      emit_log: (data: number, len: number, topics: number): void => {
        const name = "emit_log";
        ink(name);
        const l = len >>> 0;
        const t = topics >>> 0;
        if (t > 4 || l < t * 32) {
          const message = "bad topic data";
          throw new HostRevertSignal("revert", message, new TextEncoder().encode(message));
        }
        this.buyInk(readPrice(l), name);
        this.buyGas((1n + BigInt(t)) * LOG_TOPIC_GAS + BigInt(l - t * 32) * LOG_DATA_GAS, name);
        const bytes = this.read(data, l);
        if (ctx.isStatic) this.#writeProtection(name);
        const topicList: Hex[] = [];
        for (let i = 0; i < t; i++) topicList.push(toHex(bytes.subarray(i * 32, i * 32 + 32)));
        this.logs.push({ address: ctx.address, topics: topicList, data: toHex(bytes.subarray(t * 32)) });
      },
      account_balance: (addressPtr: number, dest: number): void => {
        const name = "account_balance";
        ink(name);
        this.requireGas(COLD_ACCOUNT_GAS, name);
        const address = this.readAddress(addressPtr);
        const balance = this.#need(`balance:${address}`, () => this.shared.chain.getBalance(address), 0n);
        this.buyGas(this.#touchAddress(address), name);
        this.write(dest, wordFromBigint(balance));
      },
      account_code: (addressPtr: number, offset: number, size: number, dest: number): number => {
        const name = "account_code";
        ink(name);
        this.requireGas(COLD_ACCOUNT_GAS, name);
        const address = this.readAddress(addressPtr);
        const code = this.#accountCode(address, name);
        this.buyInk(writePrice(code.length), name);
        const off = offset >>> 0;
        const slice = off >= code.length ? new Uint8Array(0) : code.subarray(off, Math.min(code.length, off + (size >>> 0)));
        this.write(dest, slice);
        return slice.length;
      },
      account_code_size: (addressPtr: number): number => {
        const name = "account_code_size";
        ink(name);
        this.requireGas(COLD_ACCOUNT_GAS, name);
        const address = this.readAddress(addressPtr);
        return this.#accountCode(address, name).length;
      },
      account_codehash: (addressPtr: number, dest: number): void => {
        const name = "account_codehash";
        ink(name);
        this.requireGas(COLD_ACCOUNT_GAS, name);
        const address = this.readAddress(addressPtr);
        const hash = this.#need(`codehash:${address}`, async () => normWord(await this.shared.chain.getCodeHash(address)), ZERO_WORD);
        this.buyGas(this.#touchAddress(address), name);
        this.write(dest, fromHex(hash));
      },
      block_basefee: (dest: number): void => {
        ink("block_basefee");
        this.write(dest, wordFromBigint(ctx.block.basefee));
      },
      block_coinbase: (dest: number): void => {
        ink("block_coinbase");
        this.write(dest, fromHex(ctx.block.coinbase));
      },
      block_gas_limit: (): bigint => {
        ink("block_gas_limit");
        return BigInt.asIntN(64, ctx.block.gasLimit);
      },
      block_number: (): bigint => {
        ink("block_number");
        return BigInt.asIntN(64, ctx.block.number);
      },
      block_timestamp: (): bigint => {
        ink("block_timestamp");
        return BigInt.asIntN(64, ctx.block.timestamp);
      },
      chainid: (): bigint => {
        ink("chainid");
        return BigInt.asIntN(64, ctx.block.chainId);
      },
      contract_address: (dest: number): void => {
        ink("contract_address");
        this.write(dest, fromHex(ctx.address));
      },
      evm_gas_left: (): bigint => {
        ink("evm_gas_left");
        return BigInt.asIntN(64, this.gasLeft());
      },
      evm_ink_left: (): bigint => {
        ink("evm_ink_left");
        return BigInt.asIntN(64, this.meter.get());
      },
      math_div: (a: number, b: number): void => {
        ink("math_div");
        const x = bigintFromBytes(this.read(a, 32));
        const y = bigintFromBytes(this.read(b, 32));
        this.write(a, wordFromBigint(y === 0n ? 0n : x / y));
      },
      math_mod: (a: number, b: number): void => {
        ink("math_mod");
        const x = bigintFromBytes(this.read(a, 32));
        const y = bigintFromBytes(this.read(b, 32));
        this.write(a, wordFromBigint(y === 0n ? 0n : x % y));
      },
      math_pow: (a: number, b: number): void => {
        ink("math_pow");
        const x = bigintFromBytes(this.read(a, 32));
        const expBytes = this.read(b, 32);
        this.buyInk(powPrice(expBytes), "math_pow");
        let exp = bigintFromBytes(expBytes);
        let base = x;
        let result = 1n;
        while (exp > 0n) {
          if ((exp & 1n) === 1n) result = (result * base) % U256;
          base = (base * base) % U256;
          exp >>= 1n;
        }
        this.write(a, wordFromBigint(result));
      },
      math_add_mod: (a: number, b: number, c: number): void => {
        ink("math_add_mod");
        const x = bigintFromBytes(this.read(a, 32));
        const y = bigintFromBytes(this.read(b, 32));
        const m = bigintFromBytes(this.read(c, 32));
        this.write(a, wordFromBigint(m === 0n ? 0n : (x + y) % m));
      },
      math_mul_mod: (a: number, b: number, c: number): void => {
        ink("math_mul_mod");
        const x = bigintFromBytes(this.read(a, 32));
        const y = bigintFromBytes(this.read(b, 32));
        const m = bigintFromBytes(this.read(c, 32));
        this.write(a, wordFromBigint(m === 0n ? 0n : (x * y) % m));
      },
      msg_reentrant: (): number => {
        ink("msg_reentrant");
        return ctx.reentrant === true ? 1 : 0;
      },
      msg_sender: (dest: number): void => {
        ink("msg_sender");
        this.write(dest, fromHex(ctx.sender));
      },
      msg_value: (dest: number): void => {
        ink("msg_value");
        this.write(dest, wordFromBigint(ctx.value));
      },
      native_keccak256: (ptr: number, len: number, out: number): void => {
        this.hostCalls.push("native_keccak256");
        this.buyInk(keccakPrice(len >>> 0), "native_keccak256");
        this.write(out, keccak256(this.read(ptr, len)));
      },
      tx_gas_price: (dest: number): void => {
        ink("tx_gas_price");
        this.write(dest, wordFromBigint(ctx.gasPrice));
      },
      tx_ink_price: (): number => {
        ink("tx_ink_price");
        return Number(this.shared.inkPrice);
      },
      tx_origin: (dest: number): void => {
        ink("tx_origin");
        this.write(dest, fromHex(ctx.origin));
      },
      pay_for_memory_grow: (pages: number): void => {
        const name = "pay_for_memory_grow";
        this.hostCalls.push(name);
        const p = pages & 0xffff;
        if (p === 0) {
          this.buyInk(BASE_INK.pay_for_memory_grow, name);
          return;
        }
        const gas = memoryGas(p, this.#pagesOpen, this.#pagesEver);
        this.#pagesOpen += p;
        this.#pagesEver = Math.max(this.#pagesEver, this.#pagesOpen);
        this.buyGas(gas, name);
      },
    };
    const say = (text: string): void => this.shared.logger?.(text);
    const console = {
      log_txt: (ptr: number, len: number): void => say(new TextDecoder().decode(this.read(ptr, len))),
      log_i32: (v: number): void => say(String(v)),
      log_i64: (v: bigint): void => say(String(v)),
      log_f32: (v: number): void => say(String(v)),
      log_f64: (v: number): void => say(String(v)),
      tee_i32: (v: number): number => (say(String(v)), v),
      tee_i64: (v: bigint): bigint => (say(String(v)), v),
      tee_f32: (v: number): number => (say(String(v)), v),
      tee_f64: (v: number): number => (say(String(v)), v),
    };
    if (this.shared.live !== undefined) {
      for (const name of LIVE_IMPORTS) {
        const impl = (vmHooks as Record<string, (...args: never[]) => unknown>)[name];
        if (impl !== undefined) (vmHooks as Record<string, unknown>)[name] = this.#suspending(impl);
      }
    }
    return { vm_hooks: vmHooks, console };
  }

  /**
   * A host function that may await a chain read or a nested frame (JSPI): it runs synchronously
   * when everything it needs is known; on a miss it restores the meter and counters, awaits the
   * value and runs again (host functions do all their chain reads before changing other state).
   */
  #suspending(impl: (...args: never[]) => unknown): WebAssembly.Suspending {
    return new WebAssembly.Suspending((...args: never[]): unknown => {
      const ink = this.meter.get();
      const calls = this.hostCalls.length;
      const reads = this.#cacheReads;
      const writes = this.#cacheWrites;
      this.#sticky.clear();
      try {
        const value = impl(...args);
        this.#sticky.clear();
        return value;
      } catch (error) {
        if (!(error instanceof NeedReadSignal)) {
          this.#sticky.clear();
          throw error;
        }
        return (async () => {
          let signal: NeedReadSignal = error;
          try {
            for (;;) {
              const value = await signal.fetch();
              this.meter.set(ink);
              this.hostCalls.length = calls;
              this.#cacheReads = reads;
              this.#cacheWrites = writes;
              this.#fetched.set(signal.key, value);
              try {
                return impl(...args);
              } catch (again) {
                if (!(again instanceof NeedReadSignal)) throw again;
                signal = again;
              }
            }
          } finally {
            this.#sticky.clear();
          }
        })();
      }
    });
  }

  #accountCode(address: Hex, name: string): Uint8Array {
    if (this.#lastCode?.address === address) return this.#lastCode.code;
    const gasLeft = this.gasLeft();
    const code = this.#need(`code:${address}`, () => this.shared.chain.getCode(address), EMPTY);
    const cost = this.#touchAddress(address) + ACCOUNT_CODE_LOAD_GAS;
    if (cost > gasLeft) {
      this.meter.exhaust();
      throw new OutOfInkSignal(name);
    }
    this.buyGas(cost, name);
    if (code.length > 0) this.#lastCode = { address, code };
    return code;
  }

  #call(
    name: "call_contract" | "delegate_call_contract" | "static_call_contract",
    kind: "call" | "delegatecall" | "staticcall",
    contractPtr: number,
    dataPtr: number,
    len: number,
    valuePtr: number | undefined,
    gasArg: bigint,
    retLenPtr: number,
  ): number {
    const ctx = this.shared.context;
    this.hostCalls.push(name);
    this.buyInk(BASE_INK[name], name);
    this.buyInk(readPrice(len >>> 0), name);
    this.buyInk(readPrice(len >>> 0), name);
    const gasLeft = this.gasLeft();
    const gasReq = BigInt.asUintN(64, gasArg) < gasLeft ? BigInt.asUintN(64, gasArg) : gasLeft;
    const to = this.readAddress(contractPtr);
    const input = this.read(dataPtr, len);
    const value = valuePtr === undefined ? 0n : bigintFromBytes(this.read(valuePtr, 32));

    const chainCall = this.shared.chain.call;
    const live = this.shared.live !== undefined;
    if (chainCall === undefined) this.#unsupported(name, "this chain access serves no calls out");
    if (!live && this.shared.mode === "transaction" && kind !== "staticcall") {
      this.#unsupported(name, "its effects cannot be applied to the mined transaction; only static_call_contract is supported in transactions");
    }
    if (!live && (to === ctx.address || kind === "delegatecall") && this.committed.size > 0) {
      // chain.call sees the chain before this execution, not the slots flushed so far.
      this.#unsupported(name, "the callee would read this program's storage without the writes flushed earlier in this run");
    }
    if (ctx.isStatic && value !== 0n) {
      // Nitro: ErrWriteProtection from the EVM API, reported as status 2 (failure).
      this.#returnData = new Uint8Array(0);
      this.writeU32(retLenPtr, 0);
      return 2;
    }
    // EVM CALL cost (EIP-2929 access + value transfer), 63/64 rule, stipend.
    // Chain reads first: a live frame retries the host call after awaiting a miss.
    let newAccount = false;
    if (value !== 0n) {
      const balance = this.#need(`balance:${to}`, () => this.shared.chain.getBalance(to), 0n);
      const code = this.#need(`code:${to}`, () => this.shared.chain.getCode(to), EMPTY);
      newAccount = balance === 0n && code.length === 0;
    }
    const wasWarm = this.#warmAddresses.has(to);
    let baseCost = this.#touchAddress(to);
    if (value !== 0n) {
      baseCost += CALL_VALUE_GAS;
      if (newAccount) baseCost += CALL_NEW_ACCOUNT_GAS;
    }
    if (gasLeft < baseCost) {
      this.meter.exhaust();
      throw new OutOfInkSignal(name);
    }
    const available = gasLeft - baseCost;
    let gas = available - available / 64n;
    if (gasReq < gas) gas = gasReq;
    const stipend = value !== 0n ? CALL_STIPEND : 0n;
    const request = {
      kind,
      from: ctx.address,
      to,
      data: toHex(input),
      value,
      gas: gas + stipend,
    };
    const key = `call:${kind}:${to}:${value}:${request.gas}:${request.data}`;
    let result: ChainCallResult;
    try {
      result = this.#need<ChainCallResult>(key, () => chainCall.call(this.shared.chain, request));
    } catch (signal) {
      if (!wasWarm) this.#warmAddresses.delete(to);
      throw signal;
    }
    if (result.logs !== undefined) this.logs.push(...result.logs);
    let used = result.gasUsed - stipend;
    if (used < 0n) used = 0n;
    if (used > gas) used = gas;
    this.buyGas(baseCost + used, name);
    this.#returnData = result.returnData;
    this.writeU32(retLenPtr, result.returnData.length);
    return result.success ? 0 : 1;
  }

  #create(
    name: "create1" | "create2",
    codePtr: number,
    len: number,
    endowmentPtr: number,
    saltPtr: number | undefined,
    contractPtr: number,
    revertLenPtr: number,
  ): void {
    const ctx = this.shared.context;
    this.hostCalls.push(name);
    this.buyInk(BASE_INK[name], name);
    this.buyInk(readPrice(len >>> 0), name);
    this.buyInk(readPrice(len >>> 0), name);
    const code = this.read(codePtr, len);
    const endowment = bigintFromBytes(this.read(endowmentPtr, 32));
    const salt = saltPtr === undefined ? undefined : this.readWord(saltPtr);
    const chainCreate = this.shared.chain.create;
    if (ctx.isStatic) this.#writeProtection(name);
    if (this.shared.mode === "transaction" && this.shared.live === undefined) {
      this.#unsupported(name, "deployments from a Stylus program cannot be applied to the mined transaction");
    }
    if (chainCreate === undefined) this.#unsupported(name, "this chain access serves no deployments");
    const words = BigInt(Math.ceil(code.length / 32));
    let baseCost = CREATE_GAS + INITCODE_WORD_GAS * words;
    if (salt !== undefined) baseCost += KECCAK_WORD_GAS * words;
    const gasLeft = this.gasLeft();
    if (gasLeft < baseCost) {
      this.meter.exhaust();
      throw new OutOfInkSignal(name);
    }
    const available = gasLeft - baseCost;
    const gas = available - available / 64n;
    const request = {
      kind: name,
      from: ctx.address,
      initCode: toHex(code),
      value: endowment,
      gas,
      ...(salt === undefined ? {} : { salt }),
    };
    const key = `create:${name}:${endowment}:${salt ?? ""}:${gas}:${request.initCode}`;
    const result = this.#need<ChainCreateResult>(key, () => chainCreate.call(this.shared.chain, request));
    if (result.logs !== undefined) this.logs.push(...result.logs);
    let used = result.gasUsed;
    if (used > gas) used = gas;
    this.buyGas(baseCost + used, name);
    this.#returnData = result.returnData;
    this.writeU32(revertLenPtr, result.returnData.length);
    this.write(contractPtr, result.address === undefined ? new Uint8Array(20) : fromHex(result.address));
  }
}

