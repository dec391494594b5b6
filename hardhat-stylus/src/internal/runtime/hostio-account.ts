// Account host functions: balance, code, code size and code hash of any
// address, with EIP-2929 access costs.
import type { HostEnv, InkCharge } from "./host-env.js";
import type { Hex } from "./types.js";

import { fromHex, normWord, wordFromBigint, ZERO_WORD } from "./bytes.js";
import { ACCOUNT_CODE_LOAD_GAS, COLD_ACCOUNT_GAS, writePrice } from "./pricing.js";
import { OutOfInkSignal } from "./signals.js";

const EMPTY = new Uint8Array(0);

export function accountHooks(env: HostEnv, ink: InkCharge): Record<string, (...args: never[]) => unknown> {
  return {
    account_balance: (addressPtr: number, dest: number): void => {
      const name = "account_balance";
      ink(name);
      env.requireGas(COLD_ACCOUNT_GAS, name);
      const address = env.readAddress(addressPtr);
      const balance = env.need(`balance:${address}`, () => env.shared.chain.getBalance(address), 0n);
      env.buyGas(env.touchAddress(address), name);
      env.write(dest, wordFromBigint(balance));
    },
    account_code: (addressPtr: number, offset: number, size: number, dest: number): number => {
      const name = "account_code";
      ink(name);
      env.requireGas(COLD_ACCOUNT_GAS, name);
      const address = env.readAddress(addressPtr);
      const code = accountCode(env, address, name);
      env.buyInk(writePrice(code.length), name);
      const off = offset >>> 0;
      const slice = off >= code.length ? new Uint8Array(0) : code.subarray(off, Math.min(code.length, off + (size >>> 0)));
      env.write(dest, slice);
      return slice.length;
    },
    account_code_size: (addressPtr: number): number => {
      const name = "account_code_size";
      ink(name);
      env.requireGas(COLD_ACCOUNT_GAS, name);
      const address = env.readAddress(addressPtr);
      return accountCode(env, address, name).length;
    },
    account_codehash: (addressPtr: number, dest: number): void => {
      const name = "account_codehash";
      ink(name);
      env.requireGas(COLD_ACCOUNT_GAS, name);
      const address = env.readAddress(addressPtr);
      const hash = env.need(`codehash:${address}`, async () => normWord(await env.shared.chain.getCodeHash(address)), ZERO_WORD);
      env.buyGas(env.touchAddress(address), name);
      env.write(dest, fromHex(hash));
    },
  };
}

export function accountCode(env: HostEnv, address: Hex, name: string): Uint8Array {
  if (env.lastCode?.address === address) return env.lastCode.code;
  const gasLeft = env.gasLeft();
  const code = env.need(`code:${address}`, () => env.shared.chain.getCode(address), EMPTY);
  const cost = env.touchAddress(address) + ACCOUNT_CODE_LOAD_GAS;
  if (cost > gasLeft) {
    env.meter.exhaust();
    throw new OutOfInkSignal(name);
  }
  env.buyGas(cost, name);
  if (code.length > 0) env.lastCode = { address, code };
  return code;
}
