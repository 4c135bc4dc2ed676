// The fleetBackup input: which clusters (an explicit list, or discovery in projects with filters),
// the pipeline request every cluster's backupPipeline child gets, and the concurrency and history
// bounds. One zod schema, checked by the CLI, schedules and the workflow on entry.
import { z } from 'zod';
import { schema, type InputOf, type OutputOf } from './shared.js';
import { atlasId, backupPipelineBaseSchema, clusterName, customDataSchema } from './inputs.js';
import { notifySchema } from './notifications.js';

const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(min, { error: `${what} must be >= ${min}` })
    .max(max, { error: `${what} must be at most ${max}` });

export const fleetTargetSchema = schema(() =>
  z.strictObject({
    groupId: atlasId('targets.clusters[].groupId'),
    clusterName: clusterName('targets.clusters[].clusterName'),
  }),
);

/** Cluster types a fleet can back up: dedicated clusters only (serverless and flex have no on-demand snapshot). */
export const FLEET_CLUSTER_TYPES = ['REPLICASET', 'SHARDED', 'GEOSHARDED'] as const;

export const fleetFilterSchema = schema(() =>
  z.strictObject({
    /** A glob on the cluster name: `*` any run of characters, `?` one character; case-sensitive. */
    namePattern: z
      .string()
      .min(1, { error: 'filter.namePattern must not be empty' })
      .max(200, { error: 'filter.namePattern must be at most 200 characters' })
      .optional(),
    clusterTypes: z
      .array(z.enum(FLEET_CLUSTER_TYPES, { error: `filter.clusterTypes[] must be one of ${FLEET_CLUSTER_TYPES}` }))
      .min(1, { error: 'filter.clusterTypes must name at least one type' })
      .optional(),
    /** Atlas resource tags the cluster must carry, every one of them (key and value, case-sensitive). */
    tags: z
      .array(
        z.strictObject({
          key: z.string().min(1, { error: 'filter.tags[].key must not be empty' }),
          value: z.string(),
        }),
      )
      .optional(),
  }),
);

/**
 * Clusters one fleet backs up at most. Its input, the queue and the reports it carries through each
 * continue-as-new are Temporal payloads (2 MB at most): an explicit list of 10,000 takes about 620 KB
 * in the request and as much again in the queue (workflows/fleet-reports.ts keeps the reports within
 * what is left). Discovery that finds more fails the fleet before it starts a child.
 */
export const MAX_FLEET_CLUSTERS = 10_000;
/** Children a fleet run starts before it continues as new, when the input gives no batchSize. */
export const FLEET_BATCH_SIZE = 1000;
export const TOO_MANY_CLUSTERS =
  `targets.clusters must list at most ${MAX_FLEET_CLUSTERS} clusters (a fleet's input and state are ` +
  'Temporal payloads of at most 2 MB): split the list into several fleets, e.g. by project';

export const fleetBackupInputSchema = schema(() =>
  z
    .strictObject({
      targets: z.strictObject({
        /** Back up exactly these clusters (filters do not apply). */
        clusters: z
          .array(fleetTargetSchema())
          .min(1, { error: 'targets.clusters must not be empty' })
          .max(MAX_FLEET_CLUSTERS, { error: TOO_MANY_CLUSTERS })
          .optional(),
        /** Discover the dedicated clusters of these projects. */
        projects: z
          .array(atlasId('targets.projects[]'))
          .min(1, { error: 'targets.projects must not be empty' })
          .optional(),
        /** Discover the dedicated clusters of every project the credentials can see. */
        allProjects: z.literal(true, { error: 'targets.allProjects can only be true' }).optional(),
      }),
      filter: fleetFilterSchema().prefault({}),
      snapshot: backupPipelineBaseSchema().shape.snapshot,
      /** Buckets belong to projects: each project's clusters export to its bucket; other projects only snapshot. */
      export: z
        .strictObject({
          bucketsByProject: z.record(atlasId('export.bucketsByProject key'), atlasId('export.bucketsByProject value')),
          customData: customDataSchema().default([]),
        })
        .optional(),
      retry: backupPipelineBaseSchema().shape.retry,
      polling: backupPipelineBaseSchema().shape.polling,
      timeouts: backupPipelineBaseSchema().shape.timeouts,
      concurrency: z
        .strictObject({
          max: whole('concurrency.max', 1, 1000).default(20),
          perProject: whole('concurrency.perProject', 1, 1000).default(5),
        })
        .prefault({}),
      /** Webhook for the fleet's summary (fleet.summary); children use the worker's default. */
      notify: notifySchema().optional(),
      /**
       * Children per run before continue-as-new (a run also continues when Temporal suggests it), which
       * bounds the fleet's history whatever its size. Not given: FLEET_BATCH_SIZE (1,000).
       */
      batchSize: whole('batchSize', 1, 2000).optional(),
    })
    .superRefine((input, ctx) => {
      const given = (['clusters', 'projects', 'allProjects'] as const).filter((k) => input.targets[k] !== undefined);
      if (given.length !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['targets'],
          message: `targets needs exactly one of clusters, projects, allProjects (got ${given.join(', ') || 'none'})`,
        });
      const filtered = input.filter.namePattern ?? input.filter.clusterTypes ?? input.filter.tags;
      if (input.targets.clusters && filtered)
        ctx.addIssue({
          code: 'custom',
          path: ['filter'],
          message: 'filter applies to discovery only: drop it, or use targets.projects / targets.allProjects',
        });
    }),
);

export type FleetBackupRequest = InputOf<typeof fleetBackupInputSchema>;
export type FleetBackupInput = OutputOf<typeof fleetBackupInputSchema>;
export type FleetTarget = OutputOf<typeof fleetTargetSchema>;
export type FleetFilter = OutputOf<typeof fleetFilterSchema>;

/** The glob of filter.namePattern as an anchored regex (everything but `*` and `?` is literal). */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
