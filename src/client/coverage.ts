// Backup coverage of the estate: every cluster Atlas shows the credentials (src/client/estate.ts),
// judged by the one protection rule (src/client/protection.ts) over Atlas's own snapshots and our
// runs' last successes (src/runs). Clusters our runs never touched are listed like any other, since
// they are the real risk; runs naming a cluster Atlas does not list are not coverage rows: they are
// reported apart (a typo in a failed run is not a cluster in breach).
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { AtlasCluster, AtlasProject, BackupPhase } from '../contract/index.js';
import { lastSuccesses, SUCCESS_RUN_TYPES, type Success } from '../runs/last-success.js';
import { runsQuery } from '../runs/query.js';
import { readEstate, type EstateCluster, type EstateFilter, type EstateProject } from './estate.js';
import type { PacedReads } from './paced-reads.js';
import { formatAge, protectionOf, type Proof } from './protection.js';

export { formatAge } from './protection.js';

export interface CoverageOptions extends EstateFilter {
  /** Maximum age of the newest backup (ms). */
  rpoMs: number;
  /** When given, our last export / restore test must be younger than this too (ms). */
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

export interface ClusterCoverage extends Omit<EstateCluster, 'newestSnapshot'> {
  protectedBy: string[];
  newestSnapshot?: EstateCluster['newestSnapshot'] & { ageSeconds: number };
  newestProof?: Omit<Proof, 'at'> & { at: string };
  compliancePolicy: boolean;
  /** Our runs' last backup, export and restore test (a completed disasterRecovery, or a pipeline's restore). */
  lastBackup?: LastSuccess;
  lastExport?: LastSuccess;
  lastRestoreTest?: LastSuccess;
  /** A completed restoreTest of this source, or a pipeline/DR restore whose data verified. */
  lastVerifiedRestore?: LastSuccess;
  /** Our runs of any outcome naming this cluster. */
  runs: number;
  breaches: string[];
}

export interface UnknownClusterRuns {
  groupId: string;
  clusterName: string;
  runs: number;
  lastRun: { workflowId: string; startedAt: string };
}

export interface CoverageReport {
  generatedAt: string;
  rpoSeconds: number;
  exportMaxAgeSeconds?: number;
  restoreTestMaxAgeSeconds?: number;
  projects: EstateProject[];
  projectsNotVisible: string[];
  verifiedRestoreMaxAgeSeconds?: number;
  clusters: ClusterCoverage[];
  breached: number;
  /** Runs naming a cluster that the project does not have (a typo, a deleted cluster): not coverage. */
  runsNamingUnknownClusters: UnknownClusterRuns[];
  /** Atlas requests the report made. */
  atlasRequests: number;
}

const key = (groupId: string, clusterName: string) => `${groupId}/${clusterName}`;

interface Seen {
  groupId: string;
  clusterName: string;
  runs: number;
  newest: WorkflowExecutionInfo;
  /** Completed runs (phase completed), newest close first. */
  completed: WorkflowExecutionInfo[];
}

/** Our runs that can succeed (SUCCESS_RUN_TYPES: pipelines, DR, restore tests) of the given projects, by cluster. */
async function ourRuns(client: Client, projects: string[]): Promise<Map<string, Seen>> {
  const seen = new Map<string, Seen>();
  if (!projects.length) return seen;
  for await (const wf of client.workflow.list({
    query: runsQuery({ types: SUCCESS_RUN_TYPES, projects }),
  })) {
    const groupId = wf.typedSearchAttributes.get(AtlasProject);
    const clusterName = wf.typedSearchAttributes.get(AtlasCluster);
    if (!groupId || !clusterName) continue;
    let e = seen.get(key(groupId, clusterName));
    if (!e) seen.set(key(groupId, clusterName), (e = { groupId, clusterName, runs: 0, newest: wf, completed: [] }));
    e.runs += 1;
    if (wf.startTime > e.newest.startTime) e.newest = wf;
    const completed = wf.status.name === 'COMPLETED' && wf.typedSearchAttributes.get(BackupPhase) === 'completed';
    if (completed && wf.closeTime) e.completed.push(wf);
  }
  for (const e of seen.values()) e.completed.sort((a, b) => b.closeTime!.getTime() - a.closeTime!.getTime());
  return seen;
}

/** The coverage of every cluster the filter keeps, sorted by project and cluster. */
export async function coverageReport(client: Client, reads: PacedReads, o: CoverageOptions): Promise<CoverageReport> {
  const now = o.now ?? new Date();
  const estate = await readEstate(reads, o);
  const runs = await ourRuns(
    client,
    estate.projects.map((p) => p.id),
  );
  const bcp = new Map(estate.projects.map((p) => [p.id, !!p.compliancePolicy]));
  const clusters: ClusterCoverage[] = [];
  for (const c of estate.clusters)
    clusters.push(
      await clusterCoverage(client, c, runs.get(key(c.groupId, c.clusterName)), !!bcp.get(c.groupId), o, now),
    );
  clusters.sort((a, b) => key(a.projectName, a.clusterName).localeCompare(key(b.projectName, b.clusterName)));
  const unknown = [...runs.values()]
    .filter((r) => !estate.names.has(key(r.groupId, r.clusterName)))
    .map((r) => ({
      groupId: r.groupId,
      clusterName: r.clusterName,
      runs: r.runs,
      lastRun: { workflowId: r.newest.workflowId, startedAt: r.newest.startTime.toISOString() },
    }));
  const secs = (ms?: number) => (ms === undefined ? undefined : ms / 1000);
  return {
    generatedAt: now.toISOString(),
    rpoSeconds: o.rpoMs / 1000,
    exportMaxAgeSeconds: secs(o.exportMaxAgeMs),
    restoreTestMaxAgeSeconds: secs(o.restoreTestMaxAgeMs),
    projects: estate.projects,
    projectsNotVisible: estate.projectsNotVisible,
    verifiedRestoreMaxAgeSeconds: secs(o.verifiedRestoreMaxAgeMs),
    clusters,
    breached: clusters.filter((c) => c.breaches.length).length,
    runsNamingUnknownClusters: unknown,
    atlasRequests: reads.requests,
  };
}

async function clusterCoverage(
  client: Client,
  c: EstateCluster,
  seen: Seen | undefined,
  compliancePolicy: boolean,
  o: CoverageOptions,
  now: Date,
): Promise<ClusterCoverage> {
  const found = seen?.completed.length
    ? await lastSuccesses(client, seen.completed, { maxResultReads: o.maxResultsPerCluster ?? 20 })
    : {};
  const snap = c.newestSnapshot;
  const p = protectionOf(
    {
      kind: c.kind,
      backupEnabled: c.backupEnabled,
      ...(snap ? { newestSnapshot: { at: new Date(snap.at), snapshotType: snap.snapshotType } } : {}),
      ...(c.policy ? { policy: c.policy } : {}),
      compliancePolicy,
      runs: found,
    },
    now,
  );
  const age = (at: Date) => Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  const last = (s: Success | undefined): LastSuccess | undefined =>
    s && { at: s.at.toISOString(), ageSeconds: age(s.at), workflowId: s.workflowId, runId: s.runId };
  const row: ClusterCoverage = {
    ...c,
    protectedBy: p.protectedBy,
    newestSnapshot: snap && { ...snap, ageSeconds: age(new Date(snap.at)) },
    newestProof: p.newestProof && { ...p.newestProof, at: p.newestProof.at.toISOString() },
    compliancePolicy,
    lastBackup: last(found.backup),
    lastExport: last(found.export),
    lastRestoreTest: last(found.restore),
    lastVerifiedRestore: last(found.verified),
    runs: seen?.runs ?? 0,
    breaches: [],
  };
  row.breaches = breaches(row, o);
  return row;
}

function noBackup(c: ClusterCoverage): string {
  if (c.problems.length) return `unknown: ${c.problems.join('; ')}`;
  if (c.kind === 'flex') return 'no completed flex snapshot';
  return c.backupEnabled ? 'no completed snapshot yet' : 'never backed up: Cloud Backup is off and no snapshot exists';
}

function breaches(c: ClusterCoverage, o: CoverageOptions): string[] {
  const out: string[] = [];
  const tooOld = (what: string, ageSeconds: number, maxMs: number, flag: string) => {
    if (ageSeconds * 1000 > maxMs)
      out.push(`${what} is ${formatAge(ageSeconds)} old (${flag} ${formatAge(maxMs / 1000)})`);
  };
  if (!c.newestProof) out.push(noBackup(c));
  else tooOld('newest backup', c.newestProof.ageSeconds, o.rpoMs, '--rpo');
  // Flex clusters have no export jobs: an export requirement is for dedicated clusters.
  if (o.exportMaxAgeMs !== undefined && c.kind === 'dedicated') {
    if (!c.lastExport) out.push('no successful export');
    else tooOld('last export', c.lastExport.ageSeconds, o.exportMaxAgeMs, '--export-max-age');
  }
  if (o.restoreTestMaxAgeMs !== undefined) {
    if (!c.lastRestoreTest) out.push('no successful restore test');
    else tooOld('last restore test', c.lastRestoreTest.ageSeconds, o.restoreTestMaxAgeMs, '--restore-test-max-age');
  }
  if (o.verifiedRestoreMaxAgeMs !== undefined) {
    if (!c.lastVerifiedRestore) out.push('no verified restore');
    else
      tooOld(
        'last verified restore',
        c.lastVerifiedRestore.ageSeconds,
        o.verifiedRestoreMaxAgeMs,
        '--verified-restore-max-age',
      );
  }
  return out;
}
