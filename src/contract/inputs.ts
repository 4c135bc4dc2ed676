// Workflow inputs: one zod schema each, the single source of their types. The CLI validates with
// them before a workflow starts; the workflow validates again on entry (a start from another
// client, the Temporal UI or a Schedule must meet the same rules). Pure: safe in the workflow sandbox.
import { z } from 'zod';
import { schema, type InputOf, type OutputOf } from './shared.js';
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from './ids.js';
import { addProblems, backoffProblems, int32Problems, secondsProblems, type RuleProblem } from './input-rules.js';
import { customDataProblems, downloadTargetProblems, stepDeadlineProblems } from './input-rules.js';
import { notifySchema } from './notifications.js';
import { overwriteConsentProblems } from './overwrite-consent.js';
import { exportVerifySchema, pipelineRestoreVerifySchema } from './verification.js';

/** The oldest time Atlas accepts for pointInTimeUTCSeconds and oplogTs: 2008-01-01. */
export const MIN_PIT_SECONDS = 1199145600;

// zod resets a pattern's lastIndex before each test, and the SDK freezes the exported patterns of a
// preloaded module: each schema gets its own copy of the pattern.
export const atlasId = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .regex(new RegExp(ID_PATTERN), { error: `${what} must be a 24-character hex id (^([a-f0-9]{24})$)` });
export const clusterName = (what: string) =>
  z
    .string({ error: `${what} is required` })
    .min(1, { error: `${what} is required` })
    .max(64, { error: `${what} must be at most 64 characters` })
    .regex(new RegExp(CLUSTER_NAME_PATTERN), {
      error: `${what} must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (letters, digits, hyphens; not starting with a hyphen)`,
    });

