// `cancel`: request cancellation of a run.
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK } from '../errors.js';
import { cancelRunning } from '../runs.js';

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
          await cancelRunning(client, id, namespace, '<id>', 'watch');
          return EXIT_OK;
        }),
      ),
    );
}
