// Ingest throughput: signed readings persisted per second (a reading counts
// once its SQLite transaction committed, i.e. when ingest() resolves / HTTP
// answers 202), against a predecessor-style baseline measured in the same
// run (encrypt, one SQLite transaction and one submitResult call waiting for
// its receipt, per reading). Cases: in-process API (noble and node:crypto
// engines; without crypto workers the signature checks run on libuv's
// threadpool, with them on worker threads), in-process gateway batches
// (ingestMany), HTTP single readings and HTTP batches. The HTTP load
// generator (bench/http-load.ts: raw keep-alive sockets, request bytes built
// before timing, one lane per socket with its own devices so counters arrive
// in order) runs in a worker thread, so server and client share the two
// cores; its own CPU time is reported, and every HTTP case checks that the
// readings answered 2xx are the readings stored. The node runs in batch mode
// with its commit loop live; the backlog is drained and counted at the end.
// Device signing is device-side work and happens before timing. Bounded by
// count and time.
// Also the device formats of issue 13: JWS readings (ES256K / ES256 / EdDSA,
// /api/device/submit), with the bare verification rate of each alg printed as
// their bound; gateway-signed batches (one EdDSA JWS over 1000 readings,
// in process and over HTTP); the unsigned M1 compat path. Ends with the four
// headline figures (in-process, HTTP 1/request, HTTP batches, JWS) and their
// ratios to the baseline. Every case also reports readings per CPU-second of
// the whole process (node, workers, chain, and for HTTP the load generator),
// and for HTTP per CPU-second of the server alone (the load generator's thread
// left out), which on a shared machine says what the code costs whatever the
// other tenants take.
// The store cases run node servers as child processes (node/src/server.ts)
// behind a round-robin load generator: SQLite with 1 instance, PostgreSQL with
// 1, 2 and 3 instances on one database (a server this run starts; BENCH_PG=0
// skips them). Writes bench/results/ingest.json.
//   node --import tsx bench/ingest.bench.ts   (BENCH_SCALE=0.2 for a quick run)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import type { Hex } from "viem";

import type { SignedReading } from "../node/src/crypto/device-signature.js";
import { lanesOf, runLoadInWorker, type LoadLane, type LoadResult } from "./http-load.js";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const MAX_CASE_MS = Number(process.env.BENCH_CASE_MS ?? 20_000);
const n = (x: number) => Math.max(10, Math.round(x * SCALE));

await main();

