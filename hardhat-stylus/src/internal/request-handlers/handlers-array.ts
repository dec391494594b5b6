// Builds the chain of request handlers of one connection. Order: reads and
// lookups first (they never overlap with the rest), then ArbWasm and the ArbOS precompiles (fixed
// addresses, cheapest to recognise), then deployments (`to` is empty), then execution
// (needs an eth_getCode of the target). Each returns the request untouched
// when it does not apply, so order only matters for cost.
import type { StylusRequestHandler } from "./types.js";

import { ArbitrumReceiptHandler } from "./arbitrum-receipt-handler.js";
import { ArbOsHandler } from "./arbos-handler.js";
import { CallObjectHandler } from "./call-object-handler.js";
import { CodeReadHandler } from "./code-read-handler.js";
import { StylusDeploymentHandler } from "./deployment-handler.js";
import { StylusExecutionHandler } from "./execution-handler.js";
import { StylusMiningHandler } from "./mining-handler.js";
import { StylusTraceHandler } from "./trace-handler.js";
import { TransactionLookupHandler } from "./transaction-lookup-handler.js";

export function createStylusHandlers(): StylusRequestHandler[] {
  return [
    new CallObjectHandler(), // first: later handlers and EDR see one calldata field
    new CodeReadHandler(),
    new ArbitrumReceiptHandler(new TransactionLookupHandler()),
    new StylusTraceHandler(), // debug_trace* of programs: before EDR traces the applier
    new ArbOsHandler(), // ArbWasm and the registry's precompiles (arbos/registry.ts) called over JSON-RPC
    new StylusDeploymentHandler(),
    new StylusExecutionHandler(),
    new StylusMiningHandler(), // evm_mine / hardhat_mine of a pending block holding Stylus transactions
  ];
}
