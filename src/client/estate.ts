// The estate as Atlas shows it to the credentials: every project (listGroups, all pages), its
// dedicated and flex clusters, each cluster's newest completed snapshot whoever took it, its backup
// policy, and the project's Backup Compliance Policy. Every read goes through PacedReads. A read
// that fails is kept as a problem on its project or cluster (an unread cluster is unknown, never
// covered), so one missing role does not hide the rest of the estate.
import { AtlasApiError, type Cluster, type CompliancePolicy, type FlexCluster } from '../atlas/index.js';
import { globToRegExp } from '../contract/index.js';
import type { PacedReads } from './paced-reads.js';
import type { BackupPolicy, ClusterKind } from './protection.js';

export interface EstateFilter {
  /** Only these projects (ids); none: every project the credentials see. */
  projects?: string[];
  /** Atlas tags every listed cluster must carry. */
  tags?: { key: string; value: string }[];
  /** A glob on the cluster name (`*`, `?`). */
  namePattern?: string;
}

export interface EstateProject {
  id: string;
  name: string;
  /** null: the project has none; undefined: it could not be read (see problems). */
  compliancePolicy?: Pick<CompliancePolicy, 'state' | 'pitEnabled' | 'restoreWindowDays'> | null;
  problems: string[];
}

export interface EstateCluster {
  groupId: string;
  projectName: string;
  clusterName: string;
  kind: ClusterKind;
  clusterType?: string;
  tags: { key: string; value: string }[];
  backupEnabled: boolean;
  newestSnapshot?: { id: string; at: string; snapshotType: 'scheduled' | 'onDemand' | 'flex' };
  policy?: BackupPolicy;
  problems: string[];
}

export interface Estate {
  projects: EstateProject[];
  /** The clusters the filter keeps. */
  clusters: EstateCluster[];
  /** `${groupId}/${name}` of every cluster of the projects read, filtered or not. */
  names: Set<string>;
  /** Projects asked for with --project that the credentials do not see. */
  projectsNotVisible: string[];
}

/** Snapshot lists are read newest first; a cluster's newest completed one is on the first pages. */
const SNAPSHOT_PAGES = 5;

const problem = (what: string, err: unknown) =>
  err instanceof AtlasApiError
    ? `${what}: ${err.httpStatus ?? ''} ${err.errorCode ?? ''}`.replace(/\s+/g, ' ').trim()
    : `${what}: ${(err as Error).message}`;

function keep(f: EstateFilter, name: string, tags: { key: string; value: string }[]): boolean {
  if (f.namePattern && !globToRegExp(f.namePattern).test(name)) return false;
  return (f.tags ?? []).every((want) => tags.some((t) => t.key === want.key && t.value === want.value));
}

const tagsOf = (c: Cluster | FlexCluster) => (c.tags ?? []) as { key: string; value: string }[];

/** Reads the estate the filter selects. */
export async function readEstate(reads: PacedReads, f: EstateFilter = {}): Promise<Estate> {
  const visible = await reads.all('user', 'listProjects', {});
  const wanted = f.projects?.length ? new Set(f.projects) : undefined;
  const chosen = visible.filter((p) => !wanted || wanted.has(p.id));
  const estate: Estate = {
    projects: [],
    clusters: [],
    names: new Set(),
    projectsNotVisible: [...(wanted ?? [])].filter((id) => !visible.some((p) => p.id === id)),
  };
  for (const p of chosen) {
    const project: EstateProject = { id: p.id, name: p.name, problems: [] };
    estate.projects.push(project);
    project.compliancePolicy = await compliancePolicyOf(reads, project);
    for (const c of await listed(reads, project, estate.names)) {
      if (!keep(f, c.clusterName, c.tags)) continue;
      estate.clusters.push(await withBackups(reads, c));
    }
  }
  return estate;
}

async function compliancePolicyOf(reads: PacedReads, p: EstateProject): Promise<EstateProject['compliancePolicy']> {
  try {
    const bcp = await reads.call(p.id, 'getCompliancePolicy', { path: { groupId: p.id } });
    return { state: bcp.state, pitEnabled: bcp.pitEnabled, restoreWindowDays: bcp.restoreWindowDays };
  } catch (err) {
    if (err instanceof AtlasApiError && err.httpStatus === 404) return null;
    p.problems.push(problem('getCompliancePolicy (needs Project Owner)', err));
    return undefined;
  }
}

