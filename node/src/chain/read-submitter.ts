// owner() / isSubmitter(address): may this account commit? Each node instance
// on a shared database signs with its own key, which the owner authorises
// with setSubmitter(address, true). Undefined when the contract cannot say
// (the predecessor's contract has no submitter registry).
import type { Address, PublicClient } from "viem";

import { mvpIoTProcessorAbi } from "../../../contracts-stylus/artifacts/abi.js";

export async function readSubmitterAuthorised(client: PublicClient, { address, account }: { address: Address; account: Address }): Promise<boolean | undefined> {
  try {
    const [owner, allowed] = await Promise.all([
      client.readContract({ address, abi: mvpIoTProcessorAbi, functionName: "owner" }),
      client.readContract({ address, abi: mvpIoTProcessorAbi, functionName: "isSubmitter", args: [account] }),
    ]);
    return allowed || owner.toLowerCase() === account.toLowerCase();
  } catch {
    return undefined;
  }
}
