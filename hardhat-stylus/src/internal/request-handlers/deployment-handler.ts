// Intercepts CREATE transactions (and their eth_call/eth_estimateGas) whose
// init code is the standard Stylus init code: EDR mines a placeholder
// deployment of the same length (chain/deployment-rewrite.ts) and the
// Stylus code is then set at the created address, so the receipt, the
// address and eth_getCode are what Nitro would give. With automine off the
// placeholder waits in EDR's mempool and the code is set once a block holds
// it (hook-handlers/network.ts checks after every request).
import { bytesToHex, hexToBytes, numberToHex, type Hex } from "viem";

import type { RpcTransaction } from "../chain/chain-rpc.js";
import type { RequestScope, StylusRequestHandler } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { BlockPlanError } from "../chain/block-applier.js";
import { rewriteStylusDeployment } from "../chain/deployment-rewrite.js";
import { recordAlias, sendWithAlias } from "../chain/transaction-aliases.js";

import { mempoolHolds, sendThroughBlock } from "./block-send.js";
import { errorResponse, resultResponse } from "./responses.js";
import { checkRawTransaction, readTransaction, TransactionParamsError, TRANSACTION_METHODS } from "./transaction-params.js";

export class StylusDeploymentHandler implements StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean {
    return TRANSACTION_METHODS.has(request.method);
  }

  async handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse> {
    const tx = await readTransaction(request);
    if (tx === null || tx.to !== null) return request;
    const deployment = rewriteStylusDeployment(tx.data, scope.arbOsVersion);
    if (deployment === undefined) return request;
    const { rpc } = scope;
    const placeholder = bytesToHex(deployment.placeholderInitCode);

    if (tx.method === "eth_call" || tx.method === "eth_estimateGas") {
      const params = Array.isArray(request.params) ? [...request.params] : [];
      params[0] = { ...(params[0] as object), data: placeholder, input: undefined };
      const result = await rpc.request<Hex>(tx.method, params.filter((p) => p !== undefined));
      if (tx.method === "eth_estimateGas") return resultResponse(request, result);
      // The placeholder deployed the code with its first byte zeroed: give back the Stylus code.
      const runtime = hexToBytes(result);
      if (runtime.length > 0) runtime[0] = 0xef;
      return resultResponse(request, bytesToHex(runtime));
    }

    try {
      if ((await checkRawTransaction(rpc, tx)) === "future" && tx.raw !== undefined && tx.from !== undefined) {
        scope.defer(tx.from, tx.nonce ?? 0n, request);
        return resultResponse(request, tx.raw.hash);
      }
    } catch (error) {
      if (error instanceof TransactionParamsError) return errorResponse(request, error.code, error.message);
      throw error;
    }
    const automine = await rpc.getAutomine();
    const from = tx.from ?? (await rpc.accounts())[0];
    if (from === undefined) return errorResponse(request, -32000, "no `from` given and the node holds no accounts");
    const send: RpcTransaction = { from, data: placeholder, value: numberToHex(tx.value) };
    if (tx.gas !== undefined) send.gas = numberToHex(tx.gas);
    if (tx.nonce !== undefined) send.nonce = numberToHex(tx.nonce);
    if (tx.fees.gasPrice !== undefined) send.gasPrice = numberToHex(tx.fees.gasPrice);
    if (tx.fees.maxFeePerGas !== undefined) send.maxFeePerGas = numberToHex(tx.fees.maxFeePerGas);
    if (tx.fees.maxPriorityFeePerGas !== undefined) send.maxPriorityFeePerGas = numberToHex(tx.fees.maxPriorityFeePerGas);
    if (Array.isArray(tx.accessList) && tx.accessList.length > 0) send.accessList = tx.accessList;
    if (send.gas === undefined) {
      send.gas = await rpc.request<Hex>("eth_estimateGas", [{ from, data: placeholder, value: send.value }]);
    }

    const impersonate = tx.raw !== undefined;
    /** Sends the placeholder deployment as its signer (impersonated for a raw sender); returns EDR's hash. */
    const sendAsSigner = async (): Promise<Hex> => {
      if (impersonate) await rpc.impersonate(from);
      try {
        return await rpc.sendTransaction(send);
      } finally {
        if (impersonate) await rpc.stopImpersonating(from);
      }
    };
    if (!automine || (await mempoolHolds(scope))) {
      // Into EDR's mempool (for a raw sender: the placeholder under the impersonated signer, aliased to
      // the signed hash); the code is set once a block holds it (network.ts, after every request).
      const queue = async (): Promise<Hex> => {
        const mined = await sendAsSigner();
        if (tx.raw !== undefined) await recordAlias(rpc, tx.raw.hash, mined);
        scope.stylusDeployments.set(mined.toLowerCase(), bytesToHex(deployment.code));
        return mined;
      };
      if (!automine) {
        const queued = await queue();
        return resultResponse(request, tx.raw?.hash ?? queued);
      }
      // Automine with transactions waiting: one block with them and this deployment, through the block miner.
      let sent: Awaited<ReturnType<typeof sendThroughBlock>>;
      try {
        sent = await sendThroughBlock(scope, queue);
      } catch (error) {
        if (error instanceof BlockPlanError) return errorResponse(request, -32000, error.message);
        throw error;
      }
      if (sent.status === "0x1") return resultResponse(request, tx.raw?.hash ?? sent.hash);
      return errorResponse(request, -32603, "Transaction reverted", { transactionHash: sent.hash });
    }
    const hash = await sendWithAlias(rpc, tx.raw?.hash, async () => {
      const mined = await sendAsSigner();
      const receipt = await rpc.getReceipt(mined);
      if (receipt?.status === "0x1" && receipt.contractAddress !== null) {
        await rpc.setCode(receipt.contractAddress, bytesToHex(deployment.code));
        // A new account on a chain that is not a fork: its storage is empty, and from now on only the
        // plugin's appliers write it, so the state cache can answer every slot (state-cache.ts).
        if (scope.remoteActivation === undefined) rpc.cache.markStorageKnown(receipt.contractAddress);
      }
      return mined;
    });
    return resultResponse(request, hash);
  }
}
