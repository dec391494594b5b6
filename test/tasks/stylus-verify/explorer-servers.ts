// Local stand-ins for the explorers' documented verification APIs, served on
// 127.0.0.1 for the stylus-verify tests: Blockscout's Stylus route and the
// Etherscan v2 verifysourcecode / checkverifystatus pair. They check the
// request shape, answer "pending" a few times, then pass or fail.
import type { AddressInfo } from "node:net";

import { createServer, type IncomingMessage, type Server } from "node:http";

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: Record<string, string>;
}

export interface MockExplorer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return {};
  if ((req.headers["content-type"] ?? "").includes("application/json")) return JSON.parse(text) as Record<string, string>;
  return Object.fromEntries(new URLSearchParams(text));
}

async function serve(handler: (r: RecordedRequest) => { status: number; body: unknown }): Promise<MockExplorer> {
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const recorded: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, query: Object.fromEntries(url.searchParams), body: await readBody(req) };
      requests.push(recorded);
      const { status, body } = handler(recorded);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Blockscout (Arbitrum chain type, Stylus verifier enabled). A repository URL containing "broken" never verifies. */
export async function startMockBlockscout(options: { pendingPolls?: number } = {}): Promise<MockExplorer> {
  const verified = new Map<string, number>();
  const route = /^\/api\/v2\/smart-contracts\/(0x[0-9a-fA-F]{40})(\/verification\/via\/stylus-github-repository)?$/;
  return await serve((r) => {
    const m = route.exec(r.path);
    if (m === null) return { status: 404, body: { message: "Not found" } };
    const address = m[1]!.toLowerCase();
    if (m[2] !== undefined) {
      if (r.method !== "POST") return { status: 405, body: { message: "Method not allowed" } };
      const missing = ["cargo_stylus_version", "repository_url", "commit", "path_prefix"].filter((k) => typeof r.body[k] !== "string");
      if (missing.length > 0) return { status: 422, body: { errors: Object.fromEntries(missing.map((k) => [k, ["can't be blank"]])) } };
      if (verified.get(address) === 0) return { status: 200, body: { message: "Already verified" } };
      verified.set(address, r.body.repository_url!.includes("broken") ? Number.POSITIVE_INFINITY : (options.pendingPolls ?? 2));
      return { status: 200, body: { message: "Smart-contract verification started" } };
    }
    const left = verified.get(address);
    if (left === undefined) return { status: 200, body: { is_verified: false } };
    if (left > 0) {
      verified.set(address, left - 1);
      return { status: 200, body: { is_verified: false } };
    }
    return { status: 200, body: { is_verified: true, name: "mvp_iot_processor" } };
  });
}

/** Etherscan v2 API. API key "KEY"; contract name "wrong" fails after one pending poll. */
export async function startMockEtherscan(): Promise<MockExplorer> {
  const jobs = new Map<string, { polls: number; fail: boolean }>();
  let next = 1;
  return await serve((r) => {
    if (r.path !== "/v2/api") return { status: 404, body: { status: "0", message: "NOTOK", result: "Not found" } };
    const p = { ...r.query, ...r.body };
    if (p.apikey !== "KEY") return { status: 200, body: { status: "0", message: "NOTOK", result: "Invalid API Key" } };
    if (p.module !== "contract") return { status: 200, body: { status: "0", message: "NOTOK", result: "Error! Missing Or invalid Module name" } };
    if (p.action === "verifysourcecode") {
      if (r.method !== "POST") return { status: 200, body: { status: "0", message: "NOTOK", result: "Only POST is supported" } };
      const missing = ["chainid", "codeformat", "sourceCode", "contractaddress", "contractname", "compilerversion", "licenseType"].filter((k) => p[k] === undefined || p[k] === "");
      if (missing.length > 0 || p.codeformat !== "stylus" || !p.compilerversion!.startsWith("stylus:")) {
        return { status: 200, body: { status: "0", message: "NOTOK", result: `Error! Invalid parameters: ${missing.join(",") || "codeformat/compilerversion"}` } };
      }
      const guid = `guid${String(next++).padStart(46, "0")}`;
      jobs.set(guid, { polls: 1, fail: p.contractname === "wrong" });
      return { status: 200, body: { status: "1", message: "OK", result: guid } };
    }
    if (p.action === "checkverifystatus") {
      const job = jobs.get(p.guid ?? "");
      if (job === undefined) return { status: 200, body: { status: "0", message: "NOTOK", result: "Unknown UID" } };
      if (job.polls > 0) {
        job.polls--;
        return { status: 200, body: { status: "0", message: "NOTOK", result: "Pending in queue" } };
      }
      return job.fail
        ? { status: 200, body: { status: "0", message: "NOTOK", result: "Fail - Unable to verify" } }
        : { status: 200, body: { status: "1", message: "OK", result: "Pass - Verified" } };
    }
    return { status: 200, body: { status: "0", message: "NOTOK", result: "Error! Unknown action" } };
  });
}
