// Private control-flow signals thrown by host functions through the WASM
// stack and caught by the engine's run loop. They never leave the runtime.

/** A chain read is not in the cache: fetch it, then run the program again from the start. */
export class NeedReadSignal {
  constructor(
    readonly key: string,
    readonly fetch: () => Promise<unknown>,
  ) {}
}

/** `exit_early(status)`: stop now with this status. */
export class ExitSignal {
  constructor(readonly status: number) {}
}

/** Ink ran out inside a host function. */
export class OutOfInkSignal {
  constructor(readonly hostio: string) {}
}

/** A host function failed the way Nitro reverts (bad topic data, write protection, memory access...). */
export class HostRevertSignal {
  constructor(
    readonly kind: "revert" | "unsupported-host",
    readonly message: string,
    readonly output: Uint8Array,
  ) {}
}
