// `schedule list`: the schedules in the namespace.
import type { ScheduleSummary } from '@temporalio/client';
import type { Command } from 'commander';
import { withClient, type GlobalFlags } from '../../connect.js';
import { act, EXIT_OK } from '../../errors.js';
import { formatDuration } from './cron.js';

/** "every 6h offset 15m", "cron", for the one-line rows (a summary does not carry the cron text). */
const whenOf = (spec: ScheduleSummary['spec']): string =>
  [
    ...(spec?.intervals ?? []).map(
      (i) => `every ${formatDuration(i.every)}${i.offset ? ` offset ${formatDuration(i.offset)}` : ''}`,
    ),
    ...(spec?.calendars?.length ? ['cron'] : []),
  ].join(', ') || '-';

export function registerScheduleList(schedule: Command): void {
  schedule
    .command('list')
    .description('the schedules in the namespace')
    .option('--json', 'JSON lines')
    .addHelpText('after', '\nExample:\n  $ atlas-backup schedule list --json')
    .action(
      act(async (flags: { json?: boolean }, cmd: Command) =>
        withClient(cmd.optsWithGlobals<GlobalFlags>(), async ({ client }) => {
          let n = 0;
          for await (const s of client.schedule.list()) {
            n++;
            const action = s.action?.type === 'startWorkflow' ? s.action.workflowType : undefined;
            const row = {
              scheduleId: s.scheduleId,
              workflowType: action,
              paused: s.state.paused,
              note: s.state.note,
              nextActionTimes: s.info.nextActionTimes.slice(0, 1).map((t) => t.toISOString()),
            };
            process.stdout.write(
              flags.json
                ? `${JSON.stringify(row)}\n`
                : `${s.scheduleId}  ${s.state.paused ? 'PAUSED' : 'ACTIVE'}  ${whenOf(s.spec)}` +
                    `  next ${row.nextActionTimes[0] ?? '-'}` +
                    `${s.state.note ? `  ${s.state.note}` : ''}\n`,
            );
          }
          if (!n && !flags.json) process.stdout.write('no schedules\n');
          return EXIT_OK;
        }),
      ),
    );
}
