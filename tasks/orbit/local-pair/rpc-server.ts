// Serves an EIP-1193 provider (a Hardhat connection) as JSON-RPC over HTTP on
// 127.0.0.1, single requests and batches: how the local pair exposes its
// parent and child chains to URL-based clients (the SDK's ethers providers,
// cast, the fund task's parent RPC variable).
import type { EIP1193Provider } from "hardhat/types/providers";

import { createServer, type IncomingMessage, type Server } from "node:http";

export interface ServedRpc {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

interface RpcRequest {
  jsonrpc?: string;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

/** Largest request body accepted (1 MiB is plenty for contract deployments of this workspace). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `0x${value.toString(16)}` : value;
}

async function answer(provider: EIP1193Provider, request: RpcRequest): Promise<object> {
  const id = request.id ?? null;
  if (typeof request.method !== "string") return { jsonrpc: "2.0", id, error: { code: -32600, message: "invalid request: no method" } };
  try {
    const result = await provider.request({ method: request.method, params: Array.isArray(request.params) ? request.params : [] });
    return { jsonrpc: "2.0", id, result: result ?? null };
  } catch (error) {
    const e = error as { code?: unknown; message?: unknown; data?: unknown };
    return {
      jsonrpc: "2.0",
      id,
      error: {
        code: typeof e.code === "number" ? e.code : -32603,
        message: typeof e.message === "string" ? e.message : String(error),
        ...(e.data === undefined ? {} : { data: e.data }),
      },
    };
  }
}

/** Listens on 127.0.0.1:`port` (0: a free port) and answers with `provider`. */
export async function serveRpc(provider: EIP1193Provider, port = 0): Promise<ServedRpc> {
  const server: Server = createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405, { "content-type": "application/json" }).end(JSON.stringify({ error: "use POST with a JSON-RPC body" }));
      return;
    }
    void (async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readBody(req));
      } catch {
        res.writeHead(400, { "content-type": "application/json" });
        res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error" } }));
        return;
      }
      const body = Array.isArray(parsed)
        ? await Promise.all(parsed.map(async (r) => await answer(provider, r as RpcRequest)))
        : await answer(provider, parsed as RpcRequest);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body, jsonReplacer));
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address !== null ? address.port : port;
  return {
    url: `http://127.0.0.1:${actual}`,
    port: actual,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
