// Collection-level restore jobs (data-and-limits.openapi.yaml, NOTES.md 2026 (a)/(b)): the
// request checked as Atlas does, the namespaces planned from the snapshot's manifest, and states
// and progress derived from the clock like every other job; the data plane does the loading.
import { existsSync } from 'node:fs';
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../../atlas/catalog.js';
import { int32Field as int } from '../model/dates.js';
import { SimError, validationError } from '../model/errors.js';
import { asObject } from '../model/exports.js';
import { newId } from '../model/ids.js';
import { newestFirst, ownItem, stored } from '../model/jobs.js';
import type { Model } from '../model/model.js';
import { getSnapshot, snapshotStatus } from '../model/snapshots.js';
import type { DataState } from '../model/types.js';
import { jobState } from './collection-progress.js';
import type { IndexStrategy } from './copy.js';
import { readSnapshotManifest, snapshotDir, type SnapshotManifest } from './snapshot-files.js';

export type WriteStrategy = 'CREATE_NEW' | 'OVERWRITE_EXISTING';
const WRITE: WriteStrategy[] = ['CREATE_NEW', 'OVERWRITE_EXISTING'];
const INDEX: IndexStrategy[] = ['ALL', 'NONE', 'ALL_EXCEPT_TTL'];
const MAX_ITEMS = 100;
const MIN_TS = 1199145600;

export interface Namespace {
  sourceNamespace: string;
  targetNamespace?: string;
}

export interface CollectionItem {
  sourceNamespace: string;
  targetNamespace: string;
  effectiveTargetNamespace: string;
  totalDocuments: number;
  /** Set once the item's documents and indexes are in the target. */
  loaded?: boolean;
}

export interface CollectionRestoreJob {
  id: string;
  groupId: string;
  clusterName: string;
  snapshotId?: string;
  pointInTimeUtcSeconds?: number;
  oplogTs?: number;
  oplogInc?: number;
  targetGroupId: string;
  targetClusterName: string;
  writeStrategy: WriteStrategy;
  indexStrategy: IndexStrategy;
  databases: Namespace[];
  collections: Namespace[];
  databaseSuffix: string;
  collectionSuffix: string;
  createdAt: number;
  durationMs: number;
  /** The captured snapshot the job loads (for a point in time, the newest captured at or before it). */
  sourceDir?: string;
  items: CollectionItem[];
  dataState: DataState;
  errorMessage?: string;
}

const jobs = (m: Model) => (m.state.collectionRestores ??= {});

