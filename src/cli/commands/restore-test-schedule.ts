// `restore-test schedule create|list|describe|pause|trigger|delete`: a Temporal Schedule that starts
// restoreTest for one cluster, with the timing and policy options of `schedule create`; the other
// verbs are the `schedule` ones (they work on any schedule by id).
import type { Command } from 'commander';
import { AtlasCluster, AtlasProject, restoreTestScheduleIdFor, restoreTestWorkflowId } from '../../contract/index.js';
import { restoreTest } from '../../workflows/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../connect.js';
import { act } from '../errors.js';
import { addRequestFlags } from '../parse.js';
import { buildRestoreTestRequest, RESTORE_TEST_FLAGS, restoreTestSearchAttributes } from './restore-test.js';
import type { RestoreTestFlags } from './restore-test.js';
import { registerScheduleDelete } from './schedule/delete.js';
import { registerScheduleDescribe } from './schedule/describe.js';
import { createNewSchedule } from './schedule/existing.js';
import { registerScheduleList } from './schedule/list.js';
import { registerSchedulePause } from './schedule/pause.js';
import { addTimingOptions, policiesAndState, specOf, type TimingFlags } from './schedule/spec.js';
import { registerScheduleTrigger } from './schedule/trigger.js';

type CreateFlags = RestoreTestFlags & TimingFlags & { id?: string; paused?: boolean; json?: boolean };

const EXAMPLE = `
Example:
  $ atlas-backup restore-test schedule create --source-project 65f1a0c0a1b2c3d4e5f60001 --source-cluster orders \\
      --scratch-project 65f1a0c0a1b2c3d4e5f60001 --scratch-cluster restore-scratch --overwrite restore-scratch \\
      --random-within-days 7 --cron "0 4 * * 0" --timezone Europe/Paris

Overlap defaults to skip: a fire while the previous test of the cluster is still going is skipped.`;

function registerCreate(schedule: Command): void {
  const create = schedule
    .command('create')
    .description('create the restore-test schedule of a cluster (id sched-restore-test-<cluster>-<groupId>)')
    .option('-f, --file <path>', 'request as JSON or YAML (the restoreTest input); flags override its fields');
  addTimingOptions(addRequestFlags(create, RESTORE_TEST_FLAGS), false)
    .option('--id <scheduleId>', 'schedule id (default sched-restore-test-<cluster>-<groupId>)')
    .option('--paused', 'create it paused')
    .option('--json', 'print {"scheduleId": ...}')
    .addHelpText('after', EXAMPLE)
    .action(
      act(async (flags: CreateFlags, cmd: Command) => {
        const globals = cmd.optsWithGlobals<GlobalFlags>();
        const input = buildRestoreTestRequest(flags);
        const spec = specOf(flags, true)!;
        const { groupId, clusterName } = input.source;
        const scheduleId = flags.id ?? restoreTestScheduleIdFor(groupId, clusterName);
        return withClient(globals, ({ client }) =>
          createNewSchedule(
            client,
            {
              scheduleId,
              spec,
              action: {
                type: 'startWorkflow',
                workflowType: restoreTest,
                args: [input],
                taskQueue: taskQueueOf(globals),
                // Temporal appends the fire time.
                workflowId: restoreTestWorkflowId(groupId, clusterName),
                typedSearchAttributes: restoreTestSearchAttributes(input),
                memo: { scheduleCron: flags.cron ?? [] },
              },
              ...policiesAndState(flags),
              typedSearchAttributes: [
                { key: AtlasProject, value: groupId },
                { key: AtlasCluster, value: clusterName },
              ],
            },
            flags.json,
          ),
        );
      }),
    );
}

export function registerRestoreTestSchedule(parent: Command): void {
  const schedule = parent.command('schedule').description('Temporal Schedules that run restore tests');
  for (const register of [
    registerCreate,
    registerScheduleList,
    registerScheduleDescribe,
    registerSchedulePause,
    registerScheduleTrigger,
    registerScheduleDelete,
  ])
    register(schedule);
}
