// The entry of the worker thread bin/atlas-backup.js starts for `atlas-backup worker`: the program
// with only that command, so the worker's heap holds none of the other commands' modules. Its
// parsing, help and exit codes are the full program's (src/cli/program.ts).
import { run as runOf } from './program.js';
import { registerWorker } from './commands/worker.js';

export const run = (): void => runOf([registerWorker]);
