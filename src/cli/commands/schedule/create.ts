// `schedule create`: a Temporal Schedule that starts backupPipeline for one cluster.
import type { Command } from 'commander';
import { AtlasCluster, AtlasProject } from '../../../contract/index.js';
import { taskQueueOf, withClient, type GlobalFlags } from '../../connect.js';
import { act } from '../../errors.js';
import { scheduleIdFor } from '../../../runs/index.js';
import { addRequestOptions, buildBackupRequest, type RequestFlags } from '../request.js';
import { createNewSchedule } from './existing.js';
import { addPreflightOption, preflightSchedule } from './preflight.js';
import { actionOf, addTimingOptions, policiesAndState, specOf, type TimingFlags } from './spec.js';

// Parts of the help examples, named to keep the example lines short.
const NIGHTLY_IN_PARIS = '--cron "0 3 * * *" --timezone Europe/Paris';
const POLICIES = '--overlap skip --catchup-window 1h --pause-on-failure';

export function registerScheduleCreate(schedule: Command): void {
  addPreflightOption(
    addTimingOptions(
      addRequestOptions(
        schedule
          .command('create')
          .description('create the schedule of a cluster (id sched-backup-<cluster>-<groupId>)'),
      ),
      false,
    ),
  )
    .option('--id <scheduleId>', 'schedule id (default sched-backup-<cluster>-<groupId>)')
    .option('--paused', 'create it paused')
    .option('--json', 'print {"scheduleId": ...}')
    .addHelpText(
      'after',
      `
Examples:
  $ atlas-backup schedule create -p 65f1a0c0a1b2c3d4e5f60001 -c demo-cluster ${NIGHTLY_IN_PARIS} --jitter 10m
  $ atlas-backup schedule create --file nightly.yaml --every 6h ${POLICIES} --note "INC-42 policy"

Overlap defaults to skip: a fire while the cluster's previous scheduled run is still going is skipped.
The request is checked against Atlas first (the run's pre-flight, on a worker): a typo fails now, not at 3 am.`,
    )
    .action(
      act(
        async (
          flags: RequestFlags & TimingFlags & { id?: string; paused?: boolean; json?: boolean; preflight: boolean },
          cmd: Command,
        ) => {
          const globals = cmd.optsWithGlobals<GlobalFlags>();
          const input = buildBackupRequest(flags);
          const spec = specOf(flags, true)!;
          const scheduleId = flags.id ?? scheduleIdFor(input.groupId, input.clusterName);
          return withClient(globals, async ({ client }) => {
            if (flags.preflight)
              await preflightSchedule(client, taskQueueOf(globals), input, `schedule ${scheduleId} not created`);
            return createNewSchedule(
              client,
              {
                scheduleId,
                spec,
                action: { ...actionOf(input, taskQueueOf(globals)), memo: { scheduleCron: flags.cron ?? [] } },
                ...policiesAndState(flags),
                typedSearchAttributes: [
                  { key: AtlasProject, value: input.groupId },
                  { key: AtlasCluster, value: input.clusterName },
                ],
              },
              flags.json,
              `change it with 'schedule update ${scheduleId}' or delete it first`,
            );
          });
        },
      ),
    );
}
