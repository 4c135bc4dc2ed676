// Backup coverage from Temporal visibility: per project/cluster, the last successful backup, export
// and restore test, and their age against an RPO. The clusters are the ones our runs name in their
// search attributes (any run, even one that never completed) plus any the caller names: the report
// needs no Atlas credentials, and a cluster that was never backed up at all shows up once it is named.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { AtlasCluster, AtlasProject, BackupPhase } from '../contract/index.js';
import { lastSuccesses, SUCCESS_RUN_TYPES, type Success } from '../runs/last-success.js';
import { runsQuery } from '../runs/query.js';

export interface CoverageOptions {
  /** Only these projects (AtlasProject); none: every project our runs name. */
  projects?: string[];
  /** These clusters are always reported, with or without runs. */
  clusters?: { groupId: string; clusterName: string }[];
  /** Maximum age of the last successful backup (ms). */
  rpoMs: number;
  /** When given, the last export / restore test must be younger than this too (ms). */
  exportMaxAgeMs?: number;
  restoreTestMaxAgeMs?: number;
  /** When given, the last verified restore (its data read and found right) must be younger than this (ms). */
  verifiedRestoreMaxAgeMs?: number;
  now?: Date;
  /** Results read per cluster while looking for the last export and restore test (each is one RPC). */
  maxResultsPerCluster?: number;
}

export interface LastSuccess {
  at: string;
  ageSeconds: number;
  workflowId: string;
  runId: string;
}

export interface ClusterCoverage {
  groupId: string;
  clusterName: string;
  lastBackup?: LastSuccess;
  lastExport?: LastSuccess;
  /** A completed disasterRecovery of this source, or a completed pipeline with a restore. */
  lastRestoreTest?: LastSuccess;
  /** A completed restoreTest of this source, or a pipeline/DR restore whose data verified. */
  lastVerifiedRestore?: LastSuccess;
  /** Runs of any outcome seen for this cluster. */
  runs: number;
  breaches: string[];
}

export interface CoverageReport {
  generatedAt: string;
  rpoSeconds: number;
  exportMaxAgeSeconds?: number;
  restoreTestMaxAgeSeconds?: number;
  verifiedRestoreMaxAgeSeconds?: number;
  clusters: ClusterCoverage[];
  breached: number;
}

const key = (groupId: string, clusterName: string) => `${groupId}/${clusterName}`;

/** Our runs, newest first, narrowed to the projects asked for. */
export const coverageQuery = (projects: string[] = []) => runsQuery({ types: SUCCESS_RUN_TYPES, projects });

interface Seen {
  groupId: string;
  clusterName: string;
  runs: number;
  /** Completed runs (phase completed), newest close first. */
  completed: WorkflowExecutionInfo[];
}

async function collect(client: Client, o: CoverageOptions): Promise<Map<string, Seen>> {
  const seen = new Map<string, Seen>();
  const entry = (groupId: string, clusterName: string) => {
    let e = seen.get(key(groupId, clusterName));
    if (!e) seen.set(key(groupId, clusterName), (e = { groupId, clusterName, runs: 0, completed: [] }));
    return e;
  };
  for (const c of o.clusters ?? []) entry(c.groupId, c.clusterName);
  const projects = [...new Set([...(o.projects ?? []), ...(o.clusters ?? []).map((c) => c.groupId)])];
  for await (const wf of client.workflow.list({ query: coverageQuery(projects) })) {
    const groupId = wf.typedSearchAttributes.get(AtlasProject);
    const clusterName = wf.typedSearchAttributes.get(AtlasCluster);
    if (!groupId || !clusterName) continue;
    // Named clusters only, when the caller named clusters and no whole project.
    if (!o.projects?.length && o.clusters?.length && !seen.has(key(groupId, clusterName))) continue;
    const e = entry(groupId, clusterName);
    e.runs += 1;
    const completed = wf.status.name === 'COMPLETED' && wf.typedSearchAttributes.get(BackupPhase) === 'completed';
    if (completed && wf.closeTime) e.completed.push(wf);
  }
  for (const e of seen.values()) e.completed.sort((a, b) => b.closeTime!.getTime() - a.closeTime!.getTime());
  return seen;
}

/** The coverage of every cluster, sorted by project and cluster; `breached` counts clusters in breach. */
export async function coverageReport(client: Client, o: CoverageOptions): Promise<CoverageReport> {
  const now = o.now ?? new Date();
  const seen = await collect(client, o);
  const clusters: ClusterCoverage[] = [];
  for (const e of seen.values()) clusters.push(await clusterCoverage(client, e, o, now));
  clusters.sort((a, b) => key(a.groupId, a.clusterName).localeCompare(key(b.groupId, b.clusterName)));
  const secs = (ms?: number) => (ms === undefined ? undefined : ms / 1000);
  return {
    generatedAt: now.toISOString(),
    rpoSeconds: o.rpoMs / 1000,
    exportMaxAgeSeconds: secs(o.exportMaxAgeMs),
    restoreTestMaxAgeSeconds: secs(o.restoreTestMaxAgeMs),
    verifiedRestoreMaxAgeSeconds: secs(o.verifiedRestoreMaxAgeMs),
    clusters,
    breached: clusters.filter((c) => c.breaches.length).length,
  };
}

async function clusterCoverage(client: Client, e: Seen, o: CoverageOptions, now: Date): Promise<ClusterCoverage> {
  const found = await lastSuccesses(client, e.completed, { maxResultReads: o.maxResultsPerCluster ?? 20 });
  const last = (s: Success | undefined): LastSuccess | undefined =>
    s && {
      at: s.at.toISOString(),
      ageSeconds: Math.max(0, Math.round((now.getTime() - s.at.getTime()) / 1000)),
      workflowId: s.workflowId,
      runId: s.runId,
    };
  const c: ClusterCoverage = {
    groupId: e.groupId,
    clusterName: e.clusterName,
    lastBackup: last(found.backup),
    lastExport: last(found.export),
    lastRestoreTest: last(found.restore),
    lastVerifiedRestore: last(found.verified),
    runs: e.runs,
    breaches: [],
  };
  c.breaches = breaches(c, o);
  return c;
}

function breaches(c: ClusterCoverage, o: CoverageOptions): string[] {
  const out: string[] = [];
  const check = (what: string, last: LastSuccess | undefined, maxMs: number | undefined, flag: string) => {
    if (maxMs === undefined) return;
    if (!last) out.push(`no successful ${what}`);
    else if (last.ageSeconds * 1000 > maxMs)
      out.push(`last ${what} is ${formatAge(last.ageSeconds)} old (${flag} ${formatAge(maxMs / 1000)})`);
  };
  check('backup', c.lastBackup, o.rpoMs, '--rpo');
  check('export', c.lastExport, o.exportMaxAgeMs, '--export-max-age');
  check('restore test', c.lastRestoreTest, o.restoreTestMaxAgeMs, '--restore-test-max-age');
  check('verified restore', c.lastVerifiedRestore, o.verifiedRestoreMaxAgeMs, '--verified-restore-max-age');
  return out;
}

/** 90 → "1m30s", 93784 → "1d2h": two units are enough to judge an age. */
export function formatAge(seconds: number): string {
  const units: [string, number][] = [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = Math.round(seconds);
  const parts: string[] = [];
  for (const [u, n] of units) {
    if (rest >= n || (u === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join('');
}
