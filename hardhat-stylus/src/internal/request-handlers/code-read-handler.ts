// eth_getCode at a historical block: repairs the transient codes the plugin
// leaves in EDR's per-block state (chain/code-repair.ts), so outside clients
// and forks of a served chain see the Stylus code at every block after its
// deployment.
import type { Address, Hex } from "viem";

import type { BlockTag } from "../chain/chain-rpc.js";
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { isCurrentTag, repairCode } from "../chain/code-repair.js";

import { resultResponse } from "./responses.js";

export class CodeReadHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    if (request.method !== "eth_getCode" || !Array.isArray(request.params)) return false;
    const tag = (request.params[1] as BlockTag | undefined) ?? "latest";
    return !isCurrentTag(tag);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const params = request.params as unknown[];
    const address = params[0] as Address;
    const tag = params[1] as BlockTag;
    const code = await scope.rpc.getCode(address, tag);
    return resultResponse(request, await repairCode(scope.rpc, address, code as Hex, tag));
  }
}
