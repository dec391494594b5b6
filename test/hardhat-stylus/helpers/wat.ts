// Test helper: compiles WAT to WASM in-process with wabt (JS port).
import wabtInit from "wabt";

let wabtPromise: ReturnType<typeof wabtInit> | undefined;

export async function watToWasm(source: string): Promise<Uint8Array> {
  wabtPromise ??= wabtInit();
  const wabt = await wabtPromise;
  const module = wabt.parseWat("program.wat", source, { mutable_globals: true, sign_extension: true });
  try {
    module.validate();
    return new Uint8Array(module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}
