// Ingest throughput: signed readings persisted per second (a reading counts
// once its SQLite transaction committed, i.e. when ingest() resolves / HTTP
// answers 202), against a predecessor-style baseline measured in the same
// run (encrypt, one SQLite transaction and one submitResult call waiting for
// its receipt, per reading). Cases: in-process API (noble and node:crypto
// engines), in-process gateway batches (ingestMany), HTTP single readings and
// HTTP batches (the load generator runs in a worker thread, so server and
// client use the two cores). The node runs in batch mode with its commit loop
// live; the backlog is drained and counted at the end. Device signing is
// device-side work and happens before timing. Bounded by count and time.
// The store cases run node servers as child processes (node/src/server.ts)
// behind a round-robin load generator: SQLite with 1 instance, PostgreSQL with
// 1, 2 and 3 instances on one database (a server this run starts; BENCH_PG=0
// skips them). Writes bench/results/ingest.json.
//   node --import tsx bench/ingest.bench.ts   (BENCH_SCALE=0.2 for a quick run)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

import type { Hex } from "viem";

import type { SignedReading } from "../node/src/crypto/device-signature.js";

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const MAX_CASE_MS = Number(process.env.BENCH_CASE_MS ?? 20_000);
const n = (x: number) => Math.max(10, Math.round(x * SCALE));

interface ClientJob {
  url: string;
  /** Instead of url + bodies: lanes, each with its own URL (instance) and bodies (its own devices, so counters stay in order). */
  lanes?: { url: string; bodies: string[] }[];
  bodies: string[];
  concurrency: number;
  maxMs: number;
}

// ---- worker thread: HTTP load generator ----
async function runClient(job: ClientJob): Promise<{ ok: number; failed: number; ms: number; statuses: Record<string, number> }> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  const statuses: Record<string, number> = {};
  const start = performance.now();
  const deadline = start + job.maxMs;
  async function lane(url = job.url, bodies = job.bodies, own = false) {
    let mine = 0;
    while ((own ? mine < bodies.length : next < bodies.length) && performance.now() < deadline) {
      const body = own ? bodies[mine++]! : bodies[next++]!;
      const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json" } });
      const text = await res.text();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      if (res.status === 202) {
        const parsed = JSON.parse(text) as { accepted?: number };
        ok += parsed.accepted ?? 1;
      } else failed++;
    }
  }
  if (job.lanes !== undefined) await Promise.all(job.lanes.map((l) => lane(l.url, l.bodies, true)));
  else await Promise.all(Array.from({ length: job.concurrency }, () => lane()));
  return { ok, failed, ms: performance.now() - start, statuses };
}

if (!isMainThread) {
  const result = await runClient(workerData as ClientJob);
  parentPort!.postMessage(result);
} else {
  await main();
}

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

  const results: { case: string; readings: number; seconds: number; readings_per_sec: number; vs_baseline?: number; note?: string }[] = [];
  const record = (name: string, readings: number, ms: number, note?: string) => {
    const r = { case: name, readings, seconds: Math.round(ms) / 1000, readings_per_sec: Math.round((readings / ms) * 1000), ...(note === undefined ? {} : { note }) };
    results.push(r);
    console.log(`${name.padEnd(88)} ${String(r.readings).padStart(7)} readings ${String(r.readings_per_sec).padStart(8)} readings/s`);
    return r;
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

  // ---- our node ----
  const nodes = [] as Awaited<ReturnType<typeof createNode>>[];
  const startNode = async (engine: "noble" | "openssl", name: string, ingestWorkers = 0) => {
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
    const start = performance.now();
    let done = 0;
    for (let i = 0; i < readings.length && performance.now() - start < MAX_CASE_MS; i += 2_000) {
      const slice = readings.slice(i, i + 2_000);
      await Promise.all(slice.map((r) => node.ingest(r)));
      done += slice.length;
    }
    record(`in-process ingest(), ${workers === 0 ? "main thread" : `${workers} crypto workers`}, ${engine === "noble" ? "@noble/ciphers" : "node:crypto"} engine`, done, performance.now() - start);
  }
  {
    const node = await startNode("openssl", "many-openssl");
    const devices = makeDevices("M", 100);
    await register(node, devices);
    const readings = signMany(devices, n(20_000));
    const start = performance.now();
    let done = 0;
    for (let i = 0; i < readings.length && performance.now() - start < MAX_CASE_MS; i += 500) {
      done += (await node.ingestMany(readings.slice(i, i + 500))).filter((o) => o.ok).length;
      await new Promise((r) => setImmediate(r)); // let the commit loop run
    }
    record("in-process ingestMany() batches of 500, node:crypto engine", done, performance.now() - start);
  }

  const http = async (engine: "noble" | "openssl", batch: number, workers: number) => {
    const node = await startNode(engine, `http-${engine}-${batch}-${workers}`, workers);
    const devices = makeDevices(`H${engine[0]}${batch}${workers}`, 100);
    await register(node, devices);
    const readings = signMany(devices, n(batch === 1 ? 8_000 : 20_000));
    const bodies: string[] = [];
    if (batch === 1) for (const r of readings) bodies.push(JSON.stringify(r));
    else for (let i = 0; i < readings.length; i += batch) bodies.push(JSON.stringify({ readings: readings.slice(i, i + batch) }));
    const url = await node.listen({ host: "127.0.0.1", port: 0 });
    const worker = new Worker(new URL(import.meta.url), {
      workerData: { url: `${url}/device/data${batch === 1 ? "" : "/batch"}`, bodies, concurrency: batch === 1 ? 64 : 8, maxMs: MAX_CASE_MS } satisfies ClientJob,
      execArgv: ["--import", "tsx"],
    });
    const out = await new Promise<{ ok: number; failed: number; ms: number; statuses: Record<string, number> }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    record(
      `HTTP POST /device/data${batch === 1 ? " (1 reading/request, 64 conns)" : `/batch (${batch}/request, 8 conns)`}, ${workers} crypto workers, ${engine === "noble" ? "noble" : "node:crypto"}`,
      out.ok,
      out.ms,
      out.failed > 0 ? `non-202: ${JSON.stringify(out.statuses)}` : undefined,
    );
  };
  await http("noble", 1, 0);
  await http("openssl", 1, 0);
  await http("openssl", 1, 1);
  await http("openssl", 100, 0);
  await http("openssl", 100, 1);

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
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { url: "", bodies: [], concurrency: 0, lanes, maxMs: MAX_CASE_MS } satisfies ClientJob,
        execArgv: ["--import", "tsx"],
      });
      const out = await new Promise<{ ok: number; failed: number; ms: number; statuses: Record<string, number> }>((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
      });
      await worker.terminate();
      const r = record(
        `servers: ${backend === "sqlite" ? "SQLite" : "PostgreSQL"}, ${instances} instance${instances === 1 ? "" : "s"} (child processes), POST /device/data/batch 100/request, 4 lanes round robin`,
        out.ok,
        out.ms,
        out.failed > 0 ? `non-202: ${JSON.stringify(out.statuses)}` : undefined,
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
