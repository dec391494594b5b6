// IoT: device registration and signed readings through the IoT backend
// (the embedded node), each reading timed from creation to its commitment
// on chain (per reading, or when its Merkle batch is confirmed).
import type { IotBackend } from "./iot-backend.js";
import type { SimDevice } from "./iot-devices.js";
import type { WorkloadEnv } from "./workload-env.js";

import { errorText } from "../../shared/errors.js";
import { SendFailedError } from "../engine/chain-sender.js";
import { nextReading } from "./iot-devices.js";

export class IotWorkload {
  readonly #env: WorkloadEnv;
  readonly #backend: IotBackend;
  readonly #devices: SimDevice[];
  readonly #pendingCommits = new Set<Promise<void>>();
  #nextDevice = 0;
  #firstRegistered: () => void = () => {};
  readonly #firstRegisteredPromise = new Promise<void>((resolve) => {
    this.#firstRegistered = resolve;
  });
  #nextReadingDevice = 0;
  devicesRegistered = 0;
  readingsSubmitted = 0;
  readingsRejected = 0;

  constructor(env: WorkloadEnv, backend: IotBackend, devices: SimDevice[]) {
    this.#env = env;
    this.#backend = backend;
    this.#devices = devices;
  }

  get allRegistered(): boolean {
    return this.#nextDevice >= this.#devices.length;
  }

  /** Resolves once a first device is registered (readings start then). */
  firstRegistered(): Promise<void> {
    return this.#firstRegisteredPromise;
  }

  /** Registers the next unregistered device; does nothing once all are registered. */
  async registerNext(): Promise<void> {
    const device = this.#devices[this.#nextDevice++];
    if (device === undefined) return;
    const op = this.#env.recorder.begin("iot_registration", "iot_registration");
    try {
      const { txHash, gasUsed } = await this.#backend.registerDevice(device);
      this.devicesRegistered++;
      this.#firstRegistered();
      op.ok({ txHash, gasUsed });
    } catch (error) {
      op.fail(errorText(error), error instanceof SendFailedError ? error.txHash : undefined);
    }
  }

  /** Submits one signed reading from the next registered device; its commit is awaited in the background. */
  async submitOne(): Promise<void> {
    const registered = this.#devices.filter((d) => d.registered);
    if (registered.length === 0) return;
    const device = registered[this.#nextReadingDevice++ % registered.length]!;
    const reading = nextReading(device, this.#env.random);
    const op = this.#env.recorder.begin("iot_readings", "iot_data");
    const { accepted, committed } = this.#backend.submitReading(reading);
    try {
      await accepted;
      this.readingsSubmitted++;
    } catch (error) {
      this.readingsRejected++;
      committed.catch(() => undefined);
      op.fail(`rejected by the node: ${errorText(error)}`);
      return;
    }
    const done = committed.then(
      (info) => op.ok({ txHash: info.txHash, gasUsed: info.gasShare }),
      (error: unknown) => op.fail(`not committed: ${errorText(error)}`, error instanceof SendFailedError ? error.txHash : undefined),
    );
    this.#pendingCommits.add(done);
    void done.finally(() => this.#pendingCommits.delete(done));
    // Back-pressure in the max profile: do not run far ahead of the commits.
    if (this.#pendingCommits.size > 512) await Promise.race([...this.#pendingCommits]);
  }

  /** Flushes the backend and waits for every submitted reading's commit (bounded). */
  async drain(timeoutMs: number): Promise<void> {
    await this.#backend.drain(timeoutMs);
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([Promise.all([...this.#pendingCommits]), deadline]);
  }
}