/** A project's dedicated and flex clusters, unread yet; every name goes into `names`. */
async function listed(reads: PacedReads, p: EstateProject, names: Set<string>): Promise<EstateCluster[]> {
  const base = { groupId: p.id, projectName: p.name, problems: [] as string[] };
  const out: EstateCluster[] = [];
  try {
    for (const c of await reads.all(p.id, 'listClusters', { groupId: p.id }))
      out.push({
        ...base,
        problems: [],
        clusterName: c.name,
        kind: 'dedicated',
        clusterType: c.clusterType,
        tags: tagsOf(c),
        backupEnabled: c.backupEnabled ?? false,
        policy: { items: [], pitEnabled: c.pitEnabled ?? false, copyRegions: [], autoExportEnabled: false },
      });
  } catch (err) {
    p.problems.push(problem('listClusters', err));
  }
  try {
    for (const c of await reads.all(p.id, 'listFlexClusters', { groupId: p.id }))
      out.push({
        ...base,
        problems: [],
        clusterName: c.name,
        kind: 'flex',
        tags: tagsOf(c),
        backupEnabled: c.backupSettings?.enabled ?? true,
      });
  } catch (err) {
    p.problems.push(problem('listFlexClusters', err));
  }
  for (const c of out) names.add(`${c.groupId}/${c.clusterName}`);
  return out;
}

/** The cluster with its newest completed snapshot and (dedicated, backup on) its backup policy. */
async function withBackups(reads: PacedReads, c: EstateCluster): Promise<EstateCluster> {
  try {
    c.newestSnapshot = c.kind === 'flex' ? await newestFlexSnapshot(reads, c) : await newestSnapshot(reads, c);
  } catch (err) {
    c.problems.push(problem('snapshots', err));
  }
  // With Cloud Backup off there is no policy to read: the cluster keeps no policy at all.
  if (c.kind === 'dedicated' && !c.backupEnabled) delete c.policy;
  if (c.kind === 'dedicated' && c.backupEnabled) {
    try {
      const s = await reads.call(c.groupId, 'getBackupSchedule', {
        path: { groupId: c.groupId, clusterName: c.clusterName },
      });
      c.policy = {
        items: s.policies.flatMap((p) => p.policyItems.map((i) => `${i.frequencyType}/${i.frequencyInterval}`)),
        pitEnabled: c.policy?.pitEnabled ?? false,
        ...(s.restoreWindowDays !== undefined ? { restoreWindowDays: s.restoreWindowDays } : {}),
        copyRegions: (s.copySettings ?? []).flatMap((x) => (x.regionName ? [x.regionName] : [])),
        autoExportEnabled: s.autoExportEnabled ?? false,
      };
    } catch (err) {
      c.problems.push(problem('getBackupSchedule', err));
    }
  }
  return c;
}

async function newestSnapshot(reads: PacedReads, c: EstateCluster): Promise<EstateCluster['newestSnapshot']> {
  const path = { groupId: c.groupId, clusterName: c.clusterName };
  const sharded = c.clusterType === 'SHARDED' || c.clusterType === 'GEOSHARDED';
  const list = sharded
    ? reads.items(c.groupId, 'listBackupShardedClusters', path, SNAPSHOT_PAGES)
    : reads.items(c.groupId, 'listBackupSnapshots', path, SNAPSHOT_PAGES);
  for await (const s of list)
    if (s.status === 'completed' && s.createdAt)
      return { id: s.id, at: s.createdAt, snapshotType: s.snapshotType ?? 'onDemand' };
  return undefined;
}

async function newestFlexSnapshot(reads: PacedReads, c: EstateCluster): Promise<EstateCluster['newestSnapshot']> {
  let newest: EstateCluster['newestSnapshot'];
  const path = { groupId: c.groupId, name: c.clusterName };
  for await (const s of reads.items(c.groupId, 'listFlexBackupSnapshots', path, SNAPSHOT_PAGES)) {
    // The data is as of the snapshot's start, as a dedicated snapshot's createdAt says.
    const at = s.startTime ?? s.scheduledTime ?? s.finishTime;
    if (s.status !== 'COMPLETED' || !at) continue;
    if (!newest || Date.parse(at) > Date.parse(newest.at)) newest = { id: s.id, at, snapshotType: 'flex' };
  }
  return newest;
}
