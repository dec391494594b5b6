// Action of the `stress` task: check the options, run, and with --strict
// fail when a target was missed.
import type { HardhatRuntimeEnvironment } from "hardhat/types/hre";

import type { RunStressReturnType } from "./engine/run-stress.js";

import { taskError } from "../shared/errors.js";
import { runStress } from "./engine/run-stress.js";
import { parseStressOptions, type StressActionArguments } from "./options.js";

export default async function stressAction(args: StressActionArguments, hre: HardhatRuntimeEnvironment): Promise<RunStressReturnType> {
  const options = parseStressOptions(args, hre.config.paths.root);
  const result = await runStress(hre, options);
  const missed = result.report.targets.filter((t) => !t.met);
  if (options.strict && missed.length > 0) {
    throw taskError(`${missed.length} target(s) missed (${missed.map((t) => t.name).join("; ")}); see ${result.files.html}.`);
  }
  return result;
}