const positiveSeconds = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number of seconds` })
    .positive({ error: `${what} must be > 0` })
    .max(max, { error: `${what} must be at most ${max} seconds` });

/**
 * Polling of long-running Atlas jobs: starts short, backs off to a cap (retry-as-poll). The defaults
 * (4 s, doubling, 40 s cap) see a short job soon and read a long one a few dozen times, not hundreds.
 * Once the cluster has a completed pipeline, its snapshot and restore waits read around the
 * learned duration instead (activities/expected-end.ts), so a long job is seen seconds late.
 */
export const pollingSchema = schema(() =>
  z
    .strictObject({
      initialIntervalSeconds: positiveSeconds('polling.initialIntervalSeconds', 3600).default(4),
      maximumIntervalSeconds: positiveSeconds('polling.maximumIntervalSeconds', 3600).default(40),
      backoffCoefficient: z.number().min(1, { error: 'polling.backoffCoefficient must be >= 1' }).max(10).default(2),
    })
    .refine((p) => p.maximumIntervalSeconds >= p.initialIntervalSeconds, {
      error: 'polling.maximumIntervalSeconds must be >= polling.initialIntervalSeconds',
      path: ['maximumIntervalSeconds'],
    }),
);

/** Retries of Atlas calls that fail with 409, 429, 5xx or network errors. */
export const retrySchema = schema(() =>
  z.strictObject({
    initialIntervalSeconds: positiveSeconds('retry.initialIntervalSeconds', 3600).default(1),
    maximumIntervalSeconds: positiveSeconds('retry.maximumIntervalSeconds', 3600).default(60),
    backoffCoefficient: z.number().min(1).max(10).default(2),
  }),
);

/** Overall deadline of each step (Temporal scheduleToClose), including every retry and poll. */
export const timeoutsSchema = schema(() =>
  z.strictObject({
    callSeconds: positiveSeconds('timeouts.callSeconds', 3600).default(60),
    snapshotSeconds: positiveSeconds('timeouts.snapshotSeconds', 7 * 86400).default(6 * 3600),
    exportSeconds: positiveSeconds('timeouts.exportSeconds', 7 * 86400).default(24 * 3600),
    restoreSeconds: positiveSeconds('timeouts.restoreSeconds', 7 * 86400).default(24 * 3600),
  }),
);

export const restoreSchema = schema(() =>
  z
    .strictObject({
      deliveryType: z.enum(['automated', 'download', 'pointInTime'], {
        error: 'restore.deliveryType must be one of automated, download, pointInTime',
      }),
      targetGroupId: atlasId('restore.targetGroupId').optional(),
      targetClusterName: clusterName('restore.targetClusterName').optional(),
      pointInTimeUTCSeconds: z
        .number()
        .int()
        .min(MIN_PIT_SECONDS, { error: `restore.pointInTimeUTCSeconds must be >= ${MIN_PIT_SECONDS} (2008-01-01)` })
        .optional(),
      oplogTs: z
        .number()
        .int()
        .min(MIN_PIT_SECONDS, { error: `restore.oplogTs must be >= ${MIN_PIT_SECONDS}` })
        .optional(),
      oplogInc: z.number().int().min(1, { error: 'restore.oplogInc must be >= 1' }).optional(),
      // Overwrite consent (rules in overwrite-consent.ts): the cluster the caller agrees to overwrite.
      overwrite: clusterName('restore.overwrite').optional(),
      /** Who gave the consent at start (the CLI records its operator); kept in the run's status. */
      consentBy: z.string().max(200, { error: 'restore.consentBy must be at most 200 characters' }).optional(),
      /** The target is production: the restore waits for approve/reject, as a DR run does. */
      production: z.boolean({ error: 'restore.production must be true or false' }).optional(),
      approvalTimeoutSeconds: positiveSeconds('restore.approvalTimeoutSeconds', 7 * 86400).optional(),
      /** Read the restored target's data before the run ends (opt-in; needs Project Database Access Admin). */
      verify: pipelineRestoreVerifySchema().optional(),
    })
    .superRefine((r, ctx) => {
      checkRestoreRules(r, ctx, 'restore');
      if (r.verify && r.deliveryType === 'download')
        ctx.addIssue({ code: 'custom', path: ['verify'], message: VERIFY_NEEDS_TARGET('restore.verify') });
    }),
);

/** A download restore leaves no cluster behind to read. */
export const VERIFY_NEEDS_TARGET = (field: string) =>
  `${field} needs a target cluster to read: use deliveryType automated or pointInTime (a download restore has none)`;

/** The fields Atlas's restore-job rules read (spelled out: the schema's own type would be circular). */
interface RestoreFields {
  deliveryType: 'automated' | 'download' | 'pointInTime';
  targetGroupId?: string;
  targetClusterName?: string;
  pointInTimeUTCSeconds?: number;
  oplogTs?: number;
  oplogInc?: number;
}

/** Seed 003's rules for a restore request (the DR input states them in its own what/target terms). */
function checkRestoreRules(r: Partial<RestoreFields>, ctx: z.RefinementCtx, prefix: string): void {
  const issue = (path: string, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message: `${prefix}.${path} ${message}` });
  if (r.deliveryType === 'automated' || r.deliveryType === 'pointInTime') {
    if (!r.targetGroupId) issue('targetGroupId', `is required when deliveryType is ${r.deliveryType}`);
    if (!r.targetClusterName) issue('targetClusterName', `is required when deliveryType is ${r.deliveryType}`);
  }
  const hasPit = r.pointInTimeUTCSeconds !== undefined;
  const hasOplog = r.oplogTs !== undefined || r.oplogInc !== undefined;
  if (r.deliveryType === 'pointInTime') {
    if (hasPit && hasOplog)
      issue('pointInTimeUTCSeconds', 'and oplogTs/oplogInc are mutually exclusive: give one form of the point in time');
    if (!hasPit && !hasOplog)
      issue('pointInTimeUTCSeconds', 'or oplogTs + oplogInc is required when deliveryType is pointInTime');
    if (hasOplog && (r.oplogTs === undefined || r.oplogInc === undefined))
      issue(
        r.oplogTs === undefined ? 'oplogTs' : 'oplogInc',
        'is required with the other oplog field (oplogTs + oplogInc)',
      );
  } else if (hasPit || hasOplog) {
    issue(hasPit ? 'pointInTimeUTCSeconds' : 'oplogTs', 'is only allowed when deliveryType is pointInTime');
  }
}

export const customDataSchema = schema(() =>
  z
    .array(
      z.strictObject({
        key: z.string().min(1, { error: 'export.customData[].key must not be empty' }),
        value: z.string(),
      }),
    )
    .max(18, { error: 'export.customData allows at most 18 entries (the pipeline adds 2 that tag the run)' }),
);

/** The pipeline input as the first release checked it; workflows add the later rules under their patches. */
export const backupPipelineBaseSchema = schema(() =>
  z.strictObject({
    groupId: atlasId('groupId'),
    clusterName: clusterName('clusterName'),
    snapshot: z
      .strictObject({
        description: z
          .string()
          .max(200, { error: 'snapshot.description must be at most 200 characters' })
          .default('atlas-backup-orchestrator on-demand snapshot'),
        retentionInDays: z
          .number({ error: 'snapshot.retentionInDays must be a number of days' })
          .int({ error: 'snapshot.retentionInDays must be a whole number of days' })
          .min(1, { error: 'snapshot.retentionInDays must be >= 1' })
          .default(7),
      })
      .prefault({}),
    export: z
      .strictObject({
        exportBucketId: atlasId('export.exportBucketId'),
        customData: customDataSchema().default([]),
        /** Read the exported files back from the bucket once the job succeeds (opt-in). */
        verify: exportVerifySchema().optional(),
      })
      .optional(),
    restore: restoreSchema().optional(),
    retry: retrySchema().prefault({}),
    polling: pollingSchema().prefault({}),
    timeouts: timeoutsSchema().prefault({}),
    /** Webhook notifications for this run; without it the worker's default, if any. */
    notify: notifySchema().optional(),
  }),
);

/** The rules across fields: numbers Atlas and Temporal can represent, download targets, overwrite consent. */
export function pipelineInputProblems(i: OutputOf<typeof backupPipelineBaseSchema>): RuleProblem[] {
  return [
    ...int32Problems({
      'snapshot.retentionInDays': i.snapshot.retentionInDays,
      'restore.pointInTimeUTCSeconds': i.restore?.pointInTimeUTCSeconds,
      'restore.oplogTs': i.restore?.oplogTs,
      'restore.oplogInc': i.restore?.oplogInc,
    }),
    ...backoffProblems('retry', i.retry),
    ...secondsProblems({
      'polling.initialIntervalSeconds': i.polling.initialIntervalSeconds,
      'polling.maximumIntervalSeconds': i.polling.maximumIntervalSeconds,
      'timeouts.callSeconds': i.timeouts.callSeconds,
    }),
    // A download restore with a target would have the target silently ignored.
    ...downloadTargetProblems(i.restore?.deliveryType, {
      'restore.targetGroupId': i.restore?.targetGroupId,
      'restore.targetClusterName': i.restore?.targetClusterName,
    }),
    ...customDataProblems(i.export?.customData),
    ...stepDeadlineProblems(i.timeouts),
    ...overwriteConsentProblems(i),
  ];
}

/** The pipeline input with every rule: what the CLI, the library, schedules and the workflow check. */
export const backupPipelineInputSchema = schema(() =>
  backupPipelineBaseSchema().superRefine((input, ctx) => addProblems(ctx, pipelineInputProblems(input))),
);

/** What a caller writes (defaults optional). */
export type BackupPipelineRequest = InputOf<typeof backupPipelineInputSchema>;
/** What the workflow works with (defaults applied). */
export type BackupPipelineInput = OutputOf<typeof backupPipelineInputSchema>;
export type RestoreSpec = OutputOf<typeof restoreSchema>;
export type PollingSpec = OutputOf<typeof pollingSchema>;
export type RetrySpec = OutputOf<typeof retrySchema>;
export type TimeoutsSpec = OutputOf<typeof timeoutsSchema>;

/** One line per problem, each naming the field: "groupId: groupId must be a 24-character hex id". */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    return path && !i.message.startsWith(path) && !i.message.includes(`${path} `) ? `${path}: ${i.message}` : i.message;
  });
}

export class InvalidInputError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`Invalid ${what}: ${problems.join('; ')}`);
    this.name = 'InvalidInputError';
  }
}

export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InvalidInputError(what, formatIssues(r.error));
  return r.data;
}
