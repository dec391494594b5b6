// The shape of the plugin's request handlers, after Hardhat's own
// (network-manager/request-handlers/types.ts): a method guard and a handle
// that returns either the (maybe rewritten) request for the next handler or
// a finished response. Unlike Hardhat's, `handle` also gets the scope of the
// request: chain access through this request's `next`, and the module cache.
import type { MinedChanges } from "../chain/state-cache.js";
import type { ChainRpc } from "../chain/chain-rpc.js";
import type { Address, Hex } from "viem";
import type { RemoteActivationLookup } from "../activation/remote-activation.js";
import type { ModuleCache } from "../execution/module-cache.js";
import type { ArbOsPrecompile } from "../arbos/types.js";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

export interface RequestScope {
  /** The chain below the plugin, reached through the `next` of the request being handled. */
  rpc: ChainRpc;
  /** Compiled Stylus modules of this connection, by code hash. */
  modules: ModuleCache;
  /** The connection's ArbOS precompile registry by lowercase address (plugin config `stylus`); ArbWasm is added per run. */
  precompiles: ReadonlyMap<string, ArbOsPrecompile>;
  /** The ArbOS version the connection emulates (plugin option `stylus.arbOsVersion`). */
  arbOsVersion: number;
  /** On forks: activation on the forked chain, for code hashes without a local record. */
  remoteActivation?: RemoteActivationLookup;
  /** True once the connection has seen Stylus code (or forks a chain that may hold programs). */
  stylusPresent(): boolean;
  /** Records that the connection holds Stylus code. */
  sawStylus(): void;
  /** Holds a raw transaction whose nonce is ahead until the sender's earlier nonces are mined. */
  defer(sender: Address, nonce: bigint, request: JsonRpcRequest): void;
  /**
   * Stylus deployments waiting in EDR's mempool (automine off), by the lowercase hash of the
   * transaction EDR will mine: the Stylus code to set at the created address once it is mined.
   */
  stylusDeployments: Map<string, Hex>;
  /** True once a transaction was sent with automine off (EDR's mempool may hold transactions). */
  mempoolUsed(): boolean;
  /** Records that EDR's mempool was found empty. */
  mempoolEmptied(): void;
  /**
   * Tells the hook that EDR is about to execute `request`'s transaction as it came (a pure EVM
   * run, automine on): `changes` are what the interpreter's run of it changed, so the state cache
   * may keep the rest once EDR's block shows the same gas used.
   */
  expectEdrSend(request: JsonRpcRequest, changes: MinedChanges): void;
  /** Sends a request through this connection's whole handler chain (NodeInterface's inner estimates). */
  dispatch?(request: JsonRpcRequest): Promise<JsonRpcResponse>;
}

export interface StylusRequestHandler {
  isSupportedMethod(request: JsonRpcRequest): boolean;
  handle(request: JsonRpcRequest, scope: RequestScope): Promise<JsonRpcRequest | JsonRpcResponse>;
}
