// A cheap HTTP/1.1 load generator for the ingest benchmarks, so the client
// costs the 2-core machine little next to the server (a real fleet's devices
// cost the server's machine nothing). Raw keep-alive TCP sockets, one per
// lane, each lane with its own bodies (its own devices, sent in order); every
// request's bytes are built before timing; up to `pipeline` requests are in
// flight per socket (HTTP/1.1 pipelining: the server answers a socket's
// requests in order). Responses are parsed only as far as the status line
// and Content-Length; a body is read only when asked (`countAccepted`: a
// batch answer's `accepted`). Anything that is not a 2xx is counted by
// status. Runs in a worker thread (`runLoadInWorker`) and reports the
// worker's own CPU time, so the client's share is known.
import { connect, type Socket } from "node:net";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";

export interface LoadLane {
  url: string;
  bodies: string[];
}

export interface LoadJob {
  lanes: LoadLane[];
  /** Requests in flight per socket (1: one request at a time, like one device per connection). */
  pipeline: number;
  maxMs: number;
  /** Read each 2xx body's `"accepted":N` (batch routes); otherwise a 2xx counts one reading. */
  countAccepted?: boolean;
}

export interface LoadResult {
  /** Readings accepted (2xx answers, or the sum of their `accepted`). */
  ok: number;
  /** Requests answered with a non-2xx status. */
  failed: number;
  /** Readings refused inside 2xx answers (a batch answer's `refused`, with countAccepted). */
  refused: number;
  /** Requests answered. */
  requests: number;
  ms: number;
  statuses: Record<string, number>;
  /** CPU time of the load generator's thread, µs. */
  clientCpuUs: number;
}

const CRLF2 = Buffer.from("\r\n\r\n");

function requestBytes(url: URL, body: string): Buffer {
  const payload = Buffer.from(body, "utf8");
  const head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), payload]);
}

/** Length of the header block's Content-Length value, or -1. Header names are case-insensitive. */
function contentLength(head: string): number {
  const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return m === null ? -1 : Number(m[1]);
}

function runLane(url: URL, requests: readonly Buffer[], job: LoadJob, deadline: number, tally: (status: number, body: Buffer | undefined) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const socket: Socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    let sent = 0;
    let answered = 0;
    let buffer: Buffer = Buffer.alloc(0);
    const pump = () => {
      const stop = performance.now() >= deadline;
      const batch: Buffer[] = [];
      while (!stop && sent < requests.length && sent - answered < job.pipeline) batch.push(requests[sent++]!);
      if (batch.length === 1) socket.write(batch[0]!);
      else if (batch.length > 1) socket.write(Buffer.concat(batch));
      if (answered === sent) {
        socket.end();
        resolve();
      }
    };
    socket.on("connect", pump);
    socket.on("error", reject);
    socket.on("close", () => (answered === sent ? resolve() : reject(new Error(`connection closed with ${sent - answered} requests unanswered`))));
    socket.on("data", (chunk: Buffer) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      let offset = 0;
      for (;;) {
        const end = buffer.indexOf(CRLF2, offset);
        if (end < 0) break;
        const head = buffer.toString("latin1", offset, end);
        const length = contentLength(head);
        if (length < 0) {
          socket.destroy();
          reject(new Error(`response without Content-Length: ${head.slice(0, 200)}`));
          return;
        }
        const bodyStart = end + 4;
        if (buffer.length < bodyStart + length) break;
        const status = Number(head.slice(9, 12));
        tally(status, job.countAccepted === true && status >= 200 && status < 300 ? buffer.subarray(bodyStart, bodyStart + length) : undefined);
        offset = bodyStart + length;
        answered++;
      }
      buffer = offset === buffer.length ? Buffer.alloc(0) : buffer.subarray(offset);
      pump();
    });
  });
}

/** Runs the job on this thread. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const statuses: Record<string, number> = {};
  let ok = 0;
  let failed = 0;
  let refused = 0;
  let requests = 0;
  const tally = (status: number, body: Buffer | undefined) => {
    requests++;
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status < 200 || status >= 300) failed++;
    else if (body === undefined) ok++;
    else {
      const answer = JSON.parse(body.toString("utf8")) as { accepted?: number; refused?: number };
      ok += answer.accepted ?? 1;
      refused += answer.refused ?? 0;
    }
  };
  const prepared = job.lanes.map((lane) => {
    const url = new URL(lane.url);
    return { url, requests: lane.bodies.map((b) => requestBytes(url, b)) };
  });
  const cpu0 = process.threadCpuUsage();
  const start = performance.now();
  await Promise.all(prepared.map((lane) => runLane(lane.url, lane.requests, job, start + job.maxMs, tally)));
  const ms = performance.now() - start;
  const cpu = process.threadCpuUsage(cpu0);
  return { ok, failed, refused, requests, ms, statuses, clientCpuUs: cpu.user + cpu.system };
}

/** Runs the job on a worker thread (the bodies are copied to it before it starts timing). */
export async function runLoadInWorker(job: LoadJob): Promise<LoadResult> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { lcoreLoadJob: job }, execArgv: ["--import", "tsx"] });
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
  } finally {
    await worker.terminate();
  }
}

/** Splits bodies into `count` lanes, body i to lane i % count (with devices taking turns, a device stays on one lane when count divides the device count). */
export function lanesOf(url: string, bodies: readonly string[], count: number): LoadLane[] {
  return Array.from({ length: count }, (_, l) => ({ url, bodies: bodies.filter((_, i) => i % count === l) }));
}

if (!isMainThread && (workerData as { lcoreLoadJob?: LoadJob } | null)?.lcoreLoadJob !== undefined) {
  parentPort!.postMessage(await runLoad((workerData as { lcoreLoadJob: LoadJob }).lcoreLoadJob));
}
