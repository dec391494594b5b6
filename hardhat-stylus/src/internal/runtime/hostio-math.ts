// Math host functions (div/mod/pow/addmod/mulmod on 256-bit words),
// native_keccak256 and pay_for_memory_grow.
import type { HostEnv, InkCharge } from "./host-env.js";

import { bigintFromBytes, keccak256, wordFromBigint } from "./bytes.js";
import { BASE_INK, keccakPrice, memoryGas, powPrice } from "./pricing.js";

const U256 = 1n << 256n;

export function mathHooks(env: HostEnv, ink: InkCharge): Record<string, (...args: never[]) => unknown> {
  return {
    math_div: (a: number, b: number): void => {
      ink("math_div");
      const x = bigintFromBytes(env.read(a, 32));
      const y = bigintFromBytes(env.read(b, 32));
      env.write(a, wordFromBigint(y === 0n ? 0n : x / y));
    },
    math_mod: (a: number, b: number): void => {
      ink("math_mod");
      const x = bigintFromBytes(env.read(a, 32));
      const y = bigintFromBytes(env.read(b, 32));
      env.write(a, wordFromBigint(y === 0n ? 0n : x % y));
    },
    math_pow: (a: number, b: number): void => {
      ink("math_pow");
      const x = bigintFromBytes(env.read(a, 32));
      const expBytes = env.read(b, 32);
      env.buyInk(powPrice(expBytes), "math_pow");
      let exp = bigintFromBytes(expBytes);
      let base = x;
      let result = 1n;
      while (exp > 0n) {
        if ((exp & 1n) === 1n) result = (result * base) % U256;
        base = (base * base) % U256;
        exp >>= 1n;
      }
      env.write(a, wordFromBigint(result));
    },
    math_add_mod: (a: number, b: number, c: number): void => {
      ink("math_add_mod");
      const x = bigintFromBytes(env.read(a, 32));
      const y = bigintFromBytes(env.read(b, 32));
      const m = bigintFromBytes(env.read(c, 32));
      env.write(a, wordFromBigint(m === 0n ? 0n : (x + y) % m));
    },
    math_mul_mod: (a: number, b: number, c: number): void => {
      ink("math_mul_mod");
      const x = bigintFromBytes(env.read(a, 32));
      const y = bigintFromBytes(env.read(b, 32));
      const m = bigintFromBytes(env.read(c, 32));
      env.write(a, wordFromBigint(m === 0n ? 0n : (x * y) % m));
    },
    native_keccak256: (ptr: number, len: number, out: number): void => {
      env.hostCalls.push("native_keccak256");
      env.buyInk(keccakPrice(len >>> 0), "native_keccak256");
      env.write(out, keccak256(env.read(ptr, len)));
    },
    pay_for_memory_grow: (pages: number): void => {
      const name = "pay_for_memory_grow";
      env.hostCalls.push(name);
      const p = pages & 0xffff;
      if (p === 0) {
        env.buyInk(BASE_INK.pay_for_memory_grow, name);
        return;
      }
      const gas = memoryGas(p, env.pagesOpen, env.pagesEver);
      env.pagesOpen += p;
      env.pagesEver = Math.max(env.pagesEver, env.pagesOpen);
      env.buyGas(gas, name);
    },
  };
}
