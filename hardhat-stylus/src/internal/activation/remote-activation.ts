// Activation of programs on the chain a network forks. A fork of a real
// Arbitrum chain holds programs activated by Nitro, whose records live in
// ArbOS state, not in the slots this plugin uses. When the local record of a
// code hash is missing on a fork, ArbWasm.codehashVersion(codehash) is asked
// of the forked chain itself, over HTTP, at the fork block (immutable, so
// answers are cached).
import { decodeFunctionResult, encodeFunctionData, type Hex } from "viem";

import { ARBWASM_ADDRESS, arbWasmAbi } from "./arbwasm-abi.js";

/** Answers the remote activation version of a code hash, or undefined when it is not active there. */
export type RemoteActivationLookup = (codehash: Hex) => Promise<number | undefined>;

export function createRemoteActivationLookup(
  url: string,
  forkBlock: bigint | undefined,
  headers: Record<string, string> = {},
): RemoteActivationLookup {
  const cache = new Map<Hex, number | undefined>();
  return async (codehash) => {
    if (cache.has(codehash)) return cache.get(codehash);
    const block = forkBlock;
    let version: number | undefined;
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "eth_call",
          params: [
            { to: ARBWASM_ADDRESS, data: encodeFunctionData({ abi: arbWasmAbi, functionName: "codehashVersion", args: [codehash] }) },
            block === undefined ? "latest" : `0x${block.toString(16)}`,
          ],
        }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = (await response.json()) as { result?: Hex };
      if (typeof body.result === "string" && body.result.length >= 66) {
        version = decodeFunctionResult({ abi: arbWasmAbi, functionName: "codehashVersion", data: body.result });
      }
    } catch {
      version = undefined;
    }
    cache.set(codehash, version);
    return version;
  };
}
