// `schedule update`: change when, how, or what a schedule runs (only the options given).
import type { Command } from 'commander';
import { taskQueueOf, withClient, type GlobalFlags } from '../../connect.js';
import { act, EXIT_OK, UsageError } from '../../errors.js';
import { addRequestOptions, buildBackupRequest, type RequestFlags } from '../request.js';
import { EXAMPLE_SCHEDULE_ID, existingSchedule, ID_ARG } from './existing.js';
import { addPreflightOption, preflightSchedule } from './preflight.js';
import { addTimingOptions, checkTimezone, overlapPolicy, specOf, updatedSpec, type TimingFlags } from './spec.js';

export function registerScheduleUpdate(schedule: Command): void {
  addPreflightOption(
    addTimingOptions(
      addRequestOptions(
        schedule.command('update').description('change when, how, or what a schedule runs (only the options given)'),
      ),
      true,
    ),
  )
    .argument(...ID_ARG)
    .addHelpText(
      'after',
      `\nExample:\n  $ atlas-backup schedule update ${EXAMPLE_SCHEDULE_ID} --cron "30 2 * * *" --jitter 5m`,
    )
    .action(
      act(async (id: string, flags: RequestFlags & TimingFlags & { preflight: boolean }, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        const spec = specOf(flags, false);
        checkTimezone(flags.timezone);
        return withClient(globals, async ({ client }) => {
          const { handle, description } = await existingSchedule(client, id);
          const current =
            description.action.type === 'startWorkflow'
              ? (description.action.args?.[0] as Record<string, unknown> | undefined)
              : undefined;
          const changesRequest = Object.keys(flags).some(
            (k) =>
              ![
                'cron',
                'every',
                'offset',
                'timezone',
                'jitter',
                'overlap',
                'catchupWindow',
                'pauseOnFailure',
                'note',
                'preflight',
              ].includes(k),
          );
          // Request flags change only their fields of the schedule's current request, validated like `backup`'s.
          const input = changesRequest ? buildBackupRequest(flags, current) : undefined;
          // A stored request that today's rules refuse (e.g. it lacks overwrite consent) would fail every
          // run: refuse to keep it unchanged, naming the flag that fixes it.
          const checked = input ?? (current ? buildBackupRequest({}, current) : undefined);
          if (input && current && (input.groupId !== current.groupId || input.clusterName !== current.clusterName)) {
            throw new UsageError(
              '--project/--cluster: a schedule belongs to one cluster; create a new schedule for another one',
            );
          }
          if (flags.preflight && checked)
            await preflightSchedule(client, taskQueueOf(globals), checked, `schedule ${id} not updated`);
          await handle.update((prev) => ({
            ...prev,
            spec: updatedSpec(prev.spec, flags),
            action: {
              ...prev.action,
              ...(input ? { args: [input] } : {}),
              ...(spec ? { memo: { ...prev.action.memo, scheduleCron: flags.cron ?? [] } } : {}),
            } as typeof prev.action,
            policies: {
              ...prev.policies,
              ...(flags.overlap ? { overlap: overlapPolicy(flags.overlap) } : {}),
              ...(flags.catchupWindow !== undefined ? { catchupWindow: flags.catchupWindow } : {}),
              ...(flags.pauseOnFailure !== undefined ? { pauseOnFailure: flags.pauseOnFailure } : {}),
            },
            state: { ...prev.state, ...(flags.note !== undefined ? { note: flags.note } : {}) },
          }));
          process.stdout.write(`updated ${id}\n`);
          return EXIT_OK;
        });
      }),
    );
}
