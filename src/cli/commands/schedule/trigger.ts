// `schedule trigger`: run the schedule now, skipped while its previous run goes on.
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../../connect.js';
import { act, EXIT_OK } from '../../errors.js';
import { existingSchedule, ID_ARG } from './existing.js';

export function registerScheduleTrigger(schedule: Command): void {
  schedule
    .command('trigger')
    .description('run the schedule now; skipped when its previous run is still going (overlap SKIP, always)')
    .argument(...ID_ARG)
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule trigger sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001')
    .action(
      act(async (id: string, _flags: object, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const { handle } = await existingSchedule(client, id);
          // The SDK's default for trigger is ALLOW_ALL, which would start a racing pipeline.
          await handle.trigger(ScheduleOverlapPolicy.SKIP);
          process.stdout.write(`triggered ${id} (skipped if its previous run is still going)\n`);
          return EXIT_OK;
        }),
      ),
    );
}
