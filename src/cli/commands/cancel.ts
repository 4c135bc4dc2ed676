// `cancel`: request cancellation of a run.
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, UsageError } from '../errors.js';
import { existingRun } from '../runs.js';

export function registerCancel(program: Command): void {
  program
    .command('cancel')
    .description(
      'request cancellation of a run (the pipeline cancels an Atlas restore it started and records what it left)',
    )
    .argument('<id>', 'workflow id')
    .addHelpText(
      'after',
      '\nExample:\n  $ atlas-backup cancel backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001-20261122T030000000Z',
    )
    .action(
      act(async (id: string, _flags: object, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
          const handle = await existingRun(client, id, namespace);
          const d = await handle.describe();
          if (d.status.name !== 'RUNNING')
            throw new UsageError(`<id>: ${id} is not running (status ${d.status.name}); nothing to cancel`);
          await handle.cancel();
          process.stdout.write(`cancellation requested for ${id}; follow it with: atlas-backup watch ${id}\n`);
          return EXIT_OK;
        }),
      ),
    );
}