function namespaces(b: Record<string, unknown>, field: 'databases' | 'collections'): Namespace[] {
  const v = b[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw validationError(field, 'must be an array of {sourceNamespace, targetNamespace}');
  if (v.length > MAX_ITEMS) throw validationError(field, `must hold at most ${MAX_ITEMS} items`);
  return v.map((item: unknown, i) => {
    const o = (item ?? {}) as Record<string, unknown>;
    const dotted = field === 'collections';
    const ok = (s: unknown) => typeof s === 'string' && s.length > 0 && (!dotted || /^[^.]+\..+$/.test(s));
    const shape = dotted ? 'database.collection' : 'a database name';
    if (!ok(o.sourceNamespace)) throw validationError(`${field}[${i}].sourceNamespace`, `must be ${shape}`);
    if (o.targetNamespace !== undefined && o.targetNamespace !== '' && !ok(o.targetNamespace))
      throw validationError(`${field}[${i}].targetNamespace`, `must be ${shape}`);
    const target = o.targetNamespace ? { targetNamespace: o.targetNamespace as string } : {};
    return { sourceNamespace: o.sourceNamespace as string, ...target };
  });
}

function oneOf<T>(b: Record<string, unknown>, f: string, allowed: T[]): T {
  const v = b[f];
  if (v === undefined) throw validationError(f, `is required (${allowed.join(', ')})`);
  if (!allowed.includes(v as T)) throw validationError(f, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

function text(b: Record<string, unknown>, f: string, pattern?: RegExp): string | undefined {
  const v = b[f];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || (pattern && !pattern.test(v))) throw validationError(f, 'is not valid');
  return v;
}

/** The captured snapshot a job reads: the named one, or the newest captured at or before the point in time. */
function sourceSnapshot(m: Model, groupId: string, clusterName: string, snapshotId?: string, at?: number) {
  const c = m.dedicatedCluster(groupId, clusterName);
  const dataDir = m.data?.dataDir;
  const captured = (id: string) =>
    dataDir && existsSync(snapshotDir(dataDir, id)) ? snapshotDir(dataDir, id) : undefined;
  if (snapshotId) {
    const s = getSnapshot(m, c, snapshotId);
    if (snapshotStatus(s, m.now()) !== 'completed')
      throw new SimError(
        409,
        'CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT',
        `Snapshot ${s.id} is not completed.`,
        [s.id],
      );
    return captured(s.id);
  }
  const dirs = Object.values(m.state.snapshots)
    .filter((s) => s.groupId === groupId && s.clusterName === clusterName)
    .map((s) => captured(s.id))
    .filter((d): d is string => d !== undefined)
    .map((dir) => ({ dir, at: Date.parse(readSnapshotManifest(dir).capturedAt) }))
    .filter((x) => x.at <= (at ?? 0))
    .sort((a, b) => b.at - a.at);
  if (!dirs[0])
    throw new SimError(
      409,
      'NO_CHECKPOINT_FOR_PIT_RESTORE',
      'No captured snapshot exists before the requested point in time.',
      [at],
    );
  return dirs[0].dir;
}

/** The collections a job restores, with the target names its suffixes and overrides give them. */
function plan(
  manifest: SnapshotManifest | undefined,
  j: Pick<CollectionRestoreJob, 'databases' | 'collections' | 'databaseSuffix' | 'collectionSuffix'>,
): CollectionItem[] {
  const all = manifest?.namespaces ?? [];
  const items: CollectionItem[] = [];
  const add = (db: string, coll: string, target?: string) => {
    const found = all.find((n) => n.db === db && n.collection === coll);
    if (!found)
      throw new SimError(400, 'COLLECTION_NOT_FOUND', `The source collection was not found: ${db}.${coll}.`, [
        `${db}.${coll}`,
      ]);
    const t = target ?? `${db}${j.databaseSuffix}.${coll}${j.collectionSuffix}`;
    items.push({
      sourceNamespace: `${db}.${coll}`,
      targetNamespace: t,
      effectiveTargetNamespace: t,
      totalDocuments: found.count,
    });
  };
  for (const d of j.databases) {
    const colls = all.filter((n) => n.db === d.sourceNamespace);
    if (colls.length === 0)
      throw new SimError(400, 'DATABASE_NOT_FOUND', `The source database was not found: ${d.sourceNamespace}.`, [
        d.sourceNamespace,
      ]);
    for (const n of colls)
      add(n.db, n.collection, d.targetNamespace ? `${d.targetNamespace}.${n.collection}` : undefined);
  }
  for (const c of j.collections) {
    const dot = c.sourceNamespace.indexOf('.');
    add(c.sourceNamespace.slice(0, dot), c.sourceNamespace.slice(dot + 1), c.targetNamespace);
  }
  return items;
}

export function createCollectionRestore(
  m: Model,
  groupId: string,
  clusterName: string,
  body: unknown,
): CollectionRestoreJob {
  m.dedicatedCluster(groupId, clusterName);
  const b = asObject(body);
  const writeStrategy = oneOf(b, 'writeStrategy', WRITE);
  const indexStrategy = oneOf(b, 'indexStrategy', INDEX);
  const targetClusterName = text(b, 'targetClusterName', CLUSTER_NAME_PATTERN);
  const targetGroupId = text(b, 'targetGroupId', ID_PATTERN);
  if (!targetClusterName) throw validationError('targetClusterName', 'is required');
  if (!targetGroupId) throw validationError('targetGroupId', 'is required');
  const snapshotId = text(b, 'snapshotId', ID_PATTERN);
  const pit = int(b, 'pointInTimeUtcSeconds', MIN_TS);
  const oplogTs = int(b, 'oplogTs', MIN_TS);
  const oplogInc = int(b, 'oplogInc', 1);
  const sources = [snapshotId, pit, oplogTs].filter((x) => x !== undefined).length;
  if (sources !== 1)
    throw validationError('snapshotId', 'send exactly one of snapshotId, pointInTimeUtcSeconds or oplogTs');
  if (oplogTs !== undefined && oplogInc === undefined) throw validationError('oplogInc', 'is required with oplogTs');
  const databases = namespaces(b, 'databases');
  const collections = namespaces(b, 'collections');
  if (databases.length + collections.length === 0)
    throw validationError('collections', 'name at least one database or collection');
  const databaseSuffix = text(b, 'databaseSuffix') ?? '';
  const collectionSuffix = text(b, 'collectionSuffix') ?? '';
  const now = m.now();
  const at = (pit ?? oplogTs ?? 0) * 1000;
  if (!snapshotId && at > now)
    throw new SimError(400, 'INVALID_PIT_RESTORE_TIME', 'The point in time is in the future.', [pit ?? oplogTs]);
  const sourceDir = sourceSnapshot(m, groupId, clusterName, snapshotId, at);
  const target = m.dedicatedCluster(targetGroupId, targetClusterName);
  const busy = Object.values(jobs(m)).find(
    (j) =>
      jobState(j, now) !== 'SUCCESSFUL' &&
      jobState(j, now) !== 'FAILED' &&
      [`${j.groupId}/${j.clusterName}`, `${j.targetGroupId}/${j.targetClusterName}`].some(
        (k) => k === `${groupId}/${clusterName}` || k === `${target.groupId}/${target.name}`,
      ),
  );
  if (busy)
    throw new SimError(
      409,
      'COLLECTION_RESTORE_JOB_IN_PROGRESS',
      `Collection restore job ${busy.id} is still running on this cluster; only one runs per cluster at a time.`,
      [busy.id],
    );
  const manifest = sourceDir ? readSnapshotManifest(sourceDir) : undefined;
  const items = plan(manifest, { databases, collections, databaseSuffix, collectionSuffix });
  const job: CollectionRestoreJob = {
    id: newId(),
    groupId,
    clusterName,
    ...(snapshotId ? { snapshotId } : {}),
    ...(pit !== undefined ? { pointInTimeUtcSeconds: pit } : {}),
    ...(oplogTs !== undefined ? { oplogTs, oplogInc } : {}),
    targetGroupId,
    targetClusterName,
    writeStrategy,
    indexStrategy,
    databases,
    collections,
    databaseSuffix,
    collectionSuffix,
    createdAt: now,
    durationMs: m.duration('restoreAutomated', clusterName),
    ...(sourceDir ? { sourceDir } : {}),
    items,
    dataState: sourceDir ? 'pending' : 'done',
  };
  return stored(m, jobs(m), job);
}

const ofCluster = (groupId: string, clusterName: string) => (j: CollectionRestoreJob) =>
  j.groupId === groupId && j.clusterName === clusterName;

export function listCollectionRestores(m: Model, groupId: string, clusterName: string): CollectionRestoreJob[] {
  m.dedicatedCluster(groupId, clusterName);
  return newestFirst(jobs(m), ofCluster(groupId, clusterName));
}

export function getCollectionRestore(m: Model, groupId: string, clusterName: string, id: string): CollectionRestoreJob {
  m.dedicatedCluster(groupId, clusterName);
  return ownItem(jobs(m), id, ofCluster(groupId, clusterName), {
    errorCode: 'RESTORE_JOB_NOT_FOUND',
    detail: `No collection restore job with ID ${id} exists for cluster ${clusterName}.`,
  });
}
