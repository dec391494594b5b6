// Gas per reading on chain, measured in one run on the in-process network:
// the predecessor's submitResult with a 256-byte payload (the baseline), a
// per-reading commitProof, and Merkle batches of 64, 256 and 1024 readings
// (commitBatch gas / count). Also the calldata bytes per reading (what an
// Orbit chain posts to its parent chain). Runs on the Stylus contract
// (through the hardhat-stylus runtime, when the artifact is built) and on its
// Solidity twin, both deployed by test/node/helpers/deploy-processor.ts.
// Writes bench/results/gas-per-reading.json.
//   node --import tsx bench/gas-per-reading.bench.ts
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";

import { network } from "hardhat";
import { encodeFunctionData, stringToHex, type Hex } from "viem";

import { mvpIoTProcessorAbi } from "../contracts-stylus/artifacts/abi.js";
import { batchIdOf } from "../node/src/outbox/batcher.js";
import { buildMerkleTree } from "../node/src/merkle/merkle-tree.js";
import { deployProcessor, type ProcessorKind } from "../test/node/helpers/deploy-processor.js";

async function measureOn(kind: ProcessorKind) {
const connection = await network.create();
const processor = await deployProcessor(connection, kind);
const { publicClient, walletClient, contractAddress: address } = processor.clients;
const account = walletClient.account;
const rand32 = (): Hex => `0x${randomBytes(32).toString("hex")}`;

async function send(functionName: "registerDevice" | "commitProof" | "commitBatch" | "submitResult", args: readonly unknown[]): Promise<{ gas: number; calldata: number }> {
  const data = encodeFunctionData({ abi: mvpIoTProcessorAbi, functionName, args: args as never });
  const hash = await walletClient.sendTransaction({ account, chain: null, to: address, data });
  const r = await publicClient.waitForTransactionReceipt({ hash });
  if (r.status !== "success") throw new Error(`${functionName} reverted`);
  return { gas: Number(r.gasUsed), calldata: (data.length - 2) / 2 };
}

const deviceId = stringToHex("EV_BENCH", { size: 32 });
await send("registerDevice", [deviceId, account.address]);

const SAMPLES = 5;
const avg = (xs: number[]) => Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);

const legacy: number[] = [];
const legacyCalldata: number[] = [];
for (let i = 0; i < SAMPLES; i++) {
  const r = await send("submitResult", [rand32(), Array.from(randomBytes(256)), rand32()]);
  legacy.push(r.gas);
  legacyCalldata.push(r.calldata);
}
const proof: number[] = [];
let proofCalldata = 0;
for (let i = 0; i < SAMPLES; i++) {
  const r = await send("commitProof", [rand32(), deviceId]);
  proof.push(r.gas);
  proofCalldata = r.calldata;
}

interface Row {
  path: string;
  readings_per_tx: number;
  gas_per_tx: number;
  gas_per_reading: number;
  calldata_bytes_per_reading: number;
  vs_legacy: number;
}
const rows: Row[] = [];
const legacyPerReading = avg(legacy);
const row = (path: string, perTx: number, gasPerTx: number, calldata: number): Row => ({
  path,
  readings_per_tx: perTx,
  gas_per_tx: gasPerTx,
  gas_per_reading: Math.round(gasPerTx / perTx),
  calldata_bytes_per_reading: Math.round((calldata / perTx) * 100) / 100,
  vs_legacy: Math.round((legacyPerReading / (gasPerTx / perTx)) * 100) / 100,
});
rows.push(row("legacy submitResult (256-byte payload, uint8[])", 1, legacyPerReading, avg(legacyCalldata)));
rows.push(row("commitProof (per reading)", 1, avg(proof), proofCalldata));
for (const size of [64, 256, 1024]) {
  const gas: number[] = [];
  let calldata = 0;
  for (let i = 0; i < 3; i++) {
    const tree = buildMerkleTree(Array.from({ length: size }, rand32));
    const r = await send("commitBatch", [batchIdOf(tree.root, size), tree.root, size]);
    gas.push(r.gas);
    calldata = r.calldata;
  }
  rows.push(row(`commitBatch, Merkle batch of ${size}`, size, avg(gas), calldata));
}

console.log(`Gas per reading on ${processor.kind === "evm" ? "MVPIoTProcessorEvm (Solidity twin)" : "MVPIoTProcessor (Stylus, through the hardhat-stylus runtime; its gas model is an emulation of Nitro's ink pricing)"}`);
console.log("path".padEnd(50), "gas/tx".padStart(10), "gas/reading".padStart(12), "calldata B/reading".padStart(19), "x less than legacy".padStart(19));
for (const r of rows) {
  console.log(r.path.padEnd(50), String(r.gas_per_tx).padStart(10), String(r.gas_per_reading).padStart(12), String(r.calldata_bytes_per_reading).padStart(19), `${r.vs_legacy}x`.padStart(19));
}
await connection.close();
return { contract: processor.kind === "evm" ? "MVPIoTProcessorEvm (Solidity twin)" : "MVPIoTProcessor (Stylus, hardhat-stylus runtime)", rows };
}

const kinds: ProcessorKind[] = existsSync(new URL("../contracts-stylus/artifacts/MVPIoTProcessor.deployed.hex", import.meta.url)) ? ["stylus", "evm"] : ["evm"];
const runs = [];
for (const kind of kinds) runs.push(await measureOn(kind));
mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/gas-per-reading.json", import.meta.url),
  `${JSON.stringify({ bench: "gas-per-reading", date: new Date().toISOString(), samples: 5, baseline: "legacy submitResult on the same contract", runs }, null, 2)}\n`,
);
