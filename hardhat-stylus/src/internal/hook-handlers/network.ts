// Network hook handlers of hardhat-stylus. `onRequest` sends every request of
// an in-process (edr-simulated) connection — which includes what outside
// clients send to `hardhat node` — through the plugin's request handlers,
// serialised behind one mutex per connection. Requests that the handlers (or
// Hardhat's own handlers below them) issue while the mutex is held are
// recognised through AsyncLocalStorage and go straight to `next`, so they
// neither deadlock nor get intercepted twice. Each connection keeps a cache
// of the state at "latest" (chain/state-cache.ts): every request that reaches
// EDR with a method that may change state empties it, wherever it comes from.
// `newConnection` adds
// `connection.stylus`; `closeConnection` drops the per-connection state.
import { AsyncLocalStorage } from "node:async_hooks";

import type { RequestScope, StylusRequestHandler } from "../request-handlers/types.js";
import type { Address, Hex } from "viem";
import type { HookContext, NetworkHooks } from "hardhat/types/hooks";
import type { ChainType, NetworkConnection } from "hardhat/types/network";
import type { JsonRpcRequest, JsonRpcResponse } from "hardhat/types/providers";

import type { RemoteActivationLookup } from "../activation/remote-activation.js";

import type { ArbOsPrecompile } from "../arbos/types.js";

import { createArbOsPrecompiles, DEFAULT_ARBOS_OPTIONS, type ArbOsOptions } from "../arbos/registry.js";
import { installArbWasmStub } from "../activation/arbwasm-stub.js";
import { createRemoteActivationLookup } from "../activation/remote-activation.js";
import { ChainRpc, type ConnectionConstants } from "../chain/chain-rpc.js";
import { CodeRestores } from "../chain/code-restores.js";
import { READ_ONLY_METHODS, StateCache, type MinedChanges } from "../chain/state-cache.js";
import { StylusConnectionHelpers } from "../chain/connection-helpers.js";
import { Mutex } from "../chain/mutex.js";
import { IntervalMiner, type MiningInterval } from "../chain/interval-miner.js";
import { ModuleCache } from "../execution/module-cache.js";
import { installNitroPredeploys } from "../predeploys/install-predeploys.js";
import { TRANSACTION_METHODS } from "../request-handlers/transaction-params.js";
import { createStylusHandlers } from "../request-handlers/handlers-array.js";
import { loadKnownErrors } from "../request-handlers/known-errors.js";

interface ConnectionState {
  /** Raw Stylus transactions with a nonce ahead of their sender's, by sender then nonce (a small mempool). */
  deferred: Map<string, Map<bigint, JsonRpcRequest>>;
  mutex: Mutex;
  handlers: StylusRequestHandler[];
  modules: ModuleCache;
  /** The ArbOS precompiles of the connection (from the plugin's `stylus` config). */
  precompiles: ReadonlyMap<string, ArbOsPrecompile>;
  /** Set on forked networks: activation on the forked chain. */
  remoteActivation?: RemoteActivationLookup;
  /** Stylus code was deployed, set or run on this connection (or it is a fork): EVM failures get a second look. */
  stylusSeen: boolean;
  /** Stylus deployments in EDR's mempool (automine off): mined transaction hash -> code to set once mined. */
  stylusDeployments: Map<string, Hex>;
  /** A transaction was sent with automine off since the mempool was last seen empty. */
  mempoolUsed: boolean;
  /** Set by a handler: EDR executes this request's send as it came, whose changes the interpreter knows. */
  edrSend?: { request: JsonRpcRequest; changes: MinedChanges };
}

/** The part of hardhat_reset's parameter the plugin reads. */
interface ResetOptions {
  forking?: { jsonRpcUrl?: string; blockNumber?: number | string };
}

type Next<ChainTypeT extends ChainType | string> = (
  nextContext: HookContext,
  nextNetworkConnection: NetworkConnection<ChainTypeT>,
  nextJsonRpcRequest: JsonRpcRequest,
) => Promise<JsonRpcResponse>;

