// The restoreTest input, status and result: restore a snapshot of a cluster into a scratch cluster
// the caller names, verify the data, measure how long it took. One zod schema, validated by the CLI
// before start and by the workflow on entry. Pure: safe in the workflow sandbox.
import { z } from 'zod';
import { DR_POLLING_DEFAULTS } from './dr-inputs.js';
import { addProblems, backoffProblems, secondsProblems, stepDeadlineProblems } from './input-rules.js';
import { atlasId, clusterName, pollingSchema, retrySchema, timeoutsSchema } from './inputs.js';
import { notifySchema } from './notifications.js';
import { schema, type InputOf, type OutputOf } from './shared.js';
import { RESTORE_STEP_PHASES, type RunStatus } from './status.js';
import { restoreVerifySchema, type VerificationSummary } from './verification.js';

/** The failure type of a refused scratch cluster (not retryable: the project or cluster must change). */
export const SCRATCH_REFUSED = 'ScratchRefused';

/** A random pick looks back at most this far (Atlas keeps snapshots for years; a test picks among recent ones). */
export const RESTORE_TEST_MAX_WITHIN_DAYS = 3650;

const pickSchema = schema(() =>
  z
    .strictObject(
      {
        snapshotId: atlasId('pick.snapshotId').optional(),
        latest: z.literal(true, { error: 'pick.latest must be true when given' }).optional(),
        randomWithinDays: z
          .number({ error: 'pick.randomWithinDays must be a number of days' })
          .int({ error: 'pick.randomWithinDays must be a whole number of days' })
          .min(1, { error: 'pick.randomWithinDays must be >= 1' })
          .max(RESTORE_TEST_MAX_WITHIN_DAYS, {
            error: `pick.randomWithinDays must be at most ${RESTORE_TEST_MAX_WITHIN_DAYS}`,
          })
          .optional(),
      },
      { error: 'pick must be an object: { latest: true } | { randomWithinDays } | { snapshotId }' },
    )
    .refine((p) => [p.snapshotId, p.latest, p.randomWithinDays].filter((v) => v !== undefined).length <= 1, {
      error: 'pick must give at most one of snapshotId, latest: true, randomWithinDays (they are mutually exclusive)',
    }),
);

const scratchSchema = schema(() =>
  z.strictObject(
    {
      groupId: atlasId('scratch.groupId'),
      clusterName: clusterName('scratch.clusterName'),
      /** Consent to overwrite: the scratch cluster's name again (as restore.overwrite in a pipeline). */
      overwrite: z.string({ error: 'scratch.overwrite must be a string' }).optional(),
    },
    { error: 'scratch is required: { groupId, clusterName, overwrite } (the cluster the test restores into)' },
  ),
);

export const restoreTestBaseSchema = schema(() =>
  z
    .strictObject({
      source: z.strictObject(
        { groupId: atlasId('source.groupId'), clusterName: clusterName('source.clusterName') },
        { error: 'source is required: { groupId, clusterName } (the cluster whose backups are tested)' },
      ),
      pick: pickSchema().prefault({}),
      scratch: scratchSchema(),
      /** Always on for a restore test; these refine it (tolerance, validation queries). */
      verify: restoreVerifySchema().prefault({}),
      retry: retrySchema().prefault({}),
      polling: pollingSchema().prefault(DR_POLLING_DEFAULTS),
      timeouts: timeoutsSchema().prefault({}),
      notify: notifySchema().optional(),
    })
    .superRefine((r, ctx) => {
      const issue = (path: string[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const { scratch, source } = r;
      if (scratch.groupId === source.groupId && scratch.clusterName === source.clusterName)
        issue(
          ['scratch', 'clusterName'],
          `scratch.clusterName must not be the source cluster '${source.clusterName}' itself: a restore test ` +
            'overwrites its scratch cluster; name a cluster kept for restore tests',
        );
      else if (scratch.overwrite === undefined)
        issue(
          ['scratch', 'overwrite'],
          `scratch.overwrite is required: a restore test overwrites all data of cluster '${scratch.clusterName}' ` +
            `in project ${scratch.groupId}. To consent, name it: scratch.overwrite = '${scratch.clusterName}' ` +
            `(CLI: --overwrite ${scratch.clusterName})`,
        );
      else if (scratch.overwrite !== scratch.clusterName)
        issue(
          ['scratch', 'overwrite'],
          `scratch.overwrite ('${scratch.overwrite}') must name the scratch cluster ('${scratch.clusterName}'): ` +
            'consent is given for the cluster that is overwritten',
        );
    }),
);

/** The restoreTest input with every rule: what the CLI, schedules, fleets and the workflow check. */
export const restoreTestInputSchema = schema(() =>
  restoreTestBaseSchema().superRefine((i, ctx) =>
    addProblems(ctx, [
      ...backoffProblems('retry', i.retry),
      ...secondsProblems({
        'polling.initialIntervalSeconds': i.polling.initialIntervalSeconds,
        'polling.maximumIntervalSeconds': i.polling.maximumIntervalSeconds,
        'timeouts.callSeconds': i.timeouts.callSeconds,
      }),
      ...stepDeadlineProblems(i.timeouts),
    ]),
  ),
);

export type RestoreTestRequest = InputOf<typeof restoreTestInputSchema>;
export type RestoreTestInput = OutputOf<typeof restoreTestInputSchema>;

export const RESTORE_TEST_PHASES = [
  'starting',
  'checking-scratch',
  'selecting-snapshot',
  ...RESTORE_STEP_PHASES,
  'completed',
  'failed',
  'cancelled',
] as const;
export type RestoreTestPhase = (typeof RESTORE_TEST_PHASES)[number];

/** The status (query `status`): the run's steps plus what is tested where, filled in as it goes. */
export interface RestoreTestStatus extends RunStatus<RestoreTestPhase> {
  scratch: { groupId: string; clusterName: string };
  pick: 'latest' | 'random' | 'given';
  snapshot?: { id: string; takenAt?: string; ageSeconds?: number };
  /** Trigger → verified, seconds (set when the data verified). */
  rtoSeconds?: number;
}

export interface RestoreTestReport {
  outcome: 'completed' | 'failed' | 'cancelled';
  workflowId: string;
  source: { groupId: string; clusterName: string };
  scratch: { groupId: string; clusterName: string };
  snapshotId?: string;
  snapshotTimestamp?: string;
  /** The snapshot's age when the restore was created (restore start − snapshot taken), seconds. */
  snapshotAgeSeconds?: number;
  /** Trigger (run start) → data verified, seconds; absent when the data did not verify. */
  rtoSeconds?: number;
  restoreJobId?: string;
  verification?: VerificationSummary;
  startedAt: string;
  endedAt: string;
  status: RestoreTestStatus;
}
