// SQLite ingest cost of the async store interface: in-process ingest() and
// ingestMany() of 10,000 signed readings (100 devices, OpenSSL engine, batch
// mode, commit loop off, no chain traffic) for each source tree named on the
// command line, so the same run compares this tree with an older checkout:
//   git archive 27b157a | tar -x -C /tmp/old && ln -s $PWD/node_modules /tmp/old/node_modules
//   for i in 1 2 3; do for t in /tmp/old $PWD; do node --import tsx bench/store-async-cost.bench.ts $t; done; done
// Prints one JSON line per tree (readings/s). Run alternately and compare medians.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createPublicClient, createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";

const tree = process.argv[2] ?? new URL("..", import.meta.url).pathname;
const mod = await import(join(tree, "node/src/index.ts"));
const account = privateKeyToAccount(`0x${"11".repeat(32)}`);
const transport = http("http://127.0.0.1:1");
const chain = { publicClient: createPublicClient({ chain: foundry, transport }), walletClient: createWalletClient({ chain: foundry, transport, account }), contractAddress: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };
const out: Record<string, number> = {};
for (const kind of ["ingest", "ingestMany"]) {
  const dir = mkdtempSync(join(tmpdir(), "lcore-async-cost-"));
  const node = await mod.createNode({ chain, dbPath: join(dir, "n.db"), masterSecret: randomBytes(32).toString("hex"), apiToken: randomBytes(16).toString("hex"), commitMode: "batch", cryptoEngine: "openssl", devicePerSecond: 0, logLevel: "silent", autoStart: false });
  const devices = Array.from({ length: 100 }, (_, i) => ({ id: `D${i}`, ...mod.generateDeviceKeyPair(), c: 0 }));
  for (const d of devices) await node.registerDevice({ device_id: d.id, public_key: d.publicKey });
  const readings = Array.from({ length: 10_000 }, (_, i) => { const d = devices[i % 100]!; d.c++; return mod.signReading({ deviceId: d.id, counter: d.c, data: "x".repeat(256), privateKey: d.privateKey }); });
  const t = performance.now();
  if (kind === "ingest") for (let i = 0; i < readings.length; i += 2000) await Promise.all(readings.slice(i, i + 2000).map((r: unknown) => node.ingest(r)));
  else for (let i = 0; i < readings.length; i += 500) await node.ingestMany(readings.slice(i, i + 500));
  out[kind] = Math.round(10_000 / ((performance.now() - t) / 1000));
  await node.close();
}
console.log(JSON.stringify({ tree, ...out }));
