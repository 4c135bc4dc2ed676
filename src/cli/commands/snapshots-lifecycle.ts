// `snapshots list|describe|delete|prune`: a cluster's Cloud Backup snapshots, straight through the
// Atlas client with the worker's credentials (MONGODB_ATLAS_*). Delete and prune read the project's
// Backup Compliance Policy and the jobs in progress first; see snapshots-prune.ts for prune.
import type { Command } from 'commander';
import type { AtlasClient } from '../../atlas/index.js';
import { ID_PATTERN, OUR_TAG } from '../../contract/index.js';
import {
  deleteSnapshotOnce,
  policyRefusal,
  readCompliancePolicy,
  snapshotsUsedByAtlasJobs,
} from '../../snapshots/index.js';
import { act, CliError, EXIT_OK, UsageError } from '../errors.js';
import { checkCluster, clusterOptions } from './snapshots-flags.js';
import { withAtlas } from './buckets.js';
import { registerPrune } from './snapshots-prune.js';

export interface ClusterFlags {
  project: string;
  cluster: string;
  flex?: boolean;
  json?: boolean;
}

const P = '65f1a0c0a1b2c3d4e5f60001';
const S = '65f1a0c0a1b2c3d4e5f6c001';
const example = (...lines: string[]) => `\nExample:\n${lines.map((l) => `  $ atlas-backup snapshots ${l}`).join('\n')}`;

const checkSnapshotId = (id: string) => {
  if (!ID_PATTERN.test(id)) throw new UsageError(`<snapshotId> must be a 24-character hex id, got '${id}'`);
};

/** A dedicated cluster's sharded or replica-set snapshot endpoints, by its type. */
async function isSharded(a: AtlasClient, path: { groupId: string; clusterName: string }): Promise<boolean> {
  return ((await a.request('getCluster', { path })).clusterType ?? 'REPLICASET') !== 'REPLICASET';
}

interface SnapshotRow {
  id: string;
  createdAt?: string;
  status?: string;
  snapshotType?: string;
  description?: string;
  expiresAt?: string;
  storageSizeBytes?: number;
}

/** "65f…  2026-11-22T03:00:00Z  completed  onDemand  ours (backup-x)  expires …": one snapshot, one line. */
function snapshotLine(s: SnapshotRow): string {
  const run = s.description ? OUR_TAG.exec(s.description)?.[1] : undefined;
  const parts = [s.id, s.createdAt ?? '-', s.status ?? '-', s.snapshotType ?? '-', run ? `ours (${run})` : 'not ours'];
  if (s.expiresAt) parts.push(`expires ${s.expiresAt}`);
  return parts.join('  ');
}

async function listSnapshots(a: AtlasClient, f: ClusterFlags): Promise<SnapshotRow[]> {
  const all: SnapshotRow[] = [];
  if (f.flex) {
    const path = { groupId: f.project, name: f.cluster };
    for await (const s of a.paginate('listFlexBackupSnapshots', { path }))
      all.push({ id: s.id, createdAt: s.startTime, status: s.status, snapshotType: 'flex', expiresAt: s.expiration });
    return all;
  }
  const path = { groupId: f.project, clusterName: f.cluster };
  if (await isSharded(a, path)) for await (const s of a.paginate('listBackupShardedClusters', { path })) all.push(s);
  else for await (const s of a.paginate('listBackupSnapshots', { path })) all.push(s);
  return all;
}

function registerList(group: Command): void {
  clusterOptions(group.command('list').description("a cluster's snapshots, newest first, and which are ours"))
    .option('--flex', 'the cluster is a Flex cluster (Atlas snapshots it daily itself)')
    .option('--json', 'JSON lines, one snapshot per line')
    .addHelpText('after', example(`list -p ${P} -c demo-cluster`, `list -p ${P} -c my-flex --flex --json`))
    .action(
      act(async (f: ClusterFlags) => {
        checkCluster(f);
        const rows = (await withAtlas((a) => listSnapshots(a, f))).sort(
          (x, y) => Date.parse(y.createdAt ?? '') - Date.parse(x.createdAt ?? ''),
        );
        if (f.json) for (const s of rows) process.stdout.write(`${JSON.stringify(s)}\n`);
        else if (!rows.length) process.stdout.write(`no snapshots of cluster '${f.cluster}' in project ${f.project}\n`);
        else process.stdout.write(`${rows.map(snapshotLine).join('\n')}\n`);
        return EXIT_OK;
      }),
    );
}

function registerDescribe(group: Command): void {
  clusterOptions(group.command('describe').description('one snapshot, as Atlas describes it'))
    .argument('<snapshotId>', 'snapshot id')
    .option('--flex', 'the cluster is a Flex cluster')
    .option('--json', 'the snapshot as JSON')
    .addHelpText('after', example(`describe ${S} -p ${P} -c demo-cluster --json`))
    .action(
      act(async (id: string, f: ClusterFlags) => {
        checkCluster(f);
        checkSnapshotId(id);
        const snap = await withAtlas(async (a): Promise<SnapshotRow & { links?: unknown }> => {
          if (f.flex)
            return a.request('getFlexBackupSnapshot', {
              path: { groupId: f.project, name: f.cluster, snapshotId: id },
            });
          const path = { groupId: f.project, clusterName: f.cluster, snapshotId: id };
          return (await isSharded(a, path))
            ? a.request('getBackupShardedCluster', { path })
            : a.request('getClusterBackupSnapshot', { path });
        });
        const { links: _links, ...rest } = snap;
        process.stdout.write(f.json ? `${JSON.stringify(rest, null, 2)}\n` : `${snapshotLine(rest)}\n`);
        return EXIT_OK;
      }),
    );
}

/** Refuses (exit 1, before any delete) under a compliance policy or while a job in progress reads the snapshot. */
async function deleteChecked(a: AtlasClient, f: ClusterFlags, snapshotId: string) {
  const path = { groupId: f.project, clusterName: f.cluster };
  const refused = policyRefusal(await readCompliancePolicy(a, f.project), f.project);
  if (refused) throw new CliError(`snapshot ${snapshotId} not deleted: ${refused}`);
  const user = (await snapshotsUsedByAtlasJobs(a, path)).get(snapshotId);
  if (user) throw new CliError(`snapshot ${snapshotId} not deleted: ${user} uses it; try again once it has ended`);
  return deleteSnapshotOnce(a, { ...path, snapshotId, sharded: await isSharded(a, path) });
}

function registerDelete(group: Command): void {
  clusterOptions(group.command('delete').description('delete one snapshot (a snapshot already gone counts as deleted)'))
    .argument('<snapshotId>', 'snapshot id')
    .option('--json', 'what happened, as JSON')
    .addHelpText('after', example(`delete ${S} -p ${P} -c demo-cluster`))
    .action(
      act(async (id: string, f: ClusterFlags) => {
        checkCluster(f);
        checkSnapshotId(id);
        const outcome = await withAtlas((a) => deleteChecked(a, f, id));
        const line = outcome === 'deleted' ? `deleted snapshot ${id}` : `snapshot ${id} was already gone`;
        process.stdout.write(f.json ? `${JSON.stringify({ snapshotId: id, outcome })}\n` : `${line}\n`);
        return EXIT_OK;
      }),
    );
}

/** Adds list, describe, delete and prune to a `snapshots` command group. */
export function addSnapshotLifecycle(group: Command): Command {
  for (const register of [registerList, registerDescribe, registerDelete, registerPrune]) register(group);
  return group;
}
