// Custom errors the project knows by name: every `error` in the ABIs of the
// Hardhat project's compiled artifacts (a program's Solidity interface, as
// `cargo stylus export-abi` prints it, or an EVM twin declaring the same
// errors), by selector. EDR names a Solidity contract's custom error from its
// own compilation; this lets a program's revert be named the same way when
// any artifact declares that error. Derived data, loaded once per process.
import type { ArtifactManager } from "hardhat/types/artifacts";

import { decodeErrorResult, toFunctionSelector, type Abi, type Hex } from "viem";

type AbiError = Extract<Abi[number], { type: "error" }>;

const known = new Map<Hex, AbiError>();
let loading: Promise<void> | undefined;

function signature(error: AbiError): string {
  return `${error.name}(${error.inputs.map((i: { type: string }) => i.type).join(",")})`;
}

/** Reads the errors of every artifact once; later calls wait for the first. Failures leave the map as it is. */
export async function loadKnownErrors(artifacts: ArtifactManager): Promise<void> {
  loading ??= (async () => {
    try {
      for (const name of await artifacts.getAllFullyQualifiedNames()) {
        const { abi } = await artifacts.readArtifact(name);
        for (const item of abi as readonly { type: string }[]) {
          if (item.type !== "error") continue;
          const error = item as AbiError;
          known.set(toFunctionSelector(signature(error)), error);
        }
      }
    } catch {
      // No artifacts (nothing compiled): messages keep the selector.
    }
  })();
  await loading;
}

/** `Name(arg, …)` of a custom error the project declares, as EDR prints it; undefined when unknown or undecodable. */
export function describeKnownError(returnData: Hex): string | undefined {
  const error = known.get(returnData.slice(0, 10).toLowerCase() as Hex);
  if (error === undefined) return undefined;
  try {
    const decoded = decodeErrorResult({ abi: [error], data: returnData });
    const args = ((decoded.args ?? []) as readonly unknown[]).map((a) => (typeof a === "string" ? JSON.stringify(a) : String(a)));
    return `${decoded.errorName}(${args.join(", ")})`;
  } catch {
    return undefined;
  }
}
