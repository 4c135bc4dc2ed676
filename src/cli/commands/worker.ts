// `worker`: serve runs. The worker SDK loads only when the command runs.
import type { Command } from 'commander';
import { envWithFlags, type GlobalFlags } from '../connect.js';
import { act } from '../errors.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker: Temporal connection from TEMPORAL_* (or the global flags), Atlas from MONGODB_ATLAS_*')
    .addHelpText(
      'after',
      `
Example:
  $ TEMPORAL_ADDRESS=localhost:7233 MONGODB_ATLAS_CLIENT_ID=... MONGODB_ATLAS_CLIENT_SECRET=... atlas-backup worker

SIGINT/SIGTERM stop polling and let in-flight activities finish (or hand them back to Temporal).
Exit code 2 when a variable is missing or invalid (each one is named).`,
    )
    .action(
      act(async (_flags: object, cmd: Command) => {
        const { runWorkerFromEnv } = await import('../../worker.js');
        await runWorkerFromEnv(envWithFlags(cmd.optsWithGlobals<GlobalFlags>()));
      }),
    );
}