/** Only in-process networks (plain, forked, or served by `hardhat node`) run Stylus through the plugin. */
function isEmulated(connection: NetworkConnection<ChainType | string>): boolean {
  return connection.networkConfig.type === "edr-simulated";
}

const SEND_METHODS = new Set(["eth_sendTransaction", "eth_sendRawTransaction"]);

/**
 * Runs held raw transactions whose nonce has become the sender's next one, as EDR's mempool
 * would once the gap is filled. Their outcome (including a revert) is that of a mined
 * transaction; errors are not reported to anyone, as for a queued transaction in EDR.
 */
async function runDeferred(
  state: ConnectionState,
  rpc: ChainRpc,
  dispatch: (request: JsonRpcRequest) => Promise<JsonRpcResponse>,
): Promise<void> {
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const [sender, queue] of state.deferred) {
      const next = await rpc.getTransactionCount(sender as Address, "pending");
      const ready = queue.get(next);
      if (ready === undefined) continue;
      queue.delete(next);
      if (queue.size === 0) state.deferred.delete(sender);
      try {
        await dispatch(ready);
      } catch {
        // A reverted held transaction is still mined; nobody waits for its response.
      }
      progressed = true;
    }
  }
}

/** The value `map` holds for `connection`, created with `create` the first time. */
function perConnection<T>(map: WeakMap<object, T>, connection: object, create: () => T): T {
  let value = map.get(connection);
  if (value === undefined) {
    value = create();
    map.set(connection, value);
  }
  return value;
}

/** The hook's own onRequest (interval ticks go through it like requests). */
function onRequestOf(handlers: Partial<NetworkHooks>): NonNullable<NetworkHooks["onRequest"]> {
  const onRequest = handlers.onRequest;
  if (onRequest === undefined) throw new Error("hardhat-stylus: onRequest missing");
  return onRequest;
}

/** Sets the Stylus code of deployments that left EDR's mempool in a mined block (their placeholder is there now). */
async function settleStylusDeployments(state: ConnectionState, rpc: ChainRpc): Promise<void> {
  for (const [hash, code] of state.stylusDeployments) {
    const receipt = await rpc.getReceipt(hash as Hex);
    if (receipt === null) continue;
    state.stylusDeployments.delete(hash);
    if (receipt.status === "0x1" && receipt.contractAddress !== null) await rpc.setCode(receipt.contractAddress, code);
  }
}

