// The disasterRecovery input: one zod schema, Atlas's restore-job rules applied to a DR request.
// Validated by the CLI before start and by the workflow on entry. Pure: safe in the workflow sandbox.
import { z } from 'zod';
import { schema, type InputOf, type OutputOf } from './shared.js';
import {
  MIN_PIT_SECONDS,
  VERIFY_NEEDS_TARGET,
  atlasId,
  clusterName,
  pollingSchema,
  retrySchema,
  timeoutsSchema,
} from './inputs.js';
import { addProblems, backoffProblems, int32Problems, secondsProblems, type RuleProblem } from './input-rules.js';
import { DOWNLOAD_HAS_NO_TARGET, stepDeadlineProblems } from './input-rules.js';
import { notifySchema } from './notifications.js';
import { restoreVerifySchema } from './verification.js';
import { collectionRestoreProblems, collectionRestoreSchema } from './collection-restore.js';

export const DR_POLLING_DEFAULTS = { initialIntervalSeconds: 2, maximumIntervalSeconds: 15, backoffCoefficient: 1.5 };

export const SOURCE_KINDS = ['dedicated', 'serverless', 'flex'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];
export const DR_DELIVERY_TYPES = ['automated', 'download', 'pointInTime'] as const;
export type DrDeliveryType = (typeof DR_DELIVERY_TYPES)[number];

const sourceSchema = schema(() =>
  z.strictObject({
    kind: z.enum(SOURCE_KINDS, { error: `source.kind must be one of ${SOURCE_KINDS.join(', ')}` }),
    groupId: atlasId('source.groupId'),
    clusterName: clusterName('source.clusterName'),
  }),
);

/** Exactly one of: a snapshot id, the latest completed snapshot, or a point in time (two forms). */
const whatSchema = schema(() =>
  z.strictObject(
    {
      snapshotId: atlasId('what.snapshotId').optional(),
      latest: z.literal(true, { error: 'what.latest must be true when given' }).optional(),
      pointInTimeUTCSeconds: z
        .number({ error: 'what.pointInTimeUTCSeconds must be a number of seconds' })
        .int({ error: 'what.pointInTimeUTCSeconds must be a whole number of seconds' })
        .min(MIN_PIT_SECONDS, { error: `what.pointInTimeUTCSeconds must be >= ${MIN_PIT_SECONDS} (2008-01-01)` })
        .optional(),
      oplogTs: z
        .number({ error: 'what.oplogTs must be a number of seconds' })
        .int({ error: 'what.oplogTs must be a whole number' })
        .min(MIN_PIT_SECONDS, { error: `what.oplogTs must be >= ${MIN_PIT_SECONDS}` })
        .optional(),
      oplogInc: z
        .number({ error: 'what.oplogInc must be a number' })
        .int({ error: 'what.oplogInc must be a whole number' })
        .min(1, { error: 'what.oplogInc must be >= 1' })
        .optional(),
    },
    {
      error: 'what is required: { snapshotId } | { latest: true } | { pointInTimeUTCSeconds } | { oplogTs, oplogInc }',
    },
  ),
);

const targetSchema = schema(() =>
  z.strictObject({
    groupId: atlasId('target.groupId'),
    clusterName: clusterName('target.clusterName'),
    /** A production target always needs an approval before anything is overwritten. */
    production: z.boolean({ error: 'target.production must be true or false' }).default(false),
  }),
);

const approvalSchema = schema(() =>
  z.strictObject({
    required: z.boolean({ error: 'approval.required must be true or false' }).default(false),
    timeoutSeconds: z
      .number({ error: 'approval.timeoutSeconds must be a number of seconds' })
      .positive({ error: 'approval.timeoutSeconds must be > 0' })
      .max(7 * 86400, { error: 'approval.timeoutSeconds must be at most 604800 (7 days)' })
      .default(3600),
  }),
);

