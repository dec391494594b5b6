// Type declarations of the WebAssembly JS API subset the Stylus runtime uses.
// Node provides the global at run time, but the workspace compiles with
// lib es2023 and @types/node 22, neither of which declares it (it lives in
// lib.dom). If the tsconfig ever adds "dom", delete this file.

declare namespace WebAssembly {
  type ImportValue = ((...args: never[]) => unknown) | Global | Memory | Table | Suspending;
  type ModuleImports = Record<string, ImportValue>;
  type Imports = Record<string, ModuleImports>;
  type ExportValue = ((...args: never[]) => unknown) | Global | Memory | Table;
  type Exports = Record<string, ExportValue>;
  type BufferSource = ArrayBufferView | ArrayBuffer;

  interface ModuleImportDescriptor {
    module: string;
    name: string;
    kind: "function" | "table" | "memory" | "global";
  }
  interface ModuleExportDescriptor {
    name: string;
    kind: "function" | "table" | "memory" | "global";
  }

  class Module {
    constructor(bytes: BufferSource);
    static imports(module: Module): ModuleImportDescriptor[];
    static exports(module: Module): ModuleExportDescriptor[];
    static customSections(module: Module, name: string): ArrayBuffer[];
  }

  class Instance {
    constructor(module: Module, imports?: Imports);
    readonly exports: Exports;
  }

  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }

  interface GlobalDescriptor {
    value: "i32" | "i64" | "f32" | "f64";
    mutable?: boolean;
  }
  class Global {
    constructor(descriptor: GlobalDescriptor, value?: number | bigint);
    value: number | bigint;
  }

  class Table {
    readonly length: number;
  }

  class CompileError extends Error {}
  class LinkError extends Error {}
  class RuntimeError extends Error {}

  interface WebAssemblyInstantiatedSource {
    module: Module;
    instance: Instance;
  }

  /** JSPI: an import whose function may return a promise; the WASM caller suspends until it settles. */
  class Suspending {
    constructor(fn: (...args: never[]) => unknown);
  }
  /** JSPI: wraps an export so that it may suspend on Suspending imports; returns a promise of its result. */
  function promising<F extends (...args: never[]) => unknown>(fn: F): (...args: Parameters<F>) => Promise<ReturnType<F>>;

  function validate(bytes: BufferSource): boolean;
  function compile(bytes: BufferSource): Promise<Module>;
  function instantiate(bytes: BufferSource, imports?: Imports): Promise<WebAssemblyInstantiatedSource>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}
