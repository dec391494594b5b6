// Helpers shared by the task tests.
import { expect } from "chai";

/** Expects `promise` to reject with a one-line message matching `pattern`. */
export async function expectTaskError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect((error as Error).message).to.match(pattern);
    expect((error as Error).message).to.not.include("\n");
    return;
  }
  expect.fail(`expected an error matching ${pattern}`);
}
