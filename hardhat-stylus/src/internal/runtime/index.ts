// Entry point of the Stylus runtime (imported lazily by the plugin): the
// engine, its types, and the validator it pairs with.
export { clearStylusModuleCache, compileStylusProgram, executeStylusProgram } from "./execute.js";
export { INK_HEADER_COST, instrumentForInk } from "./instrument.js";
export { DEFAULT_INK_PRICE, MIN_CACHED_INIT_GAS, MIN_INIT_GAS, programStartupGas } from "./pricing.js";
export type * from "./types.js";
export {
  isStylusValidationError,
  StylusValidationError,
  validateStylusProgram,
} from "../wasm/validate.js";
export type { StylusProgramInfo, StylusValidationReason, ValidateStylusProgramOptions } from "../wasm/validate.js";
