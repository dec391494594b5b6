// Where in-process ingest spends its time: one node (batch mode, commit loop
// live, in-process chain) ingesting signed readings, meant to run under
// `node --cpu-prof`; prints readings/s. Summarise the profile with
// `node bench/cpuprofile-top.mjs <file.cpuprofile>`.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/ingest-profile.ts [native|es256k|es256|m1|gateway|http-native|http-es256k]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

const kind = process.argv[2] ?? "native";
const TOTAL = Number(process.env.PROFILE_READINGS ?? 20_000);
const WORKERS = Number(process.env.PROFILE_WORKERS ?? 0);

const { network } = await import("hardhat");
const { createNode, generateDeviceKeyPair, signReading } = await import("../node/src/index.js");
const { deployProcessor } = await import("../test/node/helpers/deploy-processor.js");
const { eddsaDevice, es256kDevice, es256KeyDevice } = await import("../test/node/devices/jws-clients.js");
const connection = await network.create();
const processor = await deployProcessor(connection);
const dir = mkdtempSync(join(tmpdir(), "lcore-profile-"));
const node = await createNode({
  chain: processor.clients,
  dbPath: join(dir, "node.db"),
  masterSecret: randomBytes(32).toString("hex"),
  apiToken: randomBytes(16).toString("hex"),
  commitMode: "batch",
  batchSize: 1024,
  batchMaxWaitMs: 500,
  cryptoEngine: "openssl",
  ingestWorkers: WORKERS,
  devicePerSecond: 0,
  compat: "m1",
  enroll: "open",
  gateways: true,
  http: { bodyLimit: 2_097_152, ipPerMinute: 0 },
  deviceAnswerWaitMs: 0,
  logLevel: "silent",
});
const payload = (i: number) => ({ v: i, kwh: 12.5 + (i % 100) / 10, ts: 1_700_000_000 + i, pad: "x".repeat(180) });
let run: () => Promise<number>;
if (kind === "native") {
  const devices = Array.from({ length: 100 }, (_, i) => ({ id: `P_${i}`, ...generateDeviceKeyPair(), counter: 0 }));
  for (const d of devices) await node.registerDevice({ device_id: d.id, public_key: d.publicKey });
  const readings = Array.from({ length: TOTAL }, (_, i) => {
    const d = devices[i % devices.length]!;
    return signReading({ deviceId: d.id, counter: ++d.counter, data: JSON.stringify(payload(i)), privateKey: d.privateKey });
  });
  run = async () => {
    for (let i = 0; i < readings.length; i += 2_000) await Promise.all(readings.slice(i, i + 2_000).map((r) => node.ingest(r)));
    return readings.length;
  };
} else if (kind === "m1") {
  const ids = Array.from({ length: 100 }, (_, i) => `M_${i}`);
  for (const id of ids) await node.app.inject({ method: "POST", url: "/device/register", payload: { device_id: id } });
  const formats = node.formats;
  run = async () => {
    for (let i = 0; i < TOTAL; i += 2_000) {
      await Promise.all(Array.from({ length: Math.min(2_000, TOTAL - i) }, (_, k) => formats.submitM1({ device_id: ids[(i + k) % 100]!, data: JSON.stringify(payload(i + k)), timestamp: 1_700_000_000 + i + k })));
    }
    return TOTAL;
  };
} else if (kind === "gateway") {
  const gw = eddsaDevice();
  await node.formats.registerGateway({ did: gw.did });
  const now = Math.floor(Date.now() / 1000);
  const batches: { did: string; signature: string }[] = [];
  for (let i = 0; i < TOTAL; i += 1_000) batches.push({ did: gw.did, signature: await gw.sign({ timestamp: now, readings: Array.from({ length: 1_000 }, (_, k) => JSON.stringify(payload(i + k))) }) });
  run = async () => {
    let done = 0;
    for (const b of batches) {
      done += (await node.formats.submitGatewayBatch(b)).length;
      await new Promise((r) => setImmediate(r));
    }
    return done;
  };
} else if (kind === "http-es256k" || kind === "http-native") {
  const { Worker } = await import("node:worker_threads");
  const now = Math.floor(Date.now() / 1000);
  let bodies: string[];
  let path: string;
  if (kind === "http-native") {
    const devices = Array.from({ length: 100 }, (_, i) => ({ id: `H_${i}`, ...generateDeviceKeyPair(), counter: 0 }));
    for (const d of devices) await node.registerDevice({ device_id: d.id, public_key: d.publicKey });
    bodies = Array.from({ length: TOTAL }, (_, i) => {
      const d = devices[i % devices.length]!;
      return JSON.stringify(signReading({ deviceId: d.id, counter: ++d.counter, data: JSON.stringify(payload(i)), privateKey: d.privateKey }));
    });
    path = "/device/data";
  } else {
    const devices = Array.from({ length: 100 }, () => es256kDevice());
    for (const d of devices) await node.formats.submitJws({ did: d.did, payload: { e: 1 }, signature: await d.sign({ e: 1 }), timestamp: now });
    bodies = await Promise.all(Array.from({ length: TOTAL }, async (_, i) => {
      const d = devices[i % devices.length]!;
      return JSON.stringify({ did: d.did, payload: payload(i), signature: await d.sign(payload(i)), timestamp: now });
    }));
    path = "/api/device/submit";
  }
  const url = await node.listen({ port: 0 });
  run = async () => {
    const worker = new Worker(new URL("./ingest.bench.ts", import.meta.url), { workerData: { url: url + path, bodies, concurrency: 64, maxMs: 60_000 }, execArgv: ["--import", "tsx"] });
    const out = await new Promise<{ ok: number; statuses: Record<string, number> }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    console.log(JSON.stringify(out.statuses));
    return out.ok;
  };
} else {
  const devices = Array.from({ length: 100 }, () => (kind === "es256k" ? es256kDevice() : es256KeyDevice()));
  const now = Math.floor(Date.now() / 1000);
  const subs = await Promise.all(Array.from({ length: TOTAL }, async (_, i) => {
    const d = devices[i % devices.length]!;
    const p = payload(i);
    return { did: d.did, payload: p, signature: await d.sign(p), timestamp: now };
  }));
  const formats = node.formats;
  run = async () => {
    for (let i = 0; i < subs.length; i += 2_000) await Promise.all(subs.slice(i, i + 2_000).map((s) => formats.submitJws(s)));
    return subs.length;
  };
}
await node.outbox.drain({ timeoutMs: 120_000 });
const start = performance.now();
const done = await run();
const ms = performance.now() - start;
console.log(`${kind}: ${done} readings in ${Math.round(ms)} ms = ${Math.round((done / ms) * 1000)} readings/s (workers ${WORKERS})`);
await node.close();
await connection.close();
rmSync(dir, { recursive: true, force: true });
