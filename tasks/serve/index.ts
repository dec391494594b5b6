// Definition of the `serve` task: the embedded IoT node's REST API against the chosen network.
import { task } from "hardhat/config";
import { ArgumentType } from "hardhat/types/arguments";

export const serveTask = task("serve", "Run the embedded IoT node (device registry, encryption, SQLite, outbox commits, REST API) against the network; deploys on local chains when needed")
  .addOption({ name: "host", description: "Interface to listen on", defaultValue: "127.0.0.1" })
  .addOption({ name: "port", description: "HTTP port (0 = any free port)", type: ArgumentType.INT, defaultValue: 8787 })
  .addOption({ name: "commit", description: "proof (one commitProof per reading), batch (Merkle batches) or legacy (submitResult with the ciphertext)", defaultValue: "batch" })
  .addOption({ name: "batchSize", description: "Readings per Merkle batch", type: ArgumentType.INT, defaultValue: 256 })
  .addOption({ name: "batchWaitMs", description: "Longest wait before a partial batch is committed (ms)", type: ArgumentType.INT, defaultValue: 2000 })
  .addOption({ name: "db", description: "SQLite file (default: .lcore/node-<chain id>.db; a fresh one per run on the in-process chain)", defaultValue: "" })
  .addOption({ name: "databaseUrl", description: "postgres://... : store in PostgreSQL instead of SQLite (several nodes may share it); default LCORE_NODE_DATABASE_URL", defaultValue: "" })
  .addOption({ name: "deployments", description: "Folder of the deployment records (default: deployments/, or .lcore/deployments on local chains)", defaultValue: "" })
  .addOption({ name: "compat", description: "m1: also serve the predecessor's unsigned device API (loopback only unless --compatAllowPublic; readings marked unauthenticated). Default: none (or LCORE_NODE_COMPAT)", defaultValue: "" })
  .addOption({ name: "enroll", description: "open: register any did:key whose first JWS reading verifies; operator: DIDs are registered by the operator. Default: operator (or LCORE_NODE_ENROLL)", defaultValue: "" })
  .addFlag({ name: "compatAllowPublic", description: "With --compat m1, allow a non-loopback --host" })
  .addFlag({ name: "gateways", description: "Accept gateway-signed batches (one JWS over many readings) from gateways the operator registers (or LCORE_NODE_GATEWAYS=1)" })
  .addOption({ name: "duration", description: "Stop after this many seconds (0 = run until Ctrl-C)", type: ArgumentType.INT, defaultValue: 0 })
  .setAction(() => import("./task-action.js"))
  .build();
