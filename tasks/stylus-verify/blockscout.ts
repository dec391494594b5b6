// Blockscout's Stylus verification (Arbitrum-type instances such as
// KC-Chain's explorer): POST /api/v2/smart-contracts/<address>/verification/
// via/stylus-github-repository with {cargo_stylus_version, repository_url,
// commit, path_prefix, license_type}; the explorer rebuilds the crate from
// the public repository with cargo stylus verify. The answer only says the
// job started, so the result is polled from GET /api/v2/smart-contracts/<address>
// until is_verified is true.
import type { Address } from "viem";

import { taskError } from "../shared/errors.js";
import { pollUntil, requestJson, type PollParameters } from "./explorer-http.js";

export interface BlockscoutStylusRequest {
  readonly apiUrl: string;
  readonly address: Address;
  readonly cargoStylusVersion: string;
  readonly repositoryUrl: string;
  readonly commit: string;
  readonly pathPrefix: string;
  readonly licenseType: string;
}

export type ExplorerOutcome = { readonly status: "verified" | "already-verified"; readonly detail: string; readonly url: string };

function messageOf(body: unknown, text: string): string {
  if (typeof body === "object" && body !== null) {
    const b = body as { message?: unknown; errors?: unknown };
    if (typeof b.message === "string") return b.message;
    if (b.errors !== undefined) return JSON.stringify(b.errors);
  }
  return text.slice(0, 200);
}

/** Submits and waits for the verification; throws a task error when it is refused or times out. */
export async function verifyOnBlockscout(req: BlockscoutStylusRequest, poll: PollParameters): Promise<ExplorerOutcome> {
  const base = req.apiUrl.replace(/\/+$/, "").replace(/\/api$/, "");
  const submitUrl = `${base}/api/v2/smart-contracts/${req.address}/verification/via/stylus-github-repository`;
  const submit = await requestJson(submitUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      cargo_stylus_version: req.cargoStylusVersion,
      repository_url: req.repositoryUrl,
      commit: req.commit,
      path_prefix: req.pathPrefix,
      license_type: req.licenseType,
    }),
  });
  const message = messageOf(submit.body, submit.text);
  const pageUrl = `${base}/address/${req.address}?tab=contract`;
  if (/already verified/i.test(message)) return { status: "already-verified", detail: message, url: pageUrl };
  if (submit.status === 404) throw taskError(`Blockscout at ${base} has no Stylus verification (404); the instance must be an Arbitrum-type Blockscout with the Stylus verifier enabled.`);
  if (submit.status >= 400) throw taskError(`Blockscout refused the verification (HTTP ${submit.status}: ${message}); fix the request and retry.`);
  const verified = await pollUntil(poll, async () => {
    const state = await requestJson(`${base}/api/v2/smart-contracts/${req.address}`, { headers: { accept: "application/json" } });
    if (state.status === 200 && typeof state.body === "object" && state.body !== null && (state.body as { is_verified?: unknown }).is_verified === true) return true;
    return undefined;
  });
  if (verified !== true) {
    throw taskError(`Blockscout accepted the request ("${message}") but the contract is not verified after ${Math.round(poll.timeoutMs / 1000)} s; see ${pageUrl} (a build failure is shown there).`);
  }
  return { status: "verified", detail: message, url: pageUrl };
}
