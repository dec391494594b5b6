// Context host functions: block, chain, message and transaction values.
import type { ExecutionContext } from "./types.js";
import type { HostEnv, InkCharge } from "./host-env.js";

import { fromHex, wordFromBigint } from "./bytes.js";

export function contextHooks(env: HostEnv, ink: InkCharge): Record<string, (...args: never[]) => unknown> {
  // Read per call: a pooled instance keeps its host functions across frames (instance-pool.ts).
  const ctx = (): ExecutionContext => env.shared.context;
  return {
    block_basefee: (dest: number): void => {
      ink("block_basefee");
      env.write(dest, wordFromBigint(ctx().block.basefee));
    },
    block_coinbase: (dest: number): void => {
      ink("block_coinbase");
      env.write(dest, fromHex(ctx().block.coinbase));
    },
    block_gas_limit: (): bigint => {
      ink("block_gas_limit");
      return BigInt.asIntN(64, ctx().block.gasLimit);
    },
    block_number: (): bigint => {
      ink("block_number");
      return BigInt.asIntN(64, ctx().block.number);
    },
    block_timestamp: (): bigint => {
      ink("block_timestamp");
      return BigInt.asIntN(64, ctx().block.timestamp);
    },
    chainid: (): bigint => {
      ink("chainid");
      return BigInt.asIntN(64, ctx().block.chainId);
    },
    contract_address: (dest: number): void => {
      ink("contract_address");
      env.write(dest, fromHex(ctx().address));
    },
    evm_gas_left: (): bigint => {
      ink("evm_gas_left");
      return BigInt.asIntN(64, env.gasLeft());
    },
    evm_ink_left: (): bigint => {
      ink("evm_ink_left");
      return BigInt.asIntN(64, env.meter.get());
    },
    msg_reentrant: (): number => {
      ink("msg_reentrant");
      return ctx().reentrant === true ? 1 : 0;
    },
    msg_sender: (dest: number): void => {
      ink("msg_sender");
      env.write(dest, fromHex(ctx().sender));
    },
    msg_value: (dest: number): void => {
      ink("msg_value");
      env.write(dest, wordFromBigint(ctx().value));
    },
    tx_gas_price: (dest: number): void => {
      ink("tx_gas_price");
      env.write(dest, wordFromBigint(ctx().gasPrice));
    },
    tx_ink_price: (): number => {
      ink("tx_ink_price");
      return Number(env.shared.inkPrice);
    },
    tx_origin: (dest: number): void => {
      ink("tx_origin");
      env.write(dest, fromHex(ctx().origin));
    },
  };
}
