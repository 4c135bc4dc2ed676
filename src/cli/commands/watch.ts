// `watch`: follow a run live until it ends; Ctrl-C stops watching, never the run.
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../connect.js';
import { act, EXIT_OK, EXIT_RUN_FAILED } from '../errors.js';
import { followRun } from '../live.js';
import { stoppedFollowing } from '../follow-started.js';
import { wholeNumber } from '../parse.js';
import { existingRun } from '../runs.js';
import { succeeded, summarizeAny } from './summary.js';

export function registerWatch(program: Command): void {
  program
    .command('watch')
    .description('follow a run live until it ends (Ctrl-C stops watching; the run goes on)')
    .argument('<id>', 'workflow id')
    .option('--interval <ms>', 'refresh interval in milliseconds', wholeNumber, 500)
    .addHelpText(
      'after',
      '\nExample:\n  $ atlas-backup watch backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001-20261122T030000000Z\n' +
        '\nExit code: 0 when the run completed, 1 when it failed or was cancelled, 0 when you stop watching.',
    )
    .action(
      act(async (id: string, flags: { interval: number }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client, namespace }) => {
          const handle = await existingRun(client, id, namespace);
          const stop = new AbortController();
          const onSigint = () => stop.abort();
          // Ctrl-C only ends this view: nothing here ever cancels the workflow.
          process.on('SIGINT', onSigint);
          try {
            const outcome = await followRun(client, handle, {
              intervalMs: Math.max(50, flags.interval),
              signal: stop.signal,
            });
            if (outcome.stopped) {
              process.stdout.write(`\n${stoppedFollowing(id, outcome.status.phase, 'watching')}\n`);
              return EXIT_OK;
            }
            process.stdout.write(`\n${summarizeAny(outcome.status, outcome.result, outcome.failure)}\n`);
            return succeeded(outcome.status, outcome.result) ? EXIT_OK : EXIT_RUN_FAILED;
          } finally {
            process.off('SIGINT', onSigint);
          }
        }),
      ),
    );
}
