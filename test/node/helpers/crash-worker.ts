// Child process of the crash-recovery test: a node on the served chain that
// ingests readings LCORE_CRASH_FROM..LCORE_CRASH_TO (if any), commits, and
// prints "drained" when its outbox is empty. The parent SIGKILLs it mid-way.
// Mocha loads every file under test/, so this one only acts when spawned as
// the worker (LCORE_CRASH_DB set) and has no top-level await.
import { createNode, signReading } from "../../../node/src/index.js";
import { HARDHAT_ACCOUNT_0_KEY } from "./serve-chain.js";

async function main(): Promise<void> {
  const env = process.env;
  const node = await createNode({
    chain: { rpcUrl: env.LCORE_CRASH_RPC!, privateKey: HARDHAT_ACCOUNT_0_KEY, contractAddress: env.LCORE_CRASH_CONTRACT! as `0x${string}` },
    dbPath: env.LCORE_CRASH_DB!,
    ...((env.LCORE_CRASH_DATABASE_URL ?? "") === "" ? {} : { databaseUrl: env.LCORE_CRASH_DATABASE_URL! }),
    masterSecret: env.LCORE_CRASH_MASTER!,
    apiToken: "crash-test-operator-token",
    logLevel: "silent",
    devicePerSecond: 0,
    autoStart: false,
    committer: { maxInFlight: 3, pollIntervalMs: 1, backoff: { baseMs: 5, maxMs: 50 } },
  });
  const deviceKey = env.LCORE_CRASH_DEVICE_KEY!;
  if (env.LCORE_CRASH_DEVICE_PUB !== undefined) {
    try {
      await node.registerDevice({ device_id: "EV_CRASH", public_key: env.LCORE_CRASH_DEVICE_PUB });
    } catch {
      // registered by an earlier run
    }
  }
  const from = Number(env.LCORE_CRASH_FROM ?? 0);
  const to = Number(env.LCORE_CRASH_TO ?? -1);
  const readings = [];
  for (let c = from; c <= to && c > 0; c++) readings.push(signReading({ deviceId: "EV_CRASH", counter: c, data: `odometer=${c}`, privateKey: deviceKey }));
  for (let i = 0; i < readings.length; i += 50) {
    const outcomes = await node.ingestMany(readings.slice(i, i + 50));
    if (outcomes.some((o) => !o.ok)) {
      console.log("ingest-refused");
      process.exit(2);
    }
  }
  console.log(`ingested ${readings.length}`);
  node.outbox.start();
  const drained = await node.outbox.drain({ timeoutMs: 60_000 });
  console.log(drained ? "drained" : "not-drained");
  await node.close();
  process.exit(drained ? 0 : 3);
}

if (process.env.LCORE_CRASH_DB !== undefined) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
