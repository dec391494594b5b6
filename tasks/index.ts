// The project's Hardhat tasks, registered in hardhat.config.ts (`tasks: lcoreTasks`).
import type { TaskDefinition } from "hardhat/types/tasks";

import { fundTask } from "./fund/index.js";

export const lcoreTasks: TaskDefinition[] = [fundTask];
