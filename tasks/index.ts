// The project's Hardhat tasks, registered in hardhat.config.ts (`tasks: lcoreTasks`).
import type { TaskDefinition } from "hardhat/types/tasks";

import { deployTask } from "./deploy/index.js";
import { fundTask } from "./fund/index.js";
import { orbitNodeTask } from "./orbit-node/index.js";
import { serveTask } from "./serve/index.js";
import { stressTask } from "./stress/index.js";
import { stylusVerifyTask } from "./stylus-verify/index.js";

export const lcoreTasks: TaskDefinition[] = [deployTask, fundTask, orbitNodeTask, serveTask, stressTask, stylusVerifyTask];
