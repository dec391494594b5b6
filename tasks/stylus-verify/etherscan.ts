// Etherscan-style Stylus verification (Arbiscan through the Etherscan v2
// API): POST module=contract&action=verifysourcecode with codeformat=stylus,
// sourceCode = the public Git repository, contractaddress, contractname,
// compilerversion = "stylus:<cargo-stylus version>" and licenseType; the
// answer's result is a GUID polled with action=checkverifystatus until it
// reads "Pass - Verified" (or "Fail - ...").
import type { Address } from "viem";

import { taskError } from "../shared/errors.js";
import type { ExplorerOutcome } from "./blockscout.js";
import { pollUntil, requestJson, type PollParameters } from "./explorer-http.js";

export interface EtherscanStylusRequest {
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly chainId: number;
  readonly address: Address;
  readonly contractName: string;
  readonly cargoStylusVersion: string;
  readonly repositoryUrl: string;
  readonly licenseType: string;
}

interface EtherscanAnswer {
  status?: string;
  message?: string;
  result?: string;
}

function answerOf(body: unknown): EtherscanAnswer {
  return typeof body === "object" && body !== null ? (body as EtherscanAnswer) : {};
}

export async function verifyOnEtherscan(req: EtherscanStylusRequest, poll: PollParameters): Promise<ExplorerOutcome> {
  const url = new URL(req.apiUrl);
  url.searchParams.set("chainid", String(req.chainId));
  const form = new URLSearchParams({
    apikey: req.apiKey,
    chainid: String(req.chainId),
    module: "contract",
    action: "verifysourcecode",
    codeformat: "stylus",
    sourceCode: req.repositoryUrl,
    contractaddress: req.address,
    contractname: req.contractName,
    compilerversion: `stylus:${req.cargoStylusVersion.replace(/^stylus:/, "")}`,
    licenseType: req.licenseType,
  });
  const submit = await requestJson(url.toString(), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
  const answer = answerOf(submit.body);
  const result = String(answer.result ?? submit.text.slice(0, 200));
  if (/already verified/i.test(result)) return { status: "already-verified", detail: result, url: req.apiUrl };
  if (submit.status >= 400 || answer.status !== "1") {
    throw taskError(`the explorer refused the verification (${submit.status >= 400 ? `HTTP ${submit.status}, ` : ""}${answer.message ?? "NOTOK"}: ${result}); fix the request or the API key and retry.`);
  }
  const guid = result;
  const final = await pollUntil(poll, async () => {
    const status = new URL(req.apiUrl);
    for (const [k, v] of Object.entries({ chainid: String(req.chainId), module: "contract", action: "checkverifystatus", guid, apikey: req.apiKey })) status.searchParams.set(k, v);
    const check = answerOf((await requestJson(status.toString())).body);
    const text = String(check.result ?? "");
    if (/^pass/i.test(text) || /already verified/i.test(text)) return { ok: true, text };
    if (/^fail/i.test(text) || (check.status === "0" && !/pending|queue|progress/i.test(text))) return { ok: false, text };
    return undefined;
  });
  if (final === undefined) throw taskError(`verification ${guid} is still pending after ${Math.round(poll.timeoutMs / 1000)} s; check it later on the explorer.`);
  if (!final.ok) throw taskError(`the explorer could not verify the contract: ${final.text}. Check the repository, the contract name and the cargo-stylus version.`);
  return { status: "verified", detail: final.text, url: req.apiUrl };
}
