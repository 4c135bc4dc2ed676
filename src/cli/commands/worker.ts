// `worker`: serve runs. The worker SDK loads only when the command runs.
import type { Command } from 'commander';
import { envWithFlags, type GlobalFlags } from '../connect.js';
import { act } from '../errors.js';

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run a worker: Temporal connection from TEMPORAL_* (or the global flags), Atlas from MONGODB_ATLAS_*')
    .option(
      '--deployment-name <name>',
      'join this Worker Deployment (env ATLAS_BACKUP_DEPLOYMENT_NAME); none: unversioned',
    )
    .option('--build-id <id>', 'this build (env ATLAS_BACKUP_BUILD_ID; default <version>+<hash of the workflow code>)')
    .addHelpText(
      'after',
      `
Example:
  $ TEMPORAL_ADDRESS=localhost:7233 MONGODB_ATLAS_CLIENT_ID=... MONGODB_ATLAS_CLIENT_SECRET=... atlas-backup worker
  $ atlas-backup worker --deployment-name atlas-backup   # runs stay on the build that started them

With a deployment name, the deployment's first build becomes current by itself; promote later
builds with \`atlas-backup deployment set-current\` (or ramp them) once their workers run.

SIGINT/SIGTERM stop polling and let in-flight activities finish (or hand them back to Temporal).
Without V8 heap flags (NODE_OPTIONS=--max-old-space-size=<MB>) the worker runs in a worker thread
with its own heap limits; with them, in the process's main thread.
Exit code 2 when a variable is missing or invalid (each one is named).`,
    )
    .action(
      act(async (flags: { deploymentName?: string; buildId?: string }, cmd: Command) => {
        const { runWorkerFromEnv } = await import('../../worker-thread.js');
        const env = envWithFlags(cmd.optsWithGlobals<GlobalFlags>());
        if (flags.deploymentName !== undefined) env.ATLAS_BACKUP_DEPLOYMENT_NAME = flags.deploymentName;
        if (flags.buildId !== undefined) env.ATLAS_BACKUP_BUILD_ID = flags.buildId;
        await runWorkerFromEnv(env);
      }),
    );
}
