// Where ingest spends its time: one node (batch mode, commit loop live,
// in-process chain) ingesting signed readings; prints readings/s and the CPU
// time per reading of the whole process and, for the HTTP kinds, of the load
// generator's thread (bench/http-load.ts) and of the rest (the server). With
// PROFILE_OUT=file.cpuprofile the main thread is profiled during the timed
// run only (set-up and signing left out). Summarise a profile with
// `node bench/cpuprofile-top.mjs <file.cpuprofile>`.
//   PROFILE_OUT=/tmp/main.cpuprofile node --import tsx bench/ingest-profile.ts [native|es256k|es256|m1|gateway|http-native|http-es256k]
// HTTP kinds: PROFILE_LANES sockets (default 100, a device per socket) with PROFILE_PIPELINE requests in flight each (default 1).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";

const kind = process.argv[2] ?? "native";
const TOTAL = Number(process.env.PROFILE_READINGS ?? 20_000);
const WORKERS = Number(process.env.PROFILE_WORKERS ?? 0);

const { network } = await import("hardhat");
const { createNode, generateDeviceKeyPair, signReading } = await import("../node/src/index.js");
const { deployProcessor } = await import("../test/node/helpers/deploy-processor.js");
const { lanesOf, runLoadInWorker } = await import("./http-load.js");
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
let clientCpuUs = 0;
if (kind === "native") {
  const devices = Array.from({ length: 100 }, (_, i) => ({ id: `P_${i}`, ...generateDeviceKeyPair(), counter: 0 }));
  for (const d of devices) await node.registerDevice({ device_id: d.id, public_key: d.publicKey });
  const readings = Array.from({ length: TOTAL }, (_, i) => {
    const d = devices[i % devices.length]!;
    return signReading({ deviceId: d.id, counter: ++d.counter, data: JSON.stringify(payload(i)), privateKey: d.privateKey });
  });
  run = async () => {
    // PROFILE_WINDOW readings in flight at a time (default 2000; an HTTP run with N sockets has N).
    const window = Number(process.env.PROFILE_WINDOW ?? 2_000);
    let next = 0;
    const lane = async () => {
      while (next < readings.length) await node.ingest(readings[next++]!);
    };
    if (window >= 2_000) for (let i = 0; i < readings.length; i += window) await Promise.all(readings.slice(i, i + window).map((r) => node.ingest(r)));
    else await Promise.all(Array.from({ length: window }, lane));
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
  if (process.env.PROFILE_NOOP === "1") {
    const { deviceDataBody } = await import("../node/src/schemas/device.js");
    const { parseWith } = await import("../node/src/schemas/parse.js");
    node.app.post("/_noop", async (request, reply) => {
      const b = parseWith(deviceDataBody, request.body);
      return reply.status(202).send({ reading_id: 1, device_id: b.device_id, counter: b.counter, proof_hash: "0x" + "ab".repeat(32), status: "pending" });
    });
    path = "/_noop";
  }
  const url = await node.listen({ port: 0 });
  const lanes = lanesOf(url + path, bodies, Number(process.env.PROFILE_LANES ?? 100));
  run = async () => {
    const out = await runLoadInWorker({ lanes, pipeline: Number(process.env.PROFILE_PIPELINE ?? 1), maxMs: 60_000 });
    clientCpuUs = out.clientCpuUs;
    const stored = (await node.metrics()).data_submissions;
    console.log(`answers ${JSON.stringify(out.statuses)}; readings stored ${stored}, answered 2xx ${out.ok}`);
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
const session = process.env.PROFILE_OUT === undefined ? undefined : new Session();
const post = (method: string) => new Promise<unknown>((resolve, reject) => session!.post(method, (error, result) => (error === null ? resolve(result) : reject(error))));
if (session !== undefined) {
  session.connect();
  await post("Profiler.enable");
  await post("Profiler.start");
}
console.log(`timed run starts (pid ${process.pid})`);
const cpu0 = process.cpuUsage();
const main0 = process.threadCpuUsage();
const start = performance.now();
const done = await run();
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpu0);
const mainCpu = process.threadCpuUsage(main0);
if (session !== undefined) {
  const { profile } = (await post("Profiler.stop")) as { profile: unknown };
  writeFileSync(process.env.PROFILE_OUT!, JSON.stringify(profile));
  session.disconnect();
}
const perReading = (us: number) => (done === 0 ? "-" : (us / done).toFixed(0));
const processUs = cpu.user + cpu.system;
console.log(`${kind}: ${done} readings in ${Math.round(ms)} ms = ${Math.round((done / ms) * 1000)} readings/s (workers ${WORKERS}); CPU per reading: ${perReading(processUs)} µs process${clientCpuUs > 0 ? `, ${perReading(clientCpuUs)} µs load generator, ${perReading(processUs - clientCpuUs)} µs the rest (server, workers, chain)` : ""}, ${perReading(mainCpu.user + mainCpu.system)} µs main thread; load ${loadavg().map((x) => x.toFixed(2)).join(" ")}`);
await node.close();
await connection.close();
rmSync(dir, { recursive: true, force: true });
