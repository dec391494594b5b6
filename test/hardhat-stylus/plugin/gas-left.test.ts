// A node-held send without a gas limit runs the program once to find the
// limit and reuses that run only when its outcome cannot depend on the limit.
// A program that stores `evm_gas_left` must store what it had under the
// limit the mined transaction carries, never under the search's cap.
import { expect } from "chai";
import { network } from "hardhat";
import { bytesToHex, hexToBigInt, parseAbi, type Hex } from "viem";

import { buildStylusInitCode, compressStylusProgram } from "../../../hardhat-stylus/src/internal/wasm/program-format.js";
import { watToWasm } from "../helpers/wat.js";

const abi = parseAbi(["function record()"]);

// Whatever the calldata: slot 0 = evm_gas_left (big-endian in the word's last 8 bytes).
const GAS_LEFT_WAT = `(module
  (import "vm_hooks" "evm_gas_left" (func $gas_left (result i64)))
  (import "vm_hooks" "storage_cache_bytes32" (func $cache (param i32 i32)))
  (import "vm_hooks" "storage_flush_cache" (func $flush (param i32)))
  (memory (export "memory") 1 1)
  (func (export "user_entrypoint") (param $len i32) (result i32)
    (local $g i64)
    (local.set $g (call $gas_left))
    ${Array.from({ length: 8 }, (_, i) => `(i32.store8 (i32.const ${56 + i}) (i32.wrap_i64 (i64.shr_u (local.get $g) (i64.const ${56 - 8 * i}))))`).join("\n    ")}
    (call $cache (i32.const 0) (i32.const 32))
    (call $flush (i32.const 0))
    (i32.const 0)))`;

describe("hardhat-stylus node-held sends of programs that read their gas left", function () {
  it("stores the gas left under the mined transaction's limit", async function () {
    const connection = await network.create();
    try {
      const pub = await connection.viem.getPublicClient();
      const [wallet] = await connection.viem.getWalletClients();
      const bytecode = bytesToHex(buildStylusInitCode(compressStylusProgram(await watToWasm(GAS_LEFT_WAT))));
      const deployed = await pub.waitForTransactionReceipt({ hash: await wallet!.deployContract({ abi, bytecode }) });
      const program = deployed.contractAddress!;
      await connection.stylus.activate(program);

      // eth_sendTransaction without `gas`: the plugin finds the limit itself.
      const hash = (await connection.provider.request({
        method: "eth_sendTransaction",
        params: [{ from: wallet!.account.address, to: program, data: "0x0c55699c" }],
      })) as Hex;
      const receipt = await pub.waitForTransactionReceipt({ hash });
      expect(receipt.status).to.equal("success");
      const tx = await pub.getTransaction({ hash });
      const stored = hexToBigInt((await pub.getStorageAt({ address: program, slot: "0x0" }))!);
      expect(stored > 0n, "the program stored its gas left").to.equal(true);
      expect(stored < tx.gas, `gas left ${stored} must be below the mined limit ${tx.gas}`).to.equal(true);
    } finally {
      await connection.close();
    }
  });
});