export default async (): Promise<Partial<NetworkHooks>> => {
  const states = new WeakMap<object, ConnectionState>();
  /** Forking set by the last hardhat_reset of a connection (null: reset without forking). */
  const forkAfterReset = new WeakMap<object, { url: string; blockNumber?: bigint } | null>();
  const insidePlugin = new AsyncLocalStorage<boolean>();
  /** The plugin's own interval mining per connection (EDR's stays off: its blocks would skip the plugin). */
  const intervalMiners = new WeakMap<object, IntervalMiner>();
  let internalId = 0;
  // Chain id and the like, cached per connection.
  const constants = new WeakMap<object, ConnectionConstants>();
  const constantsOf = (connection: NetworkConnection<ChainType | string>): ConnectionConstants => {
    let c = constants.get(connection);
    if (c === undefined) {
      const config = connection.networkConfig;
      c = {
        sendsThrowOnFailure: config.type === "edr-simulated" && config.throwOnTransactionFailures,
        feesAreGasOnly: config.type === "edr-simulated" && connection.chainType !== "op",
      };
      constants.set(connection, c);
    }
    return c;
  };
  // State at "latest" as the plugin last read it, per connection (dropped with a reset).
  const caches = new WeakMap<object, StateCache>();
  const cacheOf = (connection: object): StateCache => perConnection(caches, connection, () => new StateCache());
  // Program code still to put back in EDR after entry appliers, per connection (code-restores.ts).
  const restores = new WeakMap<object, CodeRestores>();
  const restoresOf = (connection: object): CodeRestores => perConnection(restores, connection, () => new CodeRestores());
  /** Puts deferred program code back before `request` reaches EDR, when it could observe it. */
  const restoreBefore = async <ChainTypeT extends ChainType | string>(
    next: Next<ChainTypeT>,
    context: HookContext,
    connection: NetworkConnection<ChainTypeT>,
    request: { method: string; params?: unknown },
    internal = false,
  ): Promise<void> => {
    await restoresOf(connection).before(
      request.method,
      request.params,
      async (address, code) => {
        const response = await next(context, connection, { jsonrpc: "2.0", id: `hardhat-stylus-${++internalId}`, method: "hardhat_setCode", params: [address, code] });
        if ("error" in response && response.error !== undefined) throw new Error(`restoring the code of ${address}: ${response.error.message}`);
      },
      internal,
    );
  };
  /**
   * Sends a request straight to EDR; a method that may change state empties the cache. `known`: a send
   * whose changes the interpreter's run knows, so the cache forgets only those and checks EDR's block
   * against the run (ChainRpc.learnMined) instead of forgetting everything.
   */
  const below = async <ChainTypeT extends ChainType | string>(
    next: Next<ChainTypeT>,
    context: HookContext,
    connection: NetworkConnection<ChainTypeT>,
    request: JsonRpcRequest,
    known?: { rpc: ChainRpc; changes: MinedChanges },
  ): Promise<JsonRpcResponse> => {
    await restoreBefore(next, context, connection, request);
    if (READ_ONLY_METHODS.has(request.method)) return await next(context, connection, request);
    const cache = cacheOf(connection);
    const sender = known?.rpc.senderBefore(known.changes);
    let learned = false;
    try {
      const response = await next(context, connection, request);
      if (SEND_METHODS.has(request.method) && "result" in response && typeof response.result === "string") {
        // A send EDR executed as it came is mined under its own hash: its lookups need no alias read.
        cache.noteMinedAsItself(response.result);
        if (known !== undefined && sender !== undefined) {
          cache.forgetMined(known.changes);
          await known.rpc.learnMined(known.changes, response.result as Hex, sender);
          learned = true;
        }
      }
      return response;
    } finally {
      if (!learned) cache.clear(request.method, Array.isArray(request.params) ? request.params : []);
    }
  };
  // One mutex per connection, created before the rest of the state (which may await).
  const mutexes = new WeakMap<object, Mutex>();
  const connectionMutex = (connection: object): Mutex => perConnection(mutexes, connection, () => new Mutex());

  const stateOf = async (
    connection: NetworkConnection<ChainType | string>,
    rpc: ChainRpc,
    arbOsOptions: ArbOsOptions,
  ): Promise<ConnectionState> => {
    let state = states.get(connection);
    if (state === undefined) {
      state = {
        deferred: new Map(),
        mutex: connectionMutex(connection),
        handlers: createStylusHandlers(),
        modules: new ModuleCache(),
        precompiles: createArbOsPrecompiles(arbOsOptions),
        stylusSeen: false,
        stylusDeployments: new Map(),
        mempoolUsed: false,
      };
      const config = connection.networkConfig;
      const reset = forkAfterReset.get(connection);
      let fork: { url: string; blockNumber?: bigint; headers?: Record<string, string> } | undefined;
      if (reset !== undefined) {
        fork = reset ?? undefined;
      } else if (config.type === "edr-simulated" && config.forking?.enabled === true) {
        fork = { url: await config.forking.url.get(), blockNumber: config.forking.blockNumber, headers: config.forking.httpHeaders };
      }
      if (fork !== undefined) {
        let forkBlock = fork.blockNumber;
        if (forkBlock === undefined) {
          const metadata = await rpc.request<{ forkedNetwork?: { forkBlockNumber: number } }>("hardhat_metadata");
          if (metadata.forkedNetwork !== undefined) forkBlock = BigInt(metadata.forkedNetwork.forkBlockNumber);
        }
        state.remoteActivation = createRemoteActivationLookup(fork.url, forkBlock, fork.headers);
        state.stylusSeen = true;
      }
      await installArbWasmStub(rpc);
      await installNitroPredeploys(rpc);
      states.set(connection, state);
    }
    return state;
  };

  const handlers: Partial<NetworkHooks> = {
    async newConnection<ChainTypeT extends ChainType | string>(
      context: HookContext,
      next: (nextContext: HookContext) => Promise<NetworkConnection<ChainTypeT>>,
    ): Promise<NetworkConnection<ChainTypeT>> {
      const connection = await next(context);
      connection.stylus = new StylusConnectionHelpers(connection.provider, isEmulated(connection));
      return connection;
    },

    async closeConnection<ChainTypeT extends ChainType | string>(
      context: HookContext,
      connection: NetworkConnection<ChainTypeT>,
      next: (nextContext: HookContext, nextConnection: NetworkConnection<ChainTypeT>) => Promise<void>,
    ): Promise<void> {
      intervalMiners.get(connection)?.stop();
      intervalMiners.delete(connection);
      states.delete(connection);
      mutexes.delete(connection);
      forkAfterReset.delete(connection);
      constants.delete(connection);
      caches.delete(connection);
      restores.delete(connection);
      await next(context, connection);
    },

    async onRequest<ChainTypeT extends ChainType | string>(
      context: HookContext,
      connection: NetworkConnection<ChainTypeT>,
      request: JsonRpcRequest,
      next: Next<ChainTypeT>,
    ): Promise<JsonRpcResponse> {
      if (!isEmulated(connection)) return await next(context, connection, request);
      if (insidePlugin.getStore() === true) return await below(next, context, connection, request);
      // Names of the project's custom errors, for revert messages of programs (read once).
      await loadKnownErrors(context.artifacts);
      const lock = connectionMutex(connection);
      return await lock.exclusive(
        async () =>
          await insidePlugin.run(true, async () => {
            const cache = cacheOf(connection);
            const rpc = new ChainRpc(async (method, params) => {
              await restoreBefore(next, context, connection, { method, params }, true);
              const response = await next(context, connection, {
                jsonrpc: "2.0",
                id: `hardhat-stylus-${++internalId}`,
                method,
                params,
              });
              if ("error" in response && response.error !== undefined) {
                throw Object.assign(new Error(response.error.message), {
                  code: response.error.code,
                  data: response.error.data,
                });
              }
              return "result" in response ? response.result : undefined;
            }, constantsOf(connection), cache, restoresOf(connection));
            if (request.method === "evm_setAutomine" || request.method === "evm_setIntervalMining") {
              // Forget the cached automine flag; it is read again when a Stylus transaction needs it.
              delete constantsOf(connection).automine;
            }
            if (request.method === "hardhat_reset") {
              // A reset may fork another chain (or stop forking): rebuild the state on the next request.
              const options = Array.isArray(request.params) ? (request.params[0] as ResetOptions | undefined) : undefined;
              const forking = options?.forking;
              forkAfterReset.set(
                connection,
                typeof forking?.jsonRpcUrl === "string"
                  ? { url: forking.jsonRpcUrl, blockNumber: forking.blockNumber === undefined ? undefined : BigInt(forking.blockNumber) }
                  : null,
              );
              states.delete(connection);
              constants.delete(connection);
              caches.delete(connection);
              const response = await below(next, context, connection, request);
              // Whatever interval the reset gave EDR, interval mining stays the plugin's.
              if (intervalMiners.has(connection)) {
                await below(next, context, connection, { jsonrpc: "2.0", id: `hardhat-stylus-${++internalId}`, method: "evm_setIntervalMining", params: [0] });
              }
              return response;
            }
            let miner = intervalMiners.get(connection);
            if (miner === undefined) {
              // Interval mining is the plugin's: each tick mines through this hook like an evm_mine request.
              const config = connection.networkConfig;
              const interval: MiningInterval = config.type === "edr-simulated" ? config.mining.interval : 0;
              const tick = async (): Promise<void> => {
                const response = await onRequestOf(handlers)(context, connection, { jsonrpc: "2.0", id: `hardhat-stylus-interval-${++internalId}`, method: "evm_mine", params: [] }, next);
                if ("error" in response && response.error !== undefined) throw new Error(response.error.message);
              };
              miner = new IntervalMiner((run) => insidePlugin.exit(run), tick);
              intervalMiners.set(connection, miner);
              if (miner.set(interval)) await below(next, context, connection, { jsonrpc: "2.0", id: `hardhat-stylus-${++internalId}`, method: "evm_setIntervalMining", params: [0] });
            }
            if (request.method === "evm_setIntervalMining") {
              // EDR checks the parameter; then its timer is stopped again and the plugin's runs.
              const response = await below(next, context, connection, request);
              if ("error" in response && response.error !== undefined) return response;
              const params = Array.isArray(request.params) ? request.params : [];
              miner.set(params[0] as MiningInterval);
              await below(next, context, connection, { jsonrpc: "2.0", id: `hardhat-stylus-${++internalId}`, method: "evm_setIntervalMining", params: [0] });
              return response;
            }
            const arbOsOptions = context.config.stylus ?? DEFAULT_ARBOS_OPTIONS;
            const state = await stateOf(connection, rpc, arbOsOptions);
            if (request.method === "hardhat_setCode" || TRANSACTION_METHODS.has(request.method)) {
              // Stylus code placed directly or deployed: from now on EVM failures may come from calls into programs.
              if (/ef(f000|f001|f002)/.test(JSON.stringify(request.params ?? []).toLowerCase())) state.stylusSeen = true;
            }
            if (request.method === "evm_revert") state.deferred.clear();
            if (SEND_METHODS.has(request.method) && !(await rpc.getAutomine())) state.mempoolUsed = true;
            const scope: RequestScope = {
              rpc,
              modules: state.modules,
              precompiles: state.precompiles,
              arbOsVersion: arbOsOptions.arbOsVersion,
              remoteActivation: state.remoteActivation,
              stylusPresent: () => state.stylusSeen,
              sawStylus: () => {
                state.stylusSeen = true;
              },
              stylusDeployments: state.stylusDeployments,
              mempoolUsed: () => state.mempoolUsed,
              mempoolEmptied: () => {
                state.mempoolUsed = false;
              },
              expectEdrSend: (sent, changes) => {
                state.edrSend = { request: sent, changes };
              },
              defer: (sender, nonce, deferredRequest) => {
                const key = sender.toLowerCase();
                const queue = state.deferred.get(key) ?? new Map<bigint, JsonRpcRequest>();
                queue.set(nonce, deferredRequest);
                state.deferred.set(key, queue);
              },
            };
            const dispatch = async (incoming: JsonRpcRequest): Promise<JsonRpcResponse> => {
              let current = incoming;
              for (const handler of state.handlers) {
                if (!handler.isSupportedMethod(current)) continue;
                const handled = await handler.handle(current, scope);
                if (!("method" in handled)) return handled;
                current = handled;
              }
              const expected = state.edrSend;
              state.edrSend = undefined;
              const known = expected?.request === current ? { rpc, changes: expected.changes } : undefined;
              return await below(next, context, connection, current, known);
            };
            scope.dispatch = dispatch;
            try {
              return await dispatch(request);
            } finally {
              if (state.deferred.size > 0 && SEND_METHODS.has(request.method)) await runDeferred(state, rpc, dispatch);
              if (state.stylusDeployments.size > 0) await settleStylusDeployments(state, rpc);
            }
          }),
      );
    },
  };
  return handlers;
};
