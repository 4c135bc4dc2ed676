// Snapshot pruning: which of our on-demand snapshots to delete, by age and by count per cluster, and
// why each one stays or goes. Shared by `snapshots prune`, the pruneSnapshots workflow and its
// activities. The rule is pure: the reads it judges (snapshots, jobs in progress, running runs,
// the compliance policy) are made elsewhere.
import { z } from 'zod';
import { atlasId, clusterName } from './inputs.js';
import { schema, type InputOf, type OutputOf } from './shared.js';

export const pruneRulesSchema = schema(() =>
  z
    .strictObject({
      /** Delete our snapshots created more than this many days ago. */
      olderThanDays: z.number({ error: 'olderThanDays must be a number of days' }).positive().optional(),
      /** Keep the newest N of our completed snapshots per cluster whatever their age. */
      keepLast: z.number({ error: 'keepLast must be a whole number' }).int().min(0).optional(),
    })
    .refine((r) => r.olderThanDays !== undefined || r.keepLast !== undefined, {
      error: 'give olderThanDays (--older-than) or keepLast (--keep-last), or both: prune needs a rule',
    }),
);
export type PruneRules = OutputOf<typeof pruneRulesSchema>;

export const pruneSnapshotsInputSchema = schema(() =>
  z.strictObject({
    groupId: atlasId('groupId'),
    clusterNames: z.array(clusterName('clusterNames[]')).min(1, 'clusterNames must name at least one cluster'),
    rules: pruneRulesSchema(),
    /** False: a dry run that only reports what it would delete. */
    apply: z.boolean().default(false),
  }),
);
export type PruneSnapshotsInput = InputOf<typeof pruneSnapshotsInputSchema>;

/** One snapshot as the rule sees it. */
export interface PruneCandidate {
  id: string;
  createdAt?: string;
  status?: string;
  description?: string;
  snapshotType?: string;
}

export interface PruneDecision {
  snapshotId: string;
  createdAt?: string;
  action: 'delete' | 'keep';
  why: string;
}

export interface ClusterPrunePlan {
  groupId: string;
  clusterName: string;
  sharded: boolean;
  /** Set when nothing of this cluster may be pruned (a compliance policy, an unreadable policy). */
  refused?: string;
  decisions: PruneDecision[];
}

export interface PlanPruneInput {
  groupId: string;
  clusterName: string;
  rules: PruneRules;
}

export interface DeleteSnapshotInput {
  groupId: string;
  clusterName: string;
  snapshotId: string;
  sharded: boolean;
}
export type DeletedSnapshot = 'deleted' | 'already gone';

export interface PruneSnapshotsResult {
  apply: boolean;
  clusters: (ClusterPrunePlan & { deleted: string[] })[];
}

/** Snapshots a job or run in progress uses, each with who uses it. */
export type InUse = Map<string, string>;

/** Our snapshots carry the run's tag in their description: `[atlas-backup:<workflowId>:<runId>]`. */
export const OUR_TAG = /\[atlas-backup:([^:\]]+):([^\]]+)\]/;
export const isOurs = (s: PruneCandidate) => !!s.description && OUR_TAG.test(s.description);

const DAY_MS = 86_400_000;

/**
 * What to do with each of our completed on-demand snapshots: a snapshot goes when it is past
 * olderThanDays (if given) and not among the newest keepLast (if given), unless something in progress
 * uses it. Snapshots that are not ours, or not completed, are not listed: prune never touches them.
 */
export function decidePrune(snapshots: PruneCandidate[], rules: PruneRules, inUse: InUse, nowMs: number) {
  const ours = snapshots
    .filter((s) => isOurs(s) && s.status === 'completed' && s.snapshotType !== 'scheduled')
    .sort((a, b) => Date.parse(b.createdAt ?? '') - Date.parse(a.createdAt ?? ''));
  return ours.map((s, rank): PruneDecision => {
    const keep = (why: string): PruneDecision => ({ snapshotId: s.id, createdAt: s.createdAt, action: 'keep', why });
    const ageDays = (nowMs - Date.parse(s.createdAt ?? '')) / DAY_MS;
    const age = Number.isFinite(ageDays) ? `${Math.floor(ageDays)} days old` : 'of unknown age';
    if (rules.keepLast !== undefined && rank < rules.keepLast)
      return keep(`among the newest ${rules.keepLast} (--keep-last), ${age}`);
    if (rules.olderThanDays !== undefined && !(ageDays > rules.olderThanDays))
      return keep(`${age}, not older than ${rules.olderThanDays} days (--older-than)`);
    const user = inUse.get(s.id);
    if (user) return keep(`in use by ${user}`);
    const reasons = [
      rules.olderThanDays !== undefined ? `${age} > ${rules.olderThanDays} days` : age,
      rules.keepLast !== undefined ? `beyond the newest ${rules.keepLast}` : undefined,
    ].filter(Boolean);
    return { snapshotId: s.id, createdAt: s.createdAt, action: 'delete', why: reasons.join(', ') };
  });
}

/** The worker's prune activities (the pruneSnapshots workflow calls them). */
export interface PruneActivities {
  planSnapshotPrune(input: PlanPruneInput): Promise<ClusterPrunePlan>;
  deleteSnapshot(input: DeleteSnapshotInput): Promise<DeletedSnapshot>;
}

/** The one prune schedule of a project, and the workflow id its runs start with. */
export const pruneScheduleIdFor = (groupId: string) => `sched-prune-${groupId}`;
export const pruneWorkflowId = (groupId: string) => `prune-snapshots-${groupId}`;
