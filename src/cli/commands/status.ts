// `status`: a run's live status (or a closed run's final status), as text or JSON.
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED } from '../errors.js';
import { fetchStatus } from '../live.js';
import { renderStatus } from '../render.js';
import { existingRun } from '../runs.js';
import { succeeded } from './summary.js';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("a run's phase, timeline, Atlas ids, export progress, attempts, next poll and last error")
    .argument('<id>', 'workflow id (e.g. backup-<cluster>-<groupId>-<UTC time>)')
    .option('--json', 'the live status as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ atlas-backup status backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001-20261122T030000000Z --json\n' +
        '\nExit code: 0 while the run runs or when it completed, 1 when it failed, was cancelled or rejected.',
    )
    .action(
      act(async (id: string, flags: { json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
          const handle = await existingRun(client, id, namespace);
          const { status, result, failure } = await fetchStatus(client, handle);
          process.stdout.write(
            flags.json
              ? `${JSON.stringify({ ...status, result, failure }, null, 2)}\n`
              : `${renderStatus(status, result)}\n`,
          );
          // Like `watch`: a run that ended failed, cancelled or rejected exits 1; a running one 0.
          const ended = status.executionStatus !== 'RUNNING';
          return ended && !succeeded(status, result) ? EXIT_RUN_FAILED : EXIT_OK;
        }),
      ),
    );
}
