// `fleet schedule`: a Temporal Schedule that starts fleetBackup, like a cluster's schedule starts
// backupPipeline. Pause, trigger, describe and delete it with the `schedule` commands.
import type { Command } from 'commander';
import { fleetBackup } from '../../workflows/index.js';
import { fleetScheduleIdFor, scheduledFleetWorkflowId } from '../../runs/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act, UsageError } from '../errors.js';
import { createNewSchedule } from './schedule/existing.js';
import { addTimingOptions, policiesAndState, specOf, type TimingFlags } from './schedule/spec.js';
import { addFleetRequestOptions, buildFleetRequest, type FleetFlags } from './fleet-request.js';

const NAME = /^[a-zA-Z0-9][\w.-]{0,100}$/;

export function registerFleetSchedule(fleet: Command): void {
  addTimingOptions(
    addFleetRequestOptions(
      fleet.command('schedule').description('create the schedule of a fleet (id sched-fleet-<name>)'),
    ),
    false,
  )
    .requiredOption('--name <name>', 'fleet name: schedule sched-fleet-<name>, runs fleet-<name>-<fire time>')
    .option('--paused', 'create it paused')
    .option('--json', 'print {"scheduleId": ...}')
    .addHelpText(
      'after',
      `
Example:
  $ atlas-backup fleet schedule --name nightly --all-projects --tag env=prod --cron "0 2 * * *" --timezone UTC

Overlap defaults to skip: a fire while the previous fleet run is still going is skipped. Manage it
with 'atlas-backup schedule pause|trigger|describe|delete sched-fleet-<name>'.`,
    )
    .action(
      act(
        async (flags: FleetFlags & TimingFlags & { name: string; paused?: boolean; json?: boolean }, cmd: Command) => {
          if (!NAME.test(flags.name)) throw new UsageError('--name must be 1-101 letters, digits, ".", "_" or "-"');
          const globals = cmd.optsWithGlobals<GlobalFlags>();
          const input = buildFleetRequest(flags);
          const spec = specOf(flags, true)!;
          const scheduleId = fleetScheduleIdFor(flags.name);
          return withClient(globals, ({ client }) =>
            createNewSchedule(
              client,
              {
                scheduleId,
                spec,
                // Temporal appends the fire time: fleet-<name>-2026-11-22T02:00:00Z (also the children's FleetId).
                action: {
                  type: 'startWorkflow',
                  workflowType: fleetBackup,
                  args: [input],
                  taskQueue: taskQueueOf(globals),
                  workflowId: scheduledFleetWorkflowId(flags.name),
                },
                ...policiesAndState(flags),
              },
              flags.json,
            ),
          );
        },
      ),
    );
}
