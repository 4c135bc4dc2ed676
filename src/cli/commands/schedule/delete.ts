// `schedule delete`: delete the schedule (running backups go on).
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../../connect.js';
import { act, EXIT_OK } from '../../errors.js';
import { existingSchedule, ID_ARG } from './existing.js';

export function registerScheduleDelete(schedule: Command): void {
  schedule
    .command('delete')
    .description('delete the schedule (running backups go on)')
    .argument(...ID_ARG)
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule delete sched-backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001')
    .action(
      act(async (id: string, _flags: object, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          const { handle } = await existingSchedule(client, id);
          await handle.delete();
          process.stdout.write(`deleted ${id}\n`);
          return EXIT_OK;
        }),
      ),
    );
}
