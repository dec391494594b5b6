// The node's server entry point, the only file that listens:
// `node --import tsx node/src/server.ts` with LCORE_NODE_* in the environment
// (see config.ts). Binds 127.0.0.1 unless LCORE_NODE_HOST says otherwise and
// closes gracefully on SIGINT / SIGTERM.
import { loadConfigFromEnv } from "./config.js";
import { createNode } from "./create-node.js";
import { isBaseError } from "./errors/base-error.js";

async function main(): Promise<void> {
  const node = await createNode(loadConfigFromEnv());
  const url = await node.listen();
  node.app.log.info({ url }, "node listening");
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    node.app.log.info({ signal }, "closing");
    node.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  // A database that is wrong or unreachable: one line, then a non-zero exit.
  if (isBaseError(error) && error.code.startsWith("DATABASE_")) console.error(`lcore-node: ${error.shortMessage}`);
  else console.error(isBaseError(error) ? error.message : error);
  process.exit(1);
});