/** The DR input as the first release checked it; workflows add the later rules under their patches. */
export const disasterRecoveryBaseSchema = schema(() =>
  z
    .strictObject({
      source: sourceSchema(),
      what: whatSchema(),
      target: targetSchema().optional(),
      deliveryType: z
        .enum(DR_DELIVERY_TYPES, { error: `deliveryType must be one of ${DR_DELIVERY_TYPES.join(', ')}` })
        .optional(),
      approval: approvalSchema().prefault({}),
      retry: retrySchema().prefault({}),
      // Recovery time beats request count during an incident: poll at most every 15 s by default
      // (the pipeline's default cap is 60 s), so a finished restore is noticed within seconds.
      polling: pollingSchema().prefault(DR_POLLING_DEFAULTS),
      timeouts: timeoutsSchema().prefault({}),
      /** Webhook notifications for this run; without it the worker's default, if any. */
      notify: notifySchema().optional(),
      /** Read the restored target's data before the run ends (opt-in; needs Project Database Access Admin). */
      verify: restoreVerifySchema().optional(),
      /** Restore only these collections or databases (an Atlas collection restore job), not the cluster. */
      collectionRestore: collectionRestoreSchema().optional(),
    })
    .superRefine((r, ctx) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const w = r.what;
      const hasPit = w.pointInTimeUTCSeconds !== undefined;
      const hasOplog = w.oplogTs !== undefined || w.oplogInc !== undefined;
      const forms = [w.snapshotId !== undefined, w.latest === true, hasPit, hasOplog].filter(Boolean).length;
      const whatForms = 'snapshotId, latest: true, pointInTimeUTCSeconds, or oplogTs + oplogInc';
      if (forms === 0) issue(['what'], `what must give one of ${whatForms}`);
      if (forms > 1) issue(['what'], `what must give exactly one of ${whatForms} (they are mutually exclusive)`);
      if (hasOplog && (w.oplogTs === undefined || w.oplogInc === undefined)) {
        const missing = w.oplogTs === undefined ? 'oplogTs' : 'oplogInc';
        issue(['what', missing], `what.${missing} is required with the other oplog field (oplogTs + oplogInc)`);
      }
      const pit = hasPit || hasOplog;
      if (pit && r.source.kind !== 'dedicated') {
        const field = hasPit ? 'pointInTimeUTCSeconds' : 'oplogTs';
        issue(
          ['what', field],
          `what.${field}: point-in-time restore is not available for ${r.source.kind} sources; ` +
            'restore a snapshot (what.snapshotId or what.latest) instead',
        );
      }
      const delivery = resolveDeliveryType(r);
      if (pit && r.deliveryType !== undefined && r.deliveryType !== 'pointInTime')
        issue(
          ['deliveryType'],
          `deliveryType must be pointInTime (or omitted) when what gives a point in time, not ${r.deliveryType}`,
        );
      if (!pit && r.deliveryType === 'pointInTime')
        issue(
          ['deliveryType'],
          'deliveryType pointInTime needs what.pointInTimeUTCSeconds or what.oplogTs + what.oplogInc',
        );
      // Dedicated and flex clusters can hand out a download link (flex: downloadFlexBackup); serverless cannot.
      if (r.deliveryType === 'download' && r.source.kind === 'serverless')
        issue(
          ['deliveryType'],
          'deliveryType download is only supported for dedicated and flex sources; serverless sources restore ' +
            'automated into a target (an instance migrated to flex downloads with source.kind flex)',
        );
      // Seed 003: automated and pointInTime restores need a target cluster and project.
      if (delivery !== 'download' && !r.target)
        issue(['target'], `target (groupId, clusterName) is required when deliveryType is ${delivery}`);
      if (delivery === 'download' && r.target) issue(['target'], `target ${DOWNLOAD_HAS_NO_TARGET}`);
      if (delivery === 'download' && r.verify) issue(['verify'], VERIFY_NEEDS_TARGET('verify'));
    })
    .transform((r) => ({ ...r, deliveryType: resolveDeliveryType(r) })),
);

/** The rules across fields: numbers Atlas and Temporal can represent. */
export function drInputProblems(i: OutputOf<typeof disasterRecoveryBaseSchema>): RuleProblem[] {
  return [
    ...int32Problems({
      'what.pointInTimeUTCSeconds': i.what.pointInTimeUTCSeconds,
      'what.oplogTs': i.what.oplogTs,
      'what.oplogInc': i.what.oplogInc,
    }),
    ...backoffProblems('retry', i.retry),
    ...secondsProblems({
      'polling.initialIntervalSeconds': i.polling.initialIntervalSeconds,
      'polling.maximumIntervalSeconds': i.polling.maximumIntervalSeconds,
      'timeouts.callSeconds': i.timeouts.callSeconds,
      'approval.timeoutSeconds': i.approval.timeoutSeconds,
    }),
    ...stepDeadlineProblems(i.timeouts),
    ...collectionRestoreProblems(i),
  ];
}

/** The DR input with every rule: what the CLI, the library, schedules and the workflow check. */
export const disasterRecoveryInputSchema = schema(() =>
  disasterRecoveryBaseSchema().superRefine((input, ctx) => addProblems(ctx, drInputProblems(input))),
);

function resolveDeliveryType(r: {
  deliveryType?: DrDeliveryType;
  what: { pointInTimeUTCSeconds?: number; oplogTs?: number; oplogInc?: number };
}): DrDeliveryType {
  if (r.deliveryType) return r.deliveryType;
  return r.what.pointInTimeUTCSeconds !== undefined || r.what.oplogTs !== undefined || r.what.oplogInc !== undefined
    ? 'pointInTime'
    : 'automated';
}

/** What a caller writes (defaults optional). */
export type DisasterRecoveryRequest = InputOf<typeof disasterRecoveryInputSchema>;
/** What the workflow works with (defaults applied, deliveryType resolved). */
export type DisasterRecoveryInput = OutputOf<typeof disasterRecoveryInputSchema>;
export type DrSourceSpec = OutputOf<typeof sourceSchema>;
export type DrTargetSpec = OutputOf<typeof targetSchema>;

/** The approval gate is on for production targets or when the caller asks for it. */
export const approvalGateOn = (input: DisasterRecoveryInput): boolean =>
  input.approval.required || input.target?.production === true;