async function main(): Promise<void> {
  const { network } = await import("hardhat");
  const { createCipheriv, randomBytes, createHash } = await import("node:crypto");
  const Database = (await import("better-sqlite3")).default;
  const { createNode, generateDeviceKeyPair, signReading } = await import("../node/src/index.js");
  const { mvpIoTProcessorAbi } = await import("../contracts-stylus/artifacts/abi.js");
  const { deployProcessor } = await import("../test/node/helpers/deploy-processor.js");

  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores (other work on the machine lowers every figure; compare the ratios)`);
  const connection = await network.create();
  const processor = await deployProcessor(connection);
  const dir = mkdtempSync(join(tmpdir(), "lcore-ingest-bench-"));
  const payload = (i: number) => JSON.stringify({ v: i, kwh: 12.5 + (i % 100) / 10, ts: 1_700_000_000 + i }).padEnd(256, " ");

  type Device = { id: string; privateKey: string; publicKey: string; counter: number };
  const makeDevices = (prefix: string, count: number): Device[] =>
    Array.from({ length: count }, (_, i) => ({ id: `${prefix}_${i}`, ...generateDeviceKeyPair(), counter: 0 }));
  const signMany = (devices: Device[], total: number): SignedReading[] =>
    Array.from({ length: total }, (_, i) => {
      const d = devices[i % devices.length]!;
      d.counter++;
      return signReading({ deviceId: d.id, counter: d.counter, data: payload(i), privateKey: d.privateKey });
    });

  type CaseResult = {
    case: string;
    readings: number;
    seconds: number;
    readings_per_sec: number;
    cpu_seconds: number;
    readings_per_cpu_sec: number;
    /** HTTP cases: the load generator's thread, and the rest of the process (the server side). */
    client_cpu_seconds?: number;
    server_cpu_us_per_reading?: number;
    readings_per_server_cpu_sec?: number;
    vs_baseline?: number;
    note?: string;
  };
  const results: CaseResult[] = [];
  // CPU time of the whole process (every thread: node, crypto workers, the
  // in-process chain and, for HTTP cases, the load generator) per case: on a
  // shared machine, readings per CPU-second says what the code costs whatever
  // the other tenants take. It is conservative (it charges the client and the
  // chain to the node); HTTP cases also give the server's share alone.
  let caseCpu = process.cpuUsage();
  const markCase = () => {
    caseCpu = process.cpuUsage();
  };
  const record = (name: string, readings: number, ms: number, note?: string, clientCpuUs?: number) => {
    const cpu = process.cpuUsage(caseCpu);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const r: CaseResult = {
      case: name,
      readings,
      seconds: Math.round(ms) / 1000,
      readings_per_sec: Math.round((readings / ms) * 1000),
      cpu_seconds: Math.round(cpuSeconds * 1000) / 1000,
      readings_per_cpu_sec: Math.round(readings / Math.max(cpuSeconds, 1e-6)),
    };
    if (clientCpuUs !== undefined) {
      const serverUs = cpu.user + cpu.system - clientCpuUs;
      r.client_cpu_seconds = Math.round(clientCpuUs / 1000) / 1000;
      r.server_cpu_us_per_reading = Math.round(serverUs / Math.max(readings, 1));
      r.readings_per_server_cpu_sec = Math.round(readings / Math.max(serverUs / 1e6, 1e-6));
    }
    if (note !== undefined) r.note = note;
    results.push(r);
    const server = r.readings_per_server_cpu_sec === undefined ? "" : ` ${String(r.readings_per_server_cpu_sec).padStart(8)} per server CPU-s (client ${Math.round(clientCpuUs! / Math.max(readings, 1))} µs/reading)`;
    console.log(`${name.padEnd(88)} ${String(r.readings).padStart(7)} readings ${String(r.readings_per_sec).padStart(8)} readings/s ${String(r.readings_per_cpu_sec).padStart(8)} per CPU-s${server}${note === undefined ? "" : `  [${note}]`}`);
    return r;
  };
  /**
   * Runs an HTTP load (worker thread) and records it; `stored()` counts the
   * node's stored readings, so the figure counts only readings both answered
   * 2xx and in the database (a mismatch is printed in the case's note).
   */
  const recordHttp = async (
    name: string,
    lanes: LoadLane[],
    stored: () => Promise<number>,
    options: { countAccepted?: boolean; pipeline?: number; serverInProcess?: boolean } = {},
  ): Promise<{ out: LoadResult; r: CaseResult }> => {
    const before = await stored();
    markCase();
    const out = await runLoadInWorker({ lanes, pipeline: options.pipeline ?? 1, maxMs: MAX_CASE_MS, ...(options.countAccepted === undefined ? {} : { countAccepted: options.countAccepted }) });
    const ms = out.ms;
    const inDb = (await stored()) - before;
    const notes: string[] = [];
    if (out.failed > 0) notes.push(`non-2xx answers: ${JSON.stringify(out.statuses)}`);
    if (out.refused > 0) notes.push(`${out.refused} readings refused inside 2xx batch answers`);
    if (inDb !== out.ok) notes.push(`readings answered 2xx ${out.ok} but ${inDb} stored`);
    const r = record(name, Math.min(out.ok, inDb), ms, notes.length === 0 ? undefined : notes.join("; "), options.serverInProcess === false ? undefined : out.clientCpuUs);
    return { out, r };
  };

  // ---- baseline: the predecessor's path, one reading at a time ----
  {
    const db = new Database(join(dir, "baseline.db"));
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec("CREATE TABLE data_submissions (id INTEGER PRIMARY KEY, device_id TEXT, task_id TEXT, proof_hash TEXT, tx_hash TEXT, created_at INTEGER)");
    const insert = db.prepare("INSERT INTO data_submissions (device_id, task_id, proof_hash, tx_hash, created_at) VALUES (?, ?, ?, ?, ?)");
    const { walletClient, publicClient } = processor.clients;
    const k1 = randomBytes(32);
    const k2 = randomBytes(32);
    const total = n(300);
    markCase();
    const start = performance.now();
    let done = 0;
    for (let i = 0; i < total && performance.now() - start < MAX_CASE_MS; i++) {
      const pt = Buffer.from(payload(i));
      const n1 = randomBytes(12);
      const c1 = createCipheriv("aes-256-gcm", k1, n1);
      const s1 = Buffer.concat([n1, c1.update(pt), c1.final(), c1.getAuthTag()]);
      const n2 = randomBytes(12);
      const c2 = createCipheriv("chacha20-poly1305", k2, n2, { authTagLength: 16 });
      const s2 = Buffer.concat([n2, c2.update(s1), c2.final(), c2.getAuthTag()]);
      const proof = `0x${createHash("sha256").update(s2).digest("hex")}` as Hex;
      const hash = await walletClient.writeContract({ address: processor.address, abi: mvpIoTProcessorAbi, functionName: "submitResult", args: [proof, Array.from(s2), proof], chain: null, account: walletClient.account });
      await publicClient.waitForTransactionReceipt({ hash });
      db.transaction(() => insert.run("EV_BASE", proof, proof, hash, Date.now()))();
      done++;
    }
    record("baseline: predecessor path (1 tx + 1 submitResult/reading)", done, performance.now() - start, "encrypt, submitResult awaited, one SQLite transaction, per reading; in-process chain");
    db.close();
  }
  const baseline = results[0]!.readings_per_sec;
  const baselineCpu = results[0]!.readings_per_cpu_sec;

  // ---- our node ----
  const nodes = [] as Awaited<ReturnType<typeof createNode>>[];
  const startNode = async (engine: "noble" | "openssl", name: string, ingestWorkers = 0, extra: { enroll?: "open"; gateways?: boolean; compat?: "m1" } = {}) => {
    const node = await createNode({
      chain: processor.clients,
      dbPath: join(dir, `${name}.db`),
      masterSecret: randomBytes(32).toString("hex"),
      apiToken: randomBytes(16).toString("hex"),
      commitMode: "batch",
      batchSize: 1024,
      batchMaxWaitMs: 500,
      cryptoEngine: engine,
      ingestWorkers,
      devicePerSecond: 0,
      logLevel: "silent",
      http: { ipPerMinute: 0, bodyLimit: 1_048_576 },
      deviceAnswerWaitMs: 0,
      ...extra,
    });
    nodes.push(node);
    return node;
  };
  // Registrations are committed before timing, so each case measures ingest (plus its own batch commits).
  const register = async (node: Awaited<ReturnType<typeof createNode>>, devices: Device[]) => {
    for (const d of devices) await node.registerDevice({ device_id: d.id, public_key: d.publicKey });
    await node.outbox.drain({ timeoutMs: 120_000 });
  };

  for (const [engine, workers] of [["noble", 0], ["openssl", 0], ["noble", 2], ["openssl", 2]] as const) {
    const node = await startNode(engine, `api-${engine}-${workers}`, workers);
    const devices = makeDevices(`A${engine[0]}${workers}`, 100);
    await register(node, devices);
    const readings = signMany(devices, n(20_000));
    markCase();
    const start = performance.now();
    let done = 0;
    for (let i = 0; i < readings.length && performance.now() - start < MAX_CASE_MS; i += 2_000) {
      const slice = readings.slice(i, i + 2_000);
      await Promise.all(slice.map((r) => node.ingest(r)));
      done += slice.length;
    }
    record(`in-process ingest(), ${workers === 0 ? "no crypto workers (checks on the threadpool)" : `${workers} crypto workers`}, ${engine === "noble" ? "@noble/ciphers" : "node:crypto"} engine`, done, performance.now() - start);
  }
  {
    const node = await startNode("openssl", "many-openssl");
    const devices = makeDevices("M", 100);
    await register(node, devices);
    const readings = signMany(devices, n(20_000));
    markCase();
    const start = performance.now();
    let done = 0;
    for (let i = 0; i < readings.length && performance.now() - start < MAX_CASE_MS; i += 500) {
      done += (await node.ingestMany(readings.slice(i, i + 500))).filter((o) => o.ok).length;
      await new Promise((r) => setImmediate(r)); // let the commit loop run
    }
    record("in-process ingestMany() batches of 500, node:crypto engine", done, performance.now() - start);
  }

  // ---- device formats (issue 13) ----
  const { generateKeyPairSync, sign: cryptoSign, verify: cryptoVerify } = await import("node:crypto");
  const { didKeyOf } = await import("../node/src/devices/did/device-did.js");
  const b64u = (v: string | Uint8Array) => Buffer.from(v).toString("base64url");
  type JwsAlg = "ES256K" | "ES256" | "EdDSA";
  /** A JWS device signing the way lcore-sdk does (compact JWS, r||s), with node:crypto so preparing the load is quick. */
  const jwsDevice = (alg: JwsAlg) => {
    const { privateKey, publicKey } =
      alg === "EdDSA" ? generateKeyPairSync("ed25519") : generateKeyPairSync("ec", { namedCurve: alg === "ES256K" ? "secp256k1" : "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const raw = alg === "EdDSA" ? Buffer.from(jwk.x!, "base64url") : Buffer.concat([Buffer.from([Buffer.from(jwk.y!, "base64url")[31]! & 1 ? 3 : 2]), Buffer.from(jwk.x!, "base64url")]);
    const header = b64u(JSON.stringify({ alg, typ: "JWS" }));
    return {
      did: didKeyOf(alg, raw),
      signJws(payload: unknown): string {
        const input = `${header}.${b64u(JSON.stringify(payload))}`;
        const sig = alg === "EdDSA" ? cryptoSign(null, Buffer.from(input), privateKey) : cryptoSign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" });
        return `${input}.${b64u(sig)}`;
      },
      verifyOnly(jws: string): boolean {
        const i = jws.lastIndexOf(".");
        const input = Buffer.from(jws.slice(0, i));
        const sig = Buffer.from(jws.slice(i + 1), "base64url");
        return alg === "EdDSA" ? cryptoVerify(null, input, publicKey, sig) : cryptoVerify("sha256", input, { key: publicKey, dsaEncoding: "ieee-p1363" }, sig);
      },
    };
  };
  const jwsPayload = (i: number) => ({ v: i, kwh: 12.5 + (i % 100) / 10, ts: 1_700_000_000 + i, pad: "x".repeat(190) });
  const startFormatsNode = (name: string, extra: { enroll?: "open"; gateways?: boolean; compat?: "m1" }, workers = 0) => startNode("openssl", name, workers, extra);
  const verifyRates: Record<string, number> = {};
  const verifyRatesCpu: Record<string, number> = {};
  for (const [alg, workers] of [["ES256K", 0], ["ES256K", 2], ["ES256", 0], ["ES256", 2], ["EdDSA", 0]] as const) {
    const node = await startFormatsNode(`jws-${alg}-${workers}`, { enroll: "open" }, workers);
    const devices = Array.from({ length: 100 }, () => jwsDevice(alg));
    const total = n(alg === "EdDSA" ? 10_000 : 5_000);
    const now = Math.floor(Date.now() / 1000);
    const subs = Array.from({ length: total }, (_, i) => {
      const d = devices[i % devices.length]!;
      const payload = jwsPayload(i);
      return { did: d.did, payload, signature: d.signJws(payload), timestamp: now };
    });
    // the bound: bare signature verification on this thread
    if (workers === 0) {
      const start = performance.now();
      const cpu0 = process.threadCpuUsage();
      let ok = 0;
      for (let i = 0; i < subs.length && performance.now() - start < MAX_CASE_MS; i++) if (devices[i % devices.length]!.verifyOnly(subs[i]!.signature)) ok++;
      verifyRates[alg] = Math.round((ok / (performance.now() - start)) * 1000);
      const cpu = process.threadCpuUsage(cpu0);
      verifyRatesCpu[alg] = Math.round(ok / ((cpu.user + cpu.system) / 1e6));
      console.log(`${`  bound: bare ${alg} verification (node:crypto), one thread`.padEnd(88)} ${String(ok).padStart(7)} verifies ${String(verifyRates[alg]).padStart(8)} verifies/s ${String(verifyRatesCpu[alg]).padStart(8)} per CPU-s`);
    }
    // enrol the devices (open enrolment) before timing, as the other cases register theirs
    for (const d of devices) {
      const p = { enrol: true };
      await node.formats.submitJws({ did: d.did, payload: p, signature: d.signJws(p), timestamp: now });
    }
    await node.outbox.drain({ timeoutMs: 120_000 });
    markCase();
    const start = performance.now();
    let done = 0;
    for (let i = 0; i < subs.length && performance.now() - start < MAX_CASE_MS; i += 1_000) {
      const slice = subs.slice(i, i + 1_000);
      await Promise.all(slice.map((x) => node.formats.submitJws(x)));
      done += slice.length;
    }
    record(`in-process JWS ${alg} readings (submitJws: verify + envelope + group commit), ${workers === 0 ? "checks on the threadpool" : `${workers} crypto workers verify`}`, done, performance.now() - start);
  }
  {
    const node = await startFormatsNode("gateway-inproc", { gateways: true });
    const gw = jwsDevice("EdDSA");
    await node.formats.registerGateway({ did: gw.did });
    await node.outbox.drain({ timeoutMs: 120_000 });
    const now = Math.floor(Date.now() / 1000);
    const total = n(40_000);
    const batches: { did: string; signature: string }[] = [];
    for (let i = 0; i < total; i += 1_000) {
      batches.push({ did: gw.did, signature: gw.signJws({ timestamp: now, readings: Array.from({ length: 1_000 }, (_, k) => payload(i + k)) }) });
    }
    markCase();
    const start = performance.now();
    let done = 0;
    for (const b of batches) {
      if (performance.now() - start > MAX_CASE_MS) break;
      done += (await node.formats.submitGatewayBatch(b)).length;
      await new Promise((r) => setImmediate(r)); // let the commit loop run
    }
    record("in-process gateway-signed batches (1000 readings per EdDSA JWS, opt-in format)", done, performance.now() - start);
  }
  {
    const node = await startFormatsNode("m1-inproc", { compat: "m1" });
    const ids = Array.from({ length: 100 }, (_, i) => `M1_${i}`);
    for (const id of ids) await node.formats.registerM1({ device_id: id });
    await node.outbox.drain({ timeoutMs: 120_000 });
    const total = n(20_000);
    markCase();
    const start = performance.now();
    let done = 0;
    for (let i = 0; i < total && performance.now() - start < MAX_CASE_MS; i += 2_000) {
      const k = Math.min(2_000, total - i);
      await Promise.all(Array.from({ length: k }, (_, j) => node.formats.submitM1({ device_id: ids[(i + j) % ids.length]!, data: payload(i + j), timestamp: 1_700_000_000 + i + j })));
      done += k;
    }
    record("in-process M1 compat readings (unauthenticated: envelope + group commit)", done, performance.now() - start);
  }

  // HTTP: 100 devices, each on its own keep-alive socket (so its counters arrive in order), one request in flight per socket.
  const SOCKETS = 100;
  const storedIn = (node: Awaited<ReturnType<typeof createNode>>) => async () => (await node.metrics()).data_submissions;
  const http = async (engine: "noble" | "openssl", batch: number, workers: number) => {
    const node = await startNode(engine, `http-${engine}-${batch}-${workers}`, workers);
    const devices = makeDevices(`H${engine[0]}${batch}${workers}`, 100);
    await register(node, devices);
    const url = await node.listen({ host: "127.0.0.1", port: 0 });
    if (batch === 1) {
      const bodies = signMany(devices, n(20_000)).map((r) => JSON.stringify(r));
      await recordHttp(`HTTP POST /device/data (1 reading/request, ${SOCKETS} conns), ${workers} crypto workers, ${engine === "noble" ? "noble" : "node:crypto"}`, lanesOf(`${url}/device/data`, bodies, SOCKETS), storedIn(node));
    } else {
      // 4 lanes, each a gateway with its own 25 devices: batches of `batch` readings, in counter order per lane.
      const lanes = Array.from({ length: 4 }, (_, l) => {
        const readings = signMany(devices.slice(l * 25, l * 25 + 25), n(20_000) / 4);
        const bodies: string[] = [];
        for (let i = 0; i < readings.length; i += batch) bodies.push(JSON.stringify({ readings: readings.slice(i, i + batch) }));
        return { url: `${url}/device/data/batch`, bodies };
      });
      await recordHttp(`HTTP POST /device/data/batch (${batch}/request, 4 conns), ${workers} crypto workers, ${engine === "noble" ? "noble" : "node:crypto"}`, lanes, storedIn(node), { countAccepted: true });
    }
  };
  await http("noble", 1, 0);
  await http("openssl", 1, 0);
  await http("openssl", 1, 1);
  await http("openssl", 1, 2);
  await http("openssl", 100, 0);
  await http("openssl", 100, 1);

  {
    const node = await startFormatsNode("gateway-http", { gateways: true });
    const gw = jwsDevice("EdDSA");
    await node.formats.registerGateway({ did: gw.did });
    await node.outbox.drain({ timeoutMs: 120_000 });
    const now = Math.floor(Date.now() / 1000);
    const bodies: string[] = [];
    for (let i = 0; i < n(40_000); i += 1_000) {
      bodies.push(JSON.stringify({ did: gw.did, signature: gw.signJws({ timestamp: now, readings: Array.from({ length: 1_000 }, (_, k) => payload(i + k)) }) }));
    }
    const url = await node.listen({ host: "127.0.0.1", port: 0 });
    await recordHttp("HTTP POST /api/gateway/submit (1000 readings per EdDSA JWS, 4 conns), opt-in format", lanesOf(`${url}/api/gateway/submit`, bodies, 4), storedIn(node), { countAccepted: true });
  }
  for (const workers of [0, 1]) {
    const node = await startFormatsNode(`jws-http-${workers}`, { enroll: "open" }, workers);
    const devices = Array.from({ length: 100 }, () => jwsDevice("ES256K"));
    const now = Math.floor(Date.now() / 1000);
    for (const d of devices) {
      const p = { enrol: true };
      await node.formats.submitJws({ did: d.did, payload: p, signature: d.signJws(p), timestamp: now });
    }
    await node.outbox.drain({ timeoutMs: 120_000 });
    const bodies = Array.from({ length: n(5_000) }, (_, i) => {
      const d = devices[i % devices.length]!;
      const p = jwsPayload(i);
      return JSON.stringify({ did: d.did, payload: p, signature: d.signJws(p), timestamp: now });
    });
    const url = await node.listen({ host: "127.0.0.1", port: 0 });
    await recordHttp(`HTTP POST /api/device/submit ES256K (1 reading/request, ${SOCKETS} conns), ${workers} crypto workers`, lanesOf(`${url}/api/device/submit`, bodies, SOCKETS), storedIn(node));
  }

  // ---- store backends: node servers as child processes, round robin over N instances ----
  const storeCases: { backend: string; instances: number; readings_per_sec: number }[] = [];
  if (process.env.BENCH_PG !== "0") {
    const { spawn } = await import("node:child_process");
    const { fileURLToPath } = await import("node:url");
    const { generatePrivateKey, privateKeyToAccount } = await import("viem/accounts");
    const { serveChain } = await import("../test/node/helpers/serve-chain.js");
    const { startPostgres } = await import("../test/helpers/postgres-server.js");
    const served = await serveChain(connection.provider);
    const pg = await startPostgres();
    const server = fileURLToPath(new URL("../node/src/server.ts", import.meta.url));
    const { walletClient, publicClient } = processor.clients;
    const keys: Hex[] = [];
    for (let i = 0; i < 3; i++) {
      const key = generatePrivateKey();
      const address = privateKeyToAccount(key).address;
      await publicClient.waitForTransactionReceipt({ hash: await walletClient.writeContract({ address: processor.address, abi: mvpIoTProcessorAbi, functionName: "setSubmitter", args: [address, true], chain: null, account: walletClient.account }) });
      await publicClient.waitForTransactionReceipt({ hash: await walletClient.sendTransaction({ to: address, value: 10n ** 19n, chain: null, account: walletClient.account }) });
      keys.push(key);
    }
    const token = randomBytes(16).toString("hex");
    const secret = randomBytes(32).toString("hex");
    const storeCase = async (backend: "sqlite" | "postgres", instances: number) => {
      const databaseUrl = backend === "postgres" ? await pg.createDatabase("bench") : "";
      const children: { kill(signal: string): boolean; exited: Promise<unknown> }[] = [];
      const urls: string[] = [];
      for (let i = 0; i < instances; i++) {
        let log = "";
        const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), server], {
          env: {
            ...process.env,
            LCORE_NODE_RPC_URL: served.url,
            LCORE_NODE_CONTRACT_ADDRESS: processor.address,
            LCORE_NODE_PRIVATE_KEY: keys[i]!,
            LCORE_NODE_DATABASE_URL: databaseUrl,
            LCORE_NODE_DB_PATH: join(dir, `store-${backend}-${instances}.db`),
            LCORE_NODE_MASTER_SECRET: secret,
            LCORE_NODE_API_TOKEN: token,
            LCORE_NODE_PORT: "0",
            LCORE_NODE_COMMIT_MODE: "batch",
            LCORE_NODE_BATCH_SIZE: "1024",
            LCORE_NODE_BATCH_MAX_WAIT_MS: "500",
            LCORE_NODE_CRYPTO_ENGINE: "openssl",
            LCORE_NODE_DEVICE_PER_SECOND: "0",
            LCORE_NODE_IP_PER_MINUTE: "0",
            LCORE_NODE_LOG_LEVEL: "info",
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
        child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
        children.push({ kill: (sig) => child.kill(sig as NodeJS.Signals), exited: new Promise((r) => child.on("exit", r)) });
        let url: string | undefined;
        for (let t = 0; t < 1200 && url === undefined; t++) {
          url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(log)?.[1];
          if (url === undefined) await new Promise((r) => setTimeout(r, 50));
        }
        if (url === undefined) throw new Error(`node server did not start:\n${log}`);
        urls.push(url);
      }
      // Four client lanes, round robin over the instances; each lane has its own 25 devices (a gateway's devices), sent in counter order.
      const LANES = 4;
      const devices = makeDevices(`S${backend[0]}${instances}`, 100);
      for (const d of devices) {
        const res = await fetch(`${urls[0]}/device/register`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ device_id: d.id, public_key: d.publicKey }) });
        if (res.status !== 201) throw new Error(`register: HTTP ${res.status}`);
      }
      const lanes = Array.from({ length: LANES }, (_, l) => {
        const readings = signMany(devices.slice(l * 25, l * 25 + 25), n(30_000) / LANES);
        const bodies: string[] = [];
        for (let i = 0; i < readings.length; i += 100) bodies.push(JSON.stringify({ readings: readings.slice(i, i + 100) }));
        return { url: `${urls[l % instances]}/device/data/batch`, bodies };
      });
      // Stored readings counted through the first instance's /metrics (every instance of a backend shares the one database).
      const stored = async () => ((await (await fetch(`${urls[0]}/metrics`)).json()) as { data_submissions: number }).data_submissions;
      const { r } = await recordHttp(
        `servers: ${backend === "sqlite" ? "SQLite" : "PostgreSQL"}, ${instances} instance${instances === 1 ? "" : "s"} (child processes), POST /device/data/batch 100/request, 4 lanes round robin`,
        lanes,
        stored,
        { countAccepted: true, serverInProcess: false },
      );
      storeCases.push({ backend, instances, readings_per_sec: r.readings_per_sec });
      for (const c of children) c.kill("SIGTERM");
      await Promise.all(children.map((c) => c.exited));
    };
    await storeCase("sqlite", 1);
    for (const k of [1, 2, 3]) await storeCase("postgres", k);
    pg.close();
    await served.close();
  }

  // ---- drain: every persisted reading committed ----
  const drainStart = performance.now();
  let persisted = 0;
  let committed = 0;
  let batches = 0;
  for (const node of nodes) {
    await node.outbox.drain({ timeoutMs: 120_000 });
    const m = await node.metrics();
    persisted += m.data_submissions;
    committed += m.on_chain_commitments;
    batches += m.node.committed_batches;
  }
  const drainMs = performance.now() - drainStart;
  console.log(`drain after the runs: ${committed}/${persisted} readings committed in ${batches} Merkle batches (drain took ${Math.round(drainMs)} ms)`);
  for (const r of results.slice(1)) r.vs_baseline = Math.round((r.readings_per_sec / baseline) * 10) / 10;
  console.log("ratios vs baseline (same run):");
  for (const r of results.slice(1)) console.log(`  ${r.case.padEnd(88)} ${r.vs_baseline}x`);

  // ---- the four headline figures (issue 13) ----
  const best = (match: (c: string) => boolean) => results.slice(1).filter((r) => match(r.case)).sort((a, b) => b.readings_per_sec - a.readings_per_sec)[0];
  const headline = {
    // signed readings only: the unsigned M1 compat case is printed above but is not a candidate
    in_process: best((c) => c.startsWith("in-process") && !c.includes("M1") && !c.startsWith("in-process JWS")),
    http_one_per_request: best((c) => c.startsWith("HTTP") && c.includes("1 reading/request")),
    http_batches: best((c) => c.startsWith("HTTP") && (c.includes("/batch") || c.includes("gateway"))),
    jws_es256k: best((c) => c.startsWith("in-process JWS ES256K")),
    jws_es256: best((c) => c.startsWith("in-process JWS ES256 ")),
  };
  const targets = { in_process: 10_000, http_one_per_request: 5_000, http_batches: 10_000 } as Record<string, number>;
  console.log(`headline figures (load average now ${loadavg().map((x) => x.toFixed(2)).join(" ")} on ${cpus().length} cores; baseline ${baseline}/s):`);
  for (const [k, r] of Object.entries(headline)) {
    if (r === undefined) continue;
    const bound = k === "jws_es256k" ? ` (bare verification bound ${verifyRates.ES256K}/s, ${verifyRatesCpu.ES256K} per CPU-s)` : k === "jws_es256" ? ` (bare verification bound ${verifyRates.ES256}/s, ${verifyRatesCpu.ES256} per CPU-s)` : "";
    const target = targets[k] === undefined ? "" : ` target ${targets[k]}/s: ${r.readings_per_sec >= targets[k]! ? "met" : "NOT met"}`;
    console.log(`  ${k.padEnd(22)} ${String(r.readings_per_sec).padStart(8)}/s  ${String(Math.round((r.readings_per_sec / baseline) * 10) / 10).padStart(6)}x baseline${bound}${target}; ${r.readings_per_cpu_sec} per CPU-second (${Math.round((r.readings_per_cpu_sec / baselineCpu) * 10) / 10}x the baseline's)  [${r.case}]`);
  }

  mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
  writeFileSync(
    new URL("./results/ingest.json", import.meta.url),
    `${JSON.stringify(
      {
        bench: "ingest",
        date: new Date().toISOString(),
        node: process.version,
        cores: cpus().length,
        load_average_at_end: loadavg().map((x) => Math.round(x * 100) / 100),
        scale: SCALE,
        reading_bytes: 256,
        contract: processor.kind === "evm" ? "MVPIoTProcessorEvm (Solidity twin)" : "MVPIoTProcessor (Stylus)",
        commit_mode: "batch (1024 / 500 ms), commit loop running during the runs",
        baseline: results[0],
        results: results.slice(1),
        drain: { persisted, committed, batches, ms: Math.round(drainMs) },
        headline,
        verification_bound_per_sec: verifyRates,
        verification_bound_per_cpu_sec: verifyRatesCpu,
        store_backends: storeCases,
      },
      null,
      2,
    )}\n`,
  );
  for (const node of nodes) await node.close();
  await connection.close();
  rmSync(dir, { recursive: true, force: true });
}
