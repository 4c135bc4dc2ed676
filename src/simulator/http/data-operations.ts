// Handlers of snapshot browsing (from the captured snapshot's manifest) and collection restore jobs.
import { existsSync } from 'node:fs';
import { itemState, jobState, restoredOf } from '../data/collection-progress.js';
import {
  createCollectionRestore,
  getCollectionRestore,
  listCollectionRestores,
  type CollectionItem,
  type CollectionRestoreJob,
} from '../data/collection-restores.js';
import { readSnapshotManifest, snapshotDir, type SnapshotManifest } from '../data/snapshot-files.js';
import { iso } from '../model/dates.js';
import { SimError } from '../model/errors.js';
import type { Model } from '../model/model.js';
import { getSnapshot } from '../model/snapshots.js';
import type { OpContext, OpResult } from './operations.js';

const link = (href: string) => [{ href, rel: 'self' }];

/** The manifest of a snapshot of this cluster; a snapshot captured without data lists nothing. */
function manifestOf(c: OpContext): SnapshotManifest {
  const s = getSnapshot(c.m, c.m.dedicatedCluster(c.p.groupId!, c.p.clusterName!), c.p.snapshotId!);
  const dir = c.m.data ? snapshotDir(c.m.data.dataDir, s.id) : undefined;
  if (dir && existsSync(dir)) return readSnapshotManifest(dir);
  return { snapshotId: s.id, clusterName: s.clusterName, capturedAt: iso(s.createdAt), namespaces: [] };
}

function databasesOf(c: OpContext): string[] {
  return [...new Set(manifestOf(c).namespaces.map((n) => n.db))].sort();
}

function database(c: OpContext): string {
  const name = c.p.databaseName!;
  if (!databasesOf(c).includes(name))
    throw new SimError(404, 'DATABASE_NOT_FOUND', `No database named ${name} exists in snapshot ${c.p.snapshotId}.`, [
      name,
    ]);
  return name;
}

const dbHref = (c: OpContext, db: string) =>
  `${c.base}/api/atlas/v2/groups/${c.p.groupId}/clusters/${c.p.clusterName}/backup/snapshots/${c.p.snapshotId}` +
  `/databases/${encodeURIComponent(db)}`;

function itemView(m: Model, j: CollectionRestoreJob, item: CollectionItem): Record<string, unknown> {
  const state = itemState(j, item, m.now());
  return {
    sourceNamespace: item.sourceNamespace,
    targetNamespace: item.targetNamespace,
    effectiveTargetNamespace: item.effectiveTargetNamespace,
    state,
    restoredDocuments: restoredOf(j, item, m.now()),
    totalDocuments: item.totalDocuments,
    indexStatus: { state: j.indexStrategy === 'NONE' && state === 'SUCCESSFUL' ? 'SUCCESSFUL' : state },
  };
}

export function collectionRestoreView(m: Model, j: CollectionRestoreJob, base: string): Record<string, unknown> {
  const state = jobState(j, m.now());
  const ended = state === 'SUCCESSFUL' || state === 'FAILED';
  const sum = (f: (i: CollectionItem) => number) => j.items.reduce((a, i) => a + f(i), 0);
  return {
    id: j.id,
    ...(j.snapshotId ? { snapshotId: j.snapshotId } : {}),
    ...(j.pointInTimeUtcSeconds !== undefined ? { pointInTimeUtcSeconds: j.pointInTimeUtcSeconds } : {}),
    ...(j.oplogTs !== undefined ? { oplogTs: j.oplogTs, oplogInc: j.oplogInc } : {}),
    targetGroupId: j.targetGroupId,
    targetClusterName: j.targetClusterName,
    writeStrategy: j.writeStrategy,
    indexStrategy: j.indexStrategy,
    databases: j.databases,
    collections: j.collections,
    databaseSuffix: j.databaseSuffix,
    collectionSuffix: j.collectionSuffix,
    createdAt: iso(j.createdAt),
    state,
    restoredDocuments: sum((i) => restoredOf(j, i, m.now())),
    totalDocuments: sum((i) => i.totalDocuments),
    indexStatus: { state, failedCollectionCount: state === 'FAILED' ? j.items.length : 0 },
    ...(ended ? { finishedAt: iso(Math.max(j.createdAt, m.now())) } : {}),
    ...(j.errorMessage ? { errorMessage: j.errorMessage } : {}),
    links: link(`${base}/api/atlas/v2/groups/${j.groupId}/clusters/${j.clusterName}/collectionRestoreJobs/${j.id}`),
  };
}

const job = (c: OpContext) => getCollectionRestore(c.m, c.p.groupId!, c.p.clusterName!, c.p.jobId!);

export const dataHandlers = {
  listBackupSnapshotDatabases: (c: OpContext): OpResult => ({
    list: databasesOf(c).map((name) => ({ name, links: link(dbHref(c, name)) })),
  }),
  getBackupSnapshotDatabase: (c: OpContext): OpResult => {
    const name = database(c);
    return { status: 200, body: { name, links: link(dbHref(c, name)) } };
  },
  listSnapshotDatabaseCollections: (c: OpContext): OpResult => {
    const db = database(c);
    const names = manifestOf(c)
      .namespaces.filter((n) => n.db === db)
      .map((n) => n.collection);
    return { list: names.map((name) => ({ name, links: link(`${dbHref(c, db)}/collections/${name}`) })) };
  },
  getSnapshotDatabaseCollection: (c: OpContext): OpResult => {
    const db = database(c);
    const name = c.p.collectionName!;
    if (!manifestOf(c).namespaces.some((n) => n.db === db && n.collection === name))
      throw new SimError(404, 'COLLECTION_NOT_FOUND', `No collection named ${db}.${name} exists in the snapshot.`, [
        name,
      ]);
    return { status: 200, body: { name, links: link(`${dbHref(c, db)}/collections/${name}`) } };
  },
  createCollectionRestoreJob: (c: OpContext): OpResult => ({
    status: 201,
    body: collectionRestoreView(c.m, createCollectionRestore(c.m, c.p.groupId!, c.p.clusterName!, c.body), c.base),
  }),
  listCollectionRestoreJobs: (c: OpContext): OpResult => ({
    list: listCollectionRestores(c.m, c.p.groupId!, c.p.clusterName!).map((j) => collectionRestoreView(c.m, j, c.base)),
  }),
  getCollectionRestoreJob: (c: OpContext): OpResult => ({
    status: 200,
    body: collectionRestoreView(c.m, job(c), c.base),
  }),
  listRestoreJobCollections: (c: OpContext): OpResult => {
    const j = job(c);
    if (jobState(j, c.m.now()) === 'INITIALIZING') return { list: [] };
    const f = (k: string) => c.q.get(k);
    const views = j.items
      .map((i) => itemView(c.m, j, i))
      .filter(
        (v) =>
          (!f('state') || v.state === f('state')) &&
          (!f('sourceNamespace') || v.sourceNamespace === f('sourceNamespace')) &&
          (!f('targetNamespace') || v.targetNamespace === f('targetNamespace')),
      );
    return { list: views };
  },
  getRestoreJobCollection: (c: OpContext): OpResult => {
    const j = job(c);
    const item =
      jobState(j, c.m.now()) === 'INITIALIZING'
        ? undefined
        : j.items.find((i) => i.sourceNamespace === c.p.sourceNamespace);
    if (!item)
      throw new SimError(
        404,
        'COLLECTION_NOT_FOUND',
        `No collection ${c.p.sourceNamespace} is part of collection restore job ${j.id}.`,
        [c.p.sourceNamespace],
      );
    return { status: 200, body: itemView(c.m, j, item) };
  },
};
