// The node's configuration: a zod schema with defaults for what a caller
// passes to createNode(), and the environment mapping the server uses
// (LCORE_NODE_*). Secrets (master secret, submitter key, API token) come from
// the caller (e.g. a Hardhat configuration variable resolved by the serve
// task) or the environment; with none given, local files with mode 0600 are
// generated under .lcore/ and the node says so (never printing the secret).
import { z } from "zod";
import type { Address, Hex } from "viem";

import type { ChainClients } from "./chain/clients.js";
import { ConfigError } from "./errors/chain.js";

const hex = (bytes?: number) =>
  z.string().regex(bytes === undefined ? /^0x[0-9a-fA-F]*$/ : new RegExp(`^0x[0-9a-fA-F]{${bytes * 2}}$`), bytes === undefined ? "expected 0x-hex" : `expected 0x + ${bytes * 2} hex digits`);

const chainUrlSchema = z.object({
  rpcUrl: z.string().url(),
  privateKey: hex(32).transform((v) => v as Hex),
  contractAddress: hex(20).transform((v) => v as Address),
  /** Per-request RPC timeout, ms. */
  timeoutMs: z.number().int().min(100).optional(),
});

export const nodeConfigSchema = z.object({
  /** SQLite file (":memory:" for throwaway nodes); unused with databaseUrl. */
  dbPath: z.string().min(1).default(".lcore/node.db"),
  /** postgres://user[:password]@host[:port]/database: PostgreSQL instead of SQLite (several instances may share it). */
  databaseUrl: z.string().min(1).optional(),
  /** PostgreSQL connections per instance. */
  databasePoolSize: z.number().int().min(1).max(200).default(10),
  /** "FULL" also survives power loss (slower); "NORMAL" survives process crashes. */
  sqliteSynchronous: z.enum(["NORMAL", "FULL"]).default("NORMAL"),
  commitMode: z.enum(["proof", "batch", "legacy"]).default("proof"),
  batchSize: z.number().int().min(1).max(65_536).default(256),
  batchMaxWaitMs: z.number().int().min(0).default(2_000),
  /** Hex master secret (>= 32 bytes); default: read or generate masterSecretFile. */
  masterSecret: z.string().optional(),
  /** Retired master secrets still needed to decrypt older readings. */
  previousMasterSecrets: z.array(z.string()).default([]),
  masterSecretFile: z.string().default(".lcore/master.key"),
  /** Operator token (register devices, decrypt reads); default: read or generate apiTokenFile. */
  apiToken: z.string().min(16, "expected at least 16 characters").optional(),
  apiTokenFile: z.string().default(".lcore/api-token"),
  cryptoEngine: z.enum(["noble", "openssl"]).default("noble"),
  /** Worker threads for signature checks and encryption (0: on the main thread). Use the cores you have. */
  ingestWorkers: z.number().int().min(0).max(64).default(0),
  maxDataBytes: z.number().int().min(1).max(1_048_576).default(16_384),
  devicePerSecond: z.number().min(0).default(20),
  deviceBurst: z.number().min(1).default(40),
  http: z
    .object({
      host: z.string().default("127.0.0.1"),
      port: z.number().int().min(0).max(65_535).default(8787),
      bodyLimit: z.number().int().min(256).default(65_536),
      /** Requests per IP per minute; 0 disables. */
      ipPerMinute: z.number().int().min(0).default(60_000),
    })
    .prefault({}),
  committer: z
    .object({
      maxInFlight: z.number().int().min(1).optional(),
      pollIntervalMs: z.number().int().min(1).optional(),
      confirmations: z.number().int().min(1).optional(),
      maxAttempts: z.number().int().min(1).optional(),
      stuckAfterMs: z.number().int().min(1).optional(),
      /** PostgreSQL: a claim not renewed for this long lets another instance take the row over. */
      leaseMs: z.number().int().min(100).optional(),
      backoff: z.object({ baseMs: z.number().int().min(1), maxMs: z.number().int().min(1) }).optional(),
    })
    .prefault({}),
  /** "m1": also serve the predecessor's unsigned API (POST /device/register {device_id}, /device/data {device_id, data, timestamp}). */
  compat: z.enum(["none", "m1"]).default("none"),
  /** With compat "m1", listen on a non-loopback address anyway (the M1 API accepts unsigned readings). */
  compatAllowPublicBind: z.boolean().default(false),
  /** "open": any valid did:key that signs a reading is enrolled; "operator": DIDs are registered by the operator. */
  enroll: z.enum(["operator", "open"]).default("operator"),
  /** Accept gateway-signed batches (one JWS over many readings) from gateways the operator registers. */
  gateways: z.boolean().default(false),
  /** Largest accepted |now - timestamp| of a JWS submission, seconds. */
  jwsTimestampWindowSec: z.number().int().min(1).default(300),
  /** How long an M1 / JWS answer waits for the on-chain commitment (its tx hash goes into the answer); 0: answer at once. */
  deviceAnswerWaitMs: z.number().int().min(0).max(60_000).default(5_000),
  /** Start the commit loop at once (false: call node.outbox.start() / runOnce() yourself). */
  autoStart: z.boolean().default(true),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

/** What a caller writes: every field optional except the chain. */
export type NodeUserConfig = z.input<typeof nodeConfigSchema> & {
  /** Either an RPC URL + submitter key + contract address, or ready viem clients (Hardhat's, for instance). */
  chain: z.input<typeof chainUrlSchema> | ChainClients;
};

/** The resolved configuration. */
export type NodeConfig = z.output<typeof nodeConfigSchema> & {
  chain: z.output<typeof chainUrlSchema> | ChainClients;
};

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`);
}

/** Checks and completes a user config. @throws ConfigError listing every problem. */
export function resolveNodeConfig(user: NodeUserConfig): NodeConfig {
  const { chain, ...rest } = user;
  const parsed = nodeConfigSchema.safeParse(rest);
  if (!parsed.success) throw new ConfigError({ issues: issuesOf(parsed.error) });
  if (chain === undefined) throw new ConfigError({ issues: ["chain: expected { rpcUrl, privateKey, contractAddress } or viem clients"] });
  if ("publicClient" in chain) return { ...parsed.data, chain };
  const c = chainUrlSchema.safeParse(chain);
  if (!c.success) throw new ConfigError({ issues: issuesOf(c.error).map((s) => `chain.${s}`) });
  return { ...parsed.data, chain: c.data };
}

const num = (v: string | undefined) => (v === undefined || v === "" ? undefined : Number(v));

/**
 * Config from the environment (the server entry point):
 * LCORE_NODE_RPC_URL, LCORE_NODE_PRIVATE_KEY, LCORE_NODE_CONTRACT_ADDRESS,
 * LCORE_NODE_DB_PATH, LCORE_NODE_DATABASE_URL, LCORE_NODE_COMMIT_MODE, LCORE_NODE_BATCH_SIZE,
 * LCORE_NODE_BATCH_MAX_WAIT_MS, LCORE_NODE_MASTER_SECRET,
 * LCORE_NODE_PREVIOUS_MASTER_SECRETS (comma separated), LCORE_NODE_API_TOKEN,
 * LCORE_NODE_CRYPTO_ENGINE, LCORE_NODE_INGEST_WORKERS, LCORE_NODE_HOST, LCORE_NODE_PORT,
 * LCORE_NODE_DEVICE_PER_SECOND, LCORE_NODE_IP_PER_MINUTE,
 * LCORE_NODE_CONFIRMATIONS, LCORE_NODE_LEASE_MS, LCORE_NODE_DATABASE_POOL_SIZE, LCORE_NODE_LOG_LEVEL,
 * LCORE_NODE_COMPAT (m1), LCORE_NODE_COMPAT_ALLOW_PUBLIC (1), LCORE_NODE_ENROLL (open), LCORE_NODE_JWS_WINDOW_SEC,
 * LCORE_NODE_ANSWER_WAIT_MS, LCORE_NODE_GATEWAYS (1).
 */
export function loadConfigFromEnv(env: NodeJS.ProcessEnv = process.env): NodeConfig {
  // Unset and empty variables both mean "use the default".
  const drop = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== "")) as T;
  const missing = ["LCORE_NODE_RPC_URL", "LCORE_NODE_PRIVATE_KEY", "LCORE_NODE_CONTRACT_ADDRESS"].filter((k) => (env[k] ?? "") === "");
  if (missing.length > 0) throw new ConfigError({ issues: missing.map((k) => `${k} is not set (the node needs a chain to commit to)`) });
  return resolveNodeConfig(
    drop({
      chain: { rpcUrl: env.LCORE_NODE_RPC_URL!, privateKey: env.LCORE_NODE_PRIVATE_KEY!, contractAddress: env.LCORE_NODE_CONTRACT_ADDRESS! },
      dbPath: env.LCORE_NODE_DB_PATH,
      databaseUrl: env.LCORE_NODE_DATABASE_URL,
      commitMode: env.LCORE_NODE_COMMIT_MODE as "proof" | undefined,
      batchSize: num(env.LCORE_NODE_BATCH_SIZE),
      batchMaxWaitMs: num(env.LCORE_NODE_BATCH_MAX_WAIT_MS),
      masterSecret: env.LCORE_NODE_MASTER_SECRET,
      previousMasterSecrets: env.LCORE_NODE_PREVIOUS_MASTER_SECRETS?.split(",").filter((s) => s !== ""),
      apiToken: env.LCORE_NODE_API_TOKEN,
      cryptoEngine: env.LCORE_NODE_CRYPTO_ENGINE as "noble" | undefined,
      ingestWorkers: num(env.LCORE_NODE_INGEST_WORKERS),
      devicePerSecond: num(env.LCORE_NODE_DEVICE_PER_SECOND),
      logLevel: env.LCORE_NODE_LOG_LEVEL as "info" | undefined,
      compat: env.LCORE_NODE_COMPAT as "m1" | undefined,
      compatAllowPublicBind: env.LCORE_NODE_COMPAT_ALLOW_PUBLIC === undefined || env.LCORE_NODE_COMPAT_ALLOW_PUBLIC === "" ? undefined : env.LCORE_NODE_COMPAT_ALLOW_PUBLIC === "1" || env.LCORE_NODE_COMPAT_ALLOW_PUBLIC === "true",
      enroll: env.LCORE_NODE_ENROLL as "open" | undefined,
      gateways: env.LCORE_NODE_GATEWAYS === undefined || env.LCORE_NODE_GATEWAYS === "" ? undefined : env.LCORE_NODE_GATEWAYS === "1" || env.LCORE_NODE_GATEWAYS === "true",
      jwsTimestampWindowSec: num(env.LCORE_NODE_JWS_WINDOW_SEC),
      deviceAnswerWaitMs: num(env.LCORE_NODE_ANSWER_WAIT_MS),
      http: drop({ host: env.LCORE_NODE_HOST, port: num(env.LCORE_NODE_PORT), ipPerMinute: num(env.LCORE_NODE_IP_PER_MINUTE) }),
      committer: drop({ confirmations: num(env.LCORE_NODE_CONFIRMATIONS), leaseMs: num(env.LCORE_NODE_LEASE_MS) }),
      databasePoolSize: num(env.LCORE_NODE_DATABASE_POOL_SIZE),
    }) as NodeUserConfig,
  );
}
