// The one rule for "when did this cluster last succeed", shared by the RPO gauges (src/telemetry)
// and `report` (src/client/coverage.ts). A backup counts from the moment Atlas took its snapshot
// (the data's currency, which is what an RPO is about), not from when the run closed; an export
// from the run's close; a restore from the restore's finish, or a completed disasterRecovery's or
// restoreTest's close. A verified restore (its data read and found as the snapshot held it) counts
// at the close of a completed restoreTest, or of a pipeline or DR run whose result says its
// verification passed.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import {
  AtlasCluster,
  AtlasProject,
  type DrReport,
  type PipelineResult,
  type RestoreTestReport,
} from '../contract/index.js';
import { succeededRunsQuery, type RunType } from './query.js';

export type SuccessKind = 'backup' | 'export' | 'restore' | 'verified';
export const SUCCESS_KINDS: readonly SuccessKind[] = ['backup', 'export', 'restore', 'verified'];

/** A closed run's result, as far as the rule reads it. */
export type RunResultRead = PipelineResult | DrReport | RestoreTestReport;

export interface Success {
  at: Date;
  workflowId: string;
  runId: string;
}
export type Successes = Partial<Record<SuccessKind, Success>>;

/** The run's own fields the rule reads. */
export type ClosedRun = Pick<WorkflowExecutionInfo, 'type' | 'workflowId' | 'runId' | 'closeTime'>;

const timeOr = (iso: string | undefined, fallback: Date) => {
  const t = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(t) ? fallback : new Date(t);
};

/**
 * What one run that completed its work proves. `result` undefined: the pipeline's result could not
 * be read (history gone, not decodable here), and the run still counts as a backup at its close.
 */
export function successesOf(run: ClosedRun, result: RunResultRead | undefined): Successes {
  const closed = run.closeTime;
  if (!closed) return {};
  const at = (when: Date): Success => ({ at: when, workflowId: run.workflowId, runId: run.runId });
  if (run.type === 'restoreTest') return { restore: at(closed), verified: at(closed) };
  if (run.type === 'disasterRecovery')
    return {
      restore: at(closed),
      ...((result as DrReport | undefined)?.verification?.ok ? { verified: at(closed) } : {}),
    };
  const p = result as PipelineResult | undefined;
  if (p && p.outcome !== 'completed') return {};
  const out: Successes = { backup: at(timeOr(p?.snapshot?.createdAt, closed)) };
  if (p?.export) out.export = at(closed);
  if (p?.restore) out.restore = at(timeOr(p.restore.finishedAt, closed));
  if (p?.restore?.verification?.ok) out.verified = at(closed);
  return out;
}

/** A run's result; undefined when its history is gone (retention) or cannot be decoded here. */
export async function pipelineResultOf(client: Client, run: ClosedRun): Promise<RunResultRead | undefined> {
  try {
    return (await client.workflow.getHandle(run.workflowId, run.runId).result()) as RunResultRead;
  } catch {
    return undefined;
  }
}

/** Whether the rule needs the run's result: a pipeline's always, a DR run's only for `verified`. */
const needsResult = (run: ClosedRun, verifiedCanImprove: boolean) =>
  run.type === 'backupPipeline' || (run.type === 'disasterRecovery' && verifiedCanImprove);

export interface LastSuccessReadOptions {
  /** Pipeline results read at most (each is one RPC). */
  maxResultReads: number;
  /** Times already known (ms): a run closed before all of them cannot improve any. */
  known?: Partial<Record<SuccessKind, number>>;
}

/**
 * One cluster's newest successes among its completed runs, listed newest close first. Every time
 * a run proves is at or before its close, so the walk stops at the first run that closed before
 * every time known so far.
 */
export async function lastSuccesses(
  client: Client,
  runsNewestFirst: ClosedRun[],
  o: LastSuccessReadOptions,
): Promise<Successes> {
  const found: Successes = {};
  const floor = (k: SuccessKind) => Math.max(o.known?.[k] ?? 0, found[k]?.at.getTime() ?? 0);
  let reads = 0;
  for (const run of runsNewestFirst) {
    const closed = run.closeTime?.getTime() ?? 0;
    if (SUCCESS_KINDS.every((k) => floor(k) >= closed)) break;
    let result: RunResultRead | undefined;
    if (needsResult(run, floor('verified') < closed)) {
      if (reads++ >= o.maxResultReads) break;
      result = await pipelineResultOf(client, run);
    }
    for (const [k, s] of Object.entries(successesOf(run, result)) as [SuccessKind, Success][])
      if (s.at.getTime() > floor(k)) found[k] = s;
  }
  return found;
}

export interface ClusterRuns {
  groupId: string;
  clusterName: string;
  /** Newest close first. */
  runs: WorkflowExecutionInfo[];
}

export const clusterKey = (groupId: string, clusterName: string) => `${groupId}\u0000${clusterName}`;

/** Groups runs by the cluster their search attributes name (runs naming none are left out), newest close first. */
export function byCluster(runs: Iterable<WorkflowExecutionInfo>): Map<string, ClusterRuns> {
  const out = new Map<string, ClusterRuns>();
  for (const run of runs) {
    const groupId = run.typedSearchAttributes.get(AtlasProject);
    const clusterName = run.typedSearchAttributes.get(AtlasCluster);
    if (!groupId || !clusterName) continue;
    const k = clusterKey(groupId, clusterName);
    if (!out.has(k)) out.set(k, { groupId, clusterName, runs: [] });
    out.get(k)!.runs.push(run);
  }
  for (const c of out.values()) c.runs.sort((a, b) => (b.closeTime?.getTime() ?? 0) - (a.closeTime?.getTime() ?? 0));
  return out;
}

/** The run types the rule reads. */
export const SUCCESS_RUN_TYPES: RunType[] = ['backupPipeline', 'disasterRecovery', 'restoreTest'];

/** Runs of the rule's types that completed their work and closed after `closedAfter`, by cluster. */
export async function succeededRunsByCluster(client: Client, closedAfter: Date): Promise<Map<string, ClusterRuns>> {
  const runs: WorkflowExecutionInfo[] = [];
  for (const type of SUCCESS_RUN_TYPES)
    for await (const run of client.workflow.list({ query: succeededRunsQuery(type, closedAfter) })) runs.push(run);
  return byCluster(runs);
}
