// Serves an in-process Hardhat network over HTTP on 127.0.0.1, so a node in
// this process or a child process reaches it through a real RPC URL; the
// switch `setDown(true)` makes it stop answering (connections reset) to
// simulate a chain outage.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

interface Eip1193 {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface ServedChain {
  url: string;
  setDown(down: boolean): void;
  readonly requests: number;
  close(): Promise<void>;
}

async function answer(provider: Eip1193, req: JsonRpcRequest): Promise<object> {
  try {
    const result = await provider.request({ method: req.method, params: req.params ?? [] });
    return { jsonrpc: "2.0", id: req.id, result };
  } catch (e) {
    const err = e as { code?: number; message?: string; data?: unknown };
    return { jsonrpc: "2.0", id: req.id, error: { code: typeof err.code === "number" ? err.code : -32603, message: err.message ?? String(e), data: err.data } };
  }
}

export async function serveChain(provider: Eip1193): Promise<ServedChain> {
  let down = false;
  let requests = 0;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (down) {
      request.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      requests++;
      void (async () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as JsonRpcRequest | JsonRpcRequest[];
        const out = Array.isArray(body) ? await Promise.all(body.map((r) => answer(provider, r))) : await answer(provider, body);
        if (down) {
          request.socket.destroy();
          return;
        }
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify(out, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setDown(value: boolean) {
      down = value;
      if (value) server.closeAllConnections();
    },
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Hardhat's default account #0 (public test key of the in-process network; owner of the deployed processor). */
export const HARDHAT_ACCOUNT_0_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80" as const;
