// HTTP helpers of the explorer clients: a bounded fetch that turns network
// failures and non-JSON answers into one clear error, and a poll loop.
import { errorText, taskError } from "../shared/errors.js";

export interface HttpAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** Fetches with a timeout; the body is parsed as JSON when it is JSON. */
export async function requestJson(url: string, init: RequestInit & { timeoutMs?: number } = {}): Promise<HttpAnswer> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 30_000) });
  } catch (error) {
    throw taskError(`the explorer at ${new URL(url).origin} did not answer (${errorText(error)}); check --api-url and your connection.`, error);
  }
  const text = await response.text();
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, text };
}

export interface PollParameters {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** Calls `check` until it returns a value (not undefined) or the time is up; returns undefined on timeout. */
export async function pollUntil<T>(params: PollParameters, check: (attempt: number) => Promise<T | undefined>): Promise<T | undefined> {
  const deadline = Date.now() + params.timeoutMs;
  for (let attempt = 1; ; attempt++) {
    const value = await check(attempt);
    if (value !== undefined) return value;
    if (Date.now() + params.intervalMs > deadline) return undefined;
    await new Promise((resolve) => setTimeout(resolve, params.intervalMs));
  }
}
