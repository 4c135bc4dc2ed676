// `atlas-backup`: the operator's command, every command on the program of src/cli/program.ts (global
// options, exit codes, error lines).
import type { Command } from 'commander';
import { buildProgram as programOf, main as mainOf, run as runOf, type RegisterCommand } from './program.js';
import { registerBackup } from './commands/backup.js';
import { registerBuckets } from './commands/buckets.js';
import { registerCancel } from './commands/cancel.js';
import { registerCodecServer } from './commands/codec-server.js';
import { registerDecide } from './commands/decide.js';
import { registerDemo } from './commands/demo.js';
import { registerDeployment } from './commands/deployment.js';
import { registerDoctor } from './commands/doctor.js';
import { registerDr } from './commands/dr.js';
import { registerFleet } from './commands/fleet.js';
import { registerList } from './commands/list.js';
import { registerReport } from './commands/report.js';
import { registerRestoreTest } from './commands/restore-test.js';
import { registerSchedule } from './commands/schedule/index.js';
import { registerSetup } from './commands/setup.js';
import { registerSimulator } from './commands/simulator.js';
import { registerSnapshots } from './commands/snapshots.js';
import { registerStatus } from './commands/status.js';
import { registerWatch } from './commands/watch.js';
import { registerWorker } from './commands/worker.js';

/** One file per command (src/cli/commands); the order is the order of --help. */
const COMMANDS: RegisterCommand[] = [
  registerBackup,
  registerDr,
  registerRestoreTest,
  registerFleet,
  registerDecide,
  registerStatus,
  registerWatch,
  registerList,
  registerReport,
  registerCancel,
  registerSchedule,
  registerBuckets,
  registerSnapshots,
  registerWorker,
  registerDeployment,
  registerSetup,
  registerDoctor,
  registerSimulator,
  registerCodecServer,
  registerDemo,
];

export const buildProgram = (): Command => programOf(COMMANDS);

export const main = (argv: string[] = process.argv): Promise<number> => mainOf(COMMANDS, argv);

/** Entry point of bin/atlas-backup.js. */
export const run = (): void => runOf(COMMANDS);
