// Moving data between a cluster (through the driver) and the snapshot capture format.
import type { Db, MongoClient } from 'mongodb';
import {
  readCollectionFile,
  writeCollectionFile,
  writeSnapshotManifest,
  type IndexSpec,
  type NamespaceEntry,
  type SnapshotManifest,
} from './snapshot-files.js';

/** Databases Atlas keeps for itself: never captured, never dropped by a restore. */
export const SYSTEM_DATABASES = new Set(['admin', 'local', 'config']);

/** TTL indexes the server cannot hold, kept by the simulator per namespace (`db.collection`). */
export type TtlCatalog = Record<string, IndexSpec[]>;

export async function userDatabases(client: MongoClient): Promise<string[]> {
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases.map((d) => d.name).filter((n) => !SYSTEM_DATABASES.has(n));
}

async function collectionsOf(db: Db): Promise<string[]> {
  const infos = await db.listCollections({}, { nameOnly: true }).toArray();
  return infos
    .filter((i) => (i as { type?: string }).type !== 'view' && !i.name.startsWith('system.'))
    .map((i) => i.name)
    .sort();
}

function cleanIndex(spec: Record<string, unknown>): IndexSpec {
  const { v: _v, ns: _ns, ...rest } = spec;
  return rest as unknown as IndexSpec;
}

export interface CaptureOptions {
  snapshotId: string;
  clusterName: string;
  capturedAt: number;
  ttl: TtlCatalog;
  /** Namespaces (`db.collection`) left out of the capture without a word (a data fault). */
  lose?: (ns: string) => boolean;
}

/** Writes every user collection of the cluster into `dir` and returns the manifest it wrote. */
export async function captureCluster(client: MongoClient, dir: string, o: CaptureOptions): Promise<SnapshotManifest> {
  const namespaces: NamespaceEntry[] = [];
  for (const dbName of (await userDatabases(client)).sort()) {
    const db = client.db(dbName);
    for (const coll of await collectionsOf(db)) {
      const ns = `${dbName}.${coll}`;
      if (o.lose?.(ns)) continue;
      const c = db.collection(coll);
      const count = await writeCollectionFile(dir, dbName, coll, c.find({}, { sort: { _id: 1 } }));
      const indexes = (await c.listIndexes().toArray()).map(cleanIndex);
      namespaces.push({ db: dbName, collection: coll, count, indexes: [...indexes, ...(o.ttl[ns] ?? [])] });
    }
  }
  const manifest: SnapshotManifest = {
    snapshotId: o.snapshotId,
    clusterName: o.clusterName,
    capturedAt: new Date(o.capturedAt).toISOString(),
    namespaces,
  };
  writeSnapshotManifest(dir, manifest);
  return manifest;
}

export type IndexStrategy = 'ALL' | 'NONE' | 'ALL_EXCEPT_TTL';

export interface LoadItem {
  source: NamespaceEntry;
  db: string;
  collection: string;
  /** Fault: the collection ends up absent, or present with no documents. */
  lose?: 'missing' | 'empty';
  /** Fault: this index of the source is not recreated. */
  loseIndex?: string;
}

export interface LoadOptions {
  indexStrategy: IndexStrategy;
  /** Where TTL indexes of the target are kept (the server refuses them). */
  ttl: TtlCatalog;
  onProgress?: (item: LoadItem, restoredDocuments: number) => void;
}

/** Loads one collection from a captured snapshot into the target, then its indexes. */
export async function loadCollection(client: MongoClient, dir: string, item: LoadItem, o: LoadOptions): Promise<void> {
  if (item.lose === 'missing') return;
  const target = client.db(item.db).collection(item.collection);
  await client
    .db(item.db)
    .createCollection(item.collection)
    .catch(() => undefined);
  let restored = 0;
  if (item.lose !== 'empty') {
    for await (const batch of readCollectionFile(dir, item.source.db, item.source.collection)) {
      await target.insertMany(batch, { ordered: false });
      restored += batch.length;
      o.onProgress?.(item, restored);
    }
  }
  const ns = `${item.db}.${item.collection}`;
  delete o.ttl[ns];
  for (const spec of item.source.indexes) {
    if (spec.name === '_id_' || spec.name === item.loseIndex || o.indexStrategy === 'NONE') continue;
    const { key, name, ...options } = spec;
    if (spec.expireAfterSeconds !== undefined) {
      if (o.indexStrategy === 'ALL') (o.ttl[ns] ??= []).push(spec);
      continue;
    }
    await target.createIndex(key as Record<string, 1 | -1>, { ...options, name });
  }
}

/** Drops every user database of the target: what an automated restore does before loading. */
export async function dropUserDatabases(client: MongoClient, ttl: TtlCatalog): Promise<void> {
  for (const name of await userDatabases(client)) await client.db(name).dropDatabase();
  for (const ns of Object.keys(ttl)) delete ttl[ns];
}
