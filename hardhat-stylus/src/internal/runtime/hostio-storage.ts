// Storage host functions: the program's storage cache (loads, cached writes,
// flush with EIP-2200/2929 costs), transient storage and emit_log.
import type { ExecutionContext } from "./types.js";
import type { HostEnv, InkCharge } from "./host-env.js";
import type { Hex } from "./types.js";

import { fromHex, toHex, ZERO_WORD } from "./bytes.js";
import { cacheReadGas, cacheWriteGas, COLD_SLOAD_GAS, EVM_API_INK, LOG_DATA_GAS, LOG_TOPIC_GAS, readPrice, SSTORE_SENTRY_GAS, sstoreCost, STORAGE_CACHE_REQUIRED_ACCESS_GAS, TLOAD_GAS, TSTORE_GAS, WARM_READ_GAS } from "./pricing.js";
import { HostRevertSignal, OutOfInkSignal } from "./signals.js";

export function storageHooks(env: HostEnv, ink: InkCharge): Record<string, (...args: never[]) => unknown> {
  // Read per call: a pooled instance keeps its host functions across frames (instance-pool.ts).
  const ctx = (): ExecutionContext => env.shared.context;
  return {
    storage_load_bytes32: (keyPtr: number, dest: number): void => {
      const name = "storage_load_bytes32";
      ink(name);
      const evmApiGas = EVM_API_INK / env.shared.inkPrice;
      env.requireGas(COLD_SLOAD_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS + evmApiGas, name);
      const key = env.readWord(keyPtr);
      env.cacheReads++;
      let cost = cacheReadGas(env.cacheReads);
      let word = env.storageCache.get(key);
      if (word === undefined) {
        const value = env.currentSlot(key);
        cost += env.warmSlots.has(key) ? WARM_READ_GAS : COLD_SLOAD_GAS;
        env.warmSlots.add(key);
        cost += evmApiGas;
        word = { value, known: value };
        env.storageCache.set(key, word);
      }
      env.buyGas(cost, name);
      env.write(dest, fromHex(word.value));
    },
    storage_cache_bytes32: (keyPtr: number, valuePtr: number): void => {
      const name = "storage_cache_bytes32";
      ink(name);
      env.requireGas(SSTORE_SENTRY_GAS + STORAGE_CACHE_REQUIRED_ACCESS_GAS, name);
      const key = env.readWord(keyPtr);
      const value = env.readWord(valuePtr);
      env.cacheWrites++;
      const cost = cacheWriteGas(env.cacheWrites);
      const word = env.storageCache.get(key);
      if (word !== undefined) word.value = value;
      else env.storageCache.set(key, { value });
      env.buyGas(cost, name);
    },
    storage_flush_cache: (clear: number): void => {
      const name = "storage_flush_cache";
      ink(name);
      env.requireGas(SSTORE_SENTRY_GAS, name);
      const dirty: [Hex, Hex][] = [];
      for (const [key, word] of env.storageCache) {
        if (word.known !== word.value) dirty.push([key, word.value]);
      }
      if (dirty.length > 0) {
        if (ctx().isStatic) env.writeProtection(name);
        // Read every original value first so a re-run never sees half-applied state.
        const live = env.shared.live;
        const originals = dirty.map(([key]) => env.originalSlot(key));
        const currents = live === undefined ? undefined : dirty.map(([key]) => env.chainSlot(key));
        let cost = 0n;
        const gasLeft = env.gasLeft();
        dirty.forEach(([key, value], i) => {
          const original = BigInt(originals[i] as Hex);
          const current = BigInt(currents?.[i] ?? env.committed.get(key) ?? (originals[i] as Hex));
          const cold = !env.warmSlots.has(key);
          env.warmSlots.add(key);
          const c = sstoreCost(original, current, BigInt(value), cold);
          cost += c.gas;
          env.gasRefund += c.refund;
          env.committed.set(key, value);
          const word = env.storageCache.get(key);
          if (word !== undefined) word.known = value;
        });
        if (cost > gasLeft) {
          env.meter.exhaust();
          throw new OutOfInkSignal(name);
        }
        env.buyGas(cost, name);
        if (live !== undefined) for (const [key, value] of dirty) live.store(key, value);
      }
      if (clear !== 0) env.storageCache.clear();
    },
    transient_load_bytes32: (keyPtr: number, dest: number): void => {
      const name = "transient_load_bytes32";
      ink(name);
      env.buyGas(TLOAD_GAS, name);
      const key = env.readWord(keyPtr);
      env.write(dest, fromHex(env.transient.get(key) ?? ZERO_WORD));
    },
    transient_store_bytes32: (keyPtr: number, valuePtr: number): void => {
      const name = "transient_store_bytes32";
      ink(name);
      env.buyGas(TSTORE_GAS, name);
      const key = env.readWord(keyPtr);
      const value = env.readWord(valuePtr);
      if (ctx().isStatic) env.writeProtection(name);
      env.transient.set(key, value);
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
      env.buyInk(readPrice(l), name);
      env.buyGas((1n + BigInt(t)) * LOG_TOPIC_GAS + BigInt(l - t * 32) * LOG_DATA_GAS, name);
      const bytes = env.read(data, l);
      if (ctx().isStatic) env.writeProtection(name);
      const topicList: Hex[] = [];
      for (let i = 0; i < t; i++) topicList.push(toHex(bytes.subarray(i * 32, i * 32 + 32)));
      env.logs.push({ address: ctx().address, topics: topicList, data: toHex(bytes.subarray(t * 32)) });
    },
  };
}
