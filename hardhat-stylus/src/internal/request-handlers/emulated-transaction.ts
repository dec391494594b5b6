// Shared delivery of an emulated outcome for the four transaction-shaped
// methods: eth_call returns the output (or a revert), eth_estimateGas the
// model's gas, and the two send methods mine the outcome through the effects
// applier after the checks a node does (automine, raw tx chain id/nonce).
import { bytesToHex, numberToHex, type Address, type Hex } from "viem";

import type { BlockHeaderInfo, ChainRpc } from "../chain/chain-rpc.js";
import type { EmulatedOutcome } from "../chain/outcome.js";
import type { ParsedTransaction } from "./transaction-params.js";
import type { RequestScope } from "./types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import { estimateTransactionGas, mineOutcome } from "../chain/mined-transaction.js";
import { intrinsicGas } from "../chain/intrinsic-gas.js";
import { debugLog } from "../chain/debug-log.js";
import { StateView } from "../chain/state-view.js";
import { sendWithAlias } from "../chain/transaction-aliases.js";

import { errorResponse, resultResponse, revertResponse } from "./responses.js";
import { checkRawTransaction, TransactionParamsError } from "./transaction-params.js";

const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as const;

/** Everything a Stylus program or ArbWasm needs to run for a request. */
export interface RunEnvironment {
  view: StateView;
  block: BlockHeaderInfo;
  chainId: bigint;
  from: Address;
  gasPrice: bigint;
  /** Gas available after intrinsic gas. */
  gasLimit: bigint;
  mode: "call" | "transaction";
}

/** Runs `run` in the environment of `tx` and delivers the outcome as `request` asks. */
export async function runEmulatedTransaction(
  request: JsonRpcRequest,
  tx: ParsedTransaction,
  to: Address,
  scope: RequestScope,
  run: (env: RunEnvironment) => Promise<EmulatedOutcome>,
  /** The target's code at "latest", when the caller already read it (saves a read when mining). */
  targetCode?: Hex,
): Promise<JsonRpcResponse> {
  const { rpc } = scope;
  const isSend = tx.method === "eth_sendTransaction" || tx.method === "eth_sendRawTransaction";
  try {
    if (isSend) {
      if (!(await rpc.getAutomine())) {
        return errorResponse(
          request,
          -32000,
          "hardhat-stylus: transactions to Stylus programs and ArbWasm need automine; enable it (evm_setAutomine true) or use eth_call",
        );
      }
      if ((await checkRawTransaction(rpc, tx)) === "future" && tx.raw !== undefined && tx.from !== undefined) {
        debugLog(`held ${tx.raw.hash} from ${tx.from} nonce ${tx.nonce} (ahead of the sender's next nonce)`);
        scope.defer(tx.from, tx.nonce ?? 0n, request);
        return resultResponse(request, tx.raw.hash);
      }
    }
    const env = await environment(rpc, tx, isSend);
    const outcome = await run(env);
    debugLog(
      `${tx.method} to ${to} from ${env.from}${tx.nonce === undefined ? "" : ` nonce ${tx.nonce}`} gas ${tx.gas ?? "-"}: ` +
        `${outcome.success ? "ok" : `failed (${outcome.outOfGas ? "out of gas" : (outcome.reason ?? bytesToHex(outcome.returnData))})`} ` +
        `program gas ${outcome.gasUsed}`,
    );
    switch (tx.method) {
      case "eth_call":
        return outcome.success
          ? resultResponse(request, bytesToHex(outcome.returnData))
          : revertResponse(request, outcome.returnData, outcome.reason);
      case "eth_estimateGas":
        return outcome.success
          ? resultResponse(request, numberToHex(estimateTransactionGas(tx.data, outcome)))
          : revertResponse(request, outcome.returnData, outcome.reason);
      case "eth_sendTransaction":
      case "eth_sendRawTransaction": {
        const hash = await sendWithAlias(rpc, tx.raw?.hash, async () => await mineOutcome({
          rpc,
          from: env.from,
          to,
          value: tx.value,
          gas: tx.gas,
          nonce: tx.nonce,
          fees: tx.fees,
          accessList: tx.accessList,
          originalInput: tx.data,
          outcome,
          impersonate: tx.raw !== undefined,
          originalCode: targetCode,
        }));
        return resultResponse(request, hash);
      }
    }
  } catch (error) {
    if (error instanceof TransactionParamsError) return errorResponse(request, error.code, error.message);
    throw error;
  }
}

async function environment(rpc: ChainRpc, tx: ParsedTransaction, isSend: boolean): Promise<RunEnvironment> {
  const [block, chainId, from] = await Promise.all([
    rpc.getBlock(isSend ? "pending" : tx.tag === "pending" ? "latest" : tx.tag),
    rpc.chainId(),
    tx.from !== undefined ? Promise.resolve(tx.from) : defaultSender(rpc, isSend),
  ]);
  if (isSend && block.number === 0n) {
    // EDR's pending block has no number: it is the next one.
    block.number = (await rpc.blockNumber()) + 1n;
  }
  const { intrinsic } = intrinsicGas(tx.data, false);
  const limit = tx.gas ?? block.gasLimit;
  const gasPrice =
    tx.fees.gasPrice ??
    (tx.fees.maxFeePerGas !== undefined
      ? minBig(tx.fees.maxFeePerGas, block.baseFeePerGas + (tx.fees.maxPriorityFeePerGas ?? 0n))
      : block.baseFeePerGas);
  return {
    view: new StateView(rpc, isSend ? "latest" : tx.tag === "pending" ? "latest" : tx.tag, tx.override),
    block,
    chainId,
    from,
    gasPrice,
    gasLimit: limit > intrinsic ? limit - intrinsic : 0n,
    mode: isSend ? "transaction" : "call",
  };
}

async function defaultSender(rpc: ChainRpc, isSend: boolean): Promise<Address> {
  if (!isSend) return ZERO_ADDRESS;
  const accounts = await rpc.accounts();
  const first = accounts[0];
  if (first === undefined) throw new TransactionParamsError("no `from` given and the node holds no accounts", -32000);
  return first;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
