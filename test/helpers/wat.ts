// Compiles WAT text to a WASM binary with the wabt JS port (no binary tool
// needed in CI). Features Nitro accepts are on by default; tests that need a
// rejected feature (SIMD, ...) turn it on to write a program Nitro refuses.
import wabtInit from "wabt";

type Wabt = Awaited<ReturnType<typeof wabtInit>>;
export type WatFeatures = Parameters<Wabt["parseWat"]>[2];

let wabtPromise: Promise<Wabt> | undefined;

/** Compiles `text` (validated by wabt) to a binary without debug names. */
export async function wat(text: string, features: WatFeatures = {}): Promise<Uint8Array> {
  wabtPromise ??= wabtInit();
  const wabt = await wabtPromise;
  const module = wabt.parseWat("test.wat", text, {
    mutable_globals: true,
    sat_float_to_int: true,
    sign_extension: true,
    bulk_memory: true,
    multi_value: true,
    ...features,
  });
  try {
    module.resolveNames();
    module.validate();
    return Uint8Array.from(module.toBinary({ write_debug_names: false }).buffer);
  } finally {
    module.destroy();
  }
}
