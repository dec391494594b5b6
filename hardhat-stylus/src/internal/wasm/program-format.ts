// Stylus program code format: how a WASM program is stored on chain
// (EF F0 00 + dictionary byte + brotli) and the init code that deploys it.
// Shared by the plugin (deploy rewrite, execution, forks) and the contract
// build script (which writes MVPIoTProcessor.deployed.hex with it).
import { brotliCompressSync, brotliDecompressSync, constants as zlibConstants } from "node:zlib";

/** The 3-byte prefix of deployed Stylus code (EOF-style magic 0xEF F0 + version 0). */
export const STYLUS_PREFIX: Uint8Array = Uint8Array.from([0xef, 0xf0, 0x00]);

/** Dictionary byte written after the prefix: 0 = no dictionary (plain brotli). */
export const STYLUS_DICTIONARY_NONE = 0x00;

/** Largest uncompressed WASM Nitro accepts (128 KiB); used to bound decompression. */
export const MAX_WASM_SIZE = 128 * 1024;

/** Largest deployed code Nitro accepts without fragments (24,576 bytes). */
export const MAX_CODE_SIZE = 24_576;

/** Init code header: PUSH32 <len> DUP1 PUSH1 43 PUSH1 0 CODECOPY PUSH1 0 RETURN, then a version byte 00. */
const INIT_HEADER_LENGTH = 1 + 32 + 10;

/** Base of the errors thrown by this module: a short message plus what to do next. */
export class StylusCodeFormatError extends Error {
  override name = "StylusCodeFormatError";
  readonly shortMessage: string;
  constructor(shortMessage: string, details?: string) {
    super(details === undefined ? shortMessage : `${shortMessage}\n${details}`);
    this.shortMessage = shortMessage;
  }
}

/** True when `code` is deployed Stylus code (starts with EF F0 00 and has a dictionary byte). */
export function isStylusCode(code: Uint8Array): boolean {
  return (
    code.length >= 4 &&
    code[0] === STYLUS_PREFIX[0] &&
    code[1] === STYLUS_PREFIX[1] &&
    code[2] === STYLUS_PREFIX[2]
  );
}

/**
 * Compresses a WASM binary into deployable Stylus code:
 * `EF F0 00 00 || brotli(wasm, quality 11)` (what cargo-stylus deploys).
 * @param wasm the (already stripped) WASM binary, starting with `\0asm`.
 * @returns the code `eth_getCode` returns for the program.
 * @throws StylusCodeFormatError if `wasm` does not start with the WASM magic.
 */
export function compressStylusProgram(wasm: Uint8Array): Uint8Array {
  if (wasm.length < 8 || wasm[0] !== 0x00 || wasm[1] !== 0x61 || wasm[2] !== 0x73 || wasm[3] !== 0x6d) {
    throw new StylusCodeFormatError(
      "not a WASM binary",
      "Expected bytes starting with \\0asm; pass the .wasm file produced by the Rust build.",
    );
  }
  const compressed = brotliCompressSync(wasm, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
      [zlibConstants.BROTLI_PARAM_LGWIN]: 22,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: wasm.length,
    },
  });
  const code = new Uint8Array(4 + compressed.length);
  code.set(STYLUS_PREFIX, 0);
  code[3] = STYLUS_DICTIONARY_NONE;
  code.set(compressed, 4);
  return code;
}

/**
 * Decompresses deployed Stylus code back into the WASM binary.
 * @throws StylusCodeFormatError if the prefix or dictionary is unknown or brotli fails.
 */
export function decompressStylusCode(code: Uint8Array): Uint8Array {
  if (!isStylusCode(code)) {
    throw new StylusCodeFormatError(
      "not Stylus code",
      "Deployed Stylus code starts with 0xEF F0 00; deploy the program with the Stylus init code.",
    );
  }
  if (code[3] !== STYLUS_DICTIONARY_NONE) {
    throw new StylusCodeFormatError(
      `unsupported brotli dictionary ${code[3]}`,
      "Only dictionary 0 (none) is supported; recompress the program without a dictionary.",
    );
  }
  try {
    const wasm = brotliDecompressSync(code.subarray(4), { maxOutputLength: MAX_WASM_SIZE + 1 });
    if (wasm.length > MAX_WASM_SIZE) {
      throw new StylusCodeFormatError(`uncompressed program exceeds ${MAX_WASM_SIZE} bytes`);
    }
    return new Uint8Array(wasm.buffer, wasm.byteOffset, wasm.byteLength);
  } catch (error) {
    if (error instanceof StylusCodeFormatError) throw error;
    throw new StylusCodeFormatError(
      "cannot decompress Stylus code",
      `brotli failed (${error instanceof Error ? error.message : String(error)}); the code is corrupt or larger than ${MAX_WASM_SIZE} bytes uncompressed.`,
    );
  }
}

/**
 * Builds the standard Stylus init code (as cargo-stylus sends it):
 * `7f <len:32> 80 60 2b 60 00 39 60 00 f3 00 <code>`.
 */
export function buildStylusInitCode(code: Uint8Array): Uint8Array {
  const init = new Uint8Array(INIT_HEADER_LENGTH + code.length);
  init[0] = 0x7f;
  let len = code.length;
  for (let i = 32; i >= 1 && len > 0; i--) {
    init[i] = len & 0xff;
    len = Math.floor(len / 256);
  }
  init.set([0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00], 33);
  init.set(code, INIT_HEADER_LENGTH);
  return init;
}

/**
 * Recognises the standard Stylus init code and returns the code it deploys.
 * Extra bytes after the code (constructor arguments) are ignored, as on Nitro.
 * @param accepts which deployed code counts as Stylus (default: classic programs, EF F0 00).
 * @returns the Stylus code, or `undefined` if `initCode` is not Stylus init code.
 */
export function parseStylusInitCode(
  initCode: Uint8Array,
  accepts: (code: Uint8Array) => boolean = isStylusCode,
): Uint8Array | undefined {
  if (initCode.length < INIT_HEADER_LENGTH + 4 || initCode[0] !== 0x7f) return undefined;
  const tail = [0x80, 0x60, 0x2b, 0x60, 0x00, 0x39, 0x60, 0x00, 0xf3, 0x00];
  for (let i = 0; i < tail.length; i++) {
    if (initCode[33 + i] !== tail[i]) return undefined;
  }
  let len = 0;
  for (let i = 1; i <= 32; i++) {
    len = len * 256 + (initCode[i] ?? 0);
    if (len > Number.MAX_SAFE_INTEGER / 256) return undefined;
  }
  if (len < 4 || INIT_HEADER_LENGTH + len > initCode.length) return undefined;
  const code = initCode.subarray(INIT_HEADER_LENGTH, INIT_HEADER_LENGTH + len);
  return accepts(code) ? code : undefined;
}
