// `schedule describe`: spec, policies, state, next fire times, recent and running actions.
import type { ScheduleDescription } from '@temporalio/client';
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../../connect.js';
import { act, EXIT_OK } from '../../errors.js';
import { existingSchedule, ID_ARG } from './existing.js';
import { describeForHumans } from './spec.js';

export function registerScheduleDescribe(schedule: Command): void {
  schedule
    .command('describe')
    .description('spec, policies, state, next fire times, recent and running actions')
    .argument(...ID_ARG)
    .option('--json', 'the description as JSON')
    .addHelpText(
      'after',
      '\nExample:\n  $ atlas-backup schedule describe sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001',
    )
    .action(
      act(async (id: string, flags: { json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const { description: d } = await existingSchedule(client, id);
          if (flags.json) {
            const { raw: _raw, ...rest } = d as ScheduleDescription & { raw?: unknown };
            process.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
          } else process.stdout.write(`${describeForHumans(d)}\n`);
          return EXIT_OK;
        }),
      ),
    );
}
