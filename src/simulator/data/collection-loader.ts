// The data work of collection restore jobs: once a job leaves INITIALIZING, its collections are
// loaded into the target (renamed on conflict under CREATE_NEW, replaced under OVERWRITE_EXISTING).
import type { MongoClient } from 'mongodb';
import { INITIALIZING_MS } from './collection-progress.js';
import type { CollectionItem, CollectionRestoreJob } from './collection-restores.js';
import { loadCollection } from './copy.js';
import type { DataPlane } from './plane.js';
import { readSnapshotManifest } from './snapshot-files.js';

const split = (ns: string): [string, string] => {
  const dot = ns.indexOf('.');
  return [ns.slice(0, dot), ns.slice(dot + 1)];
};

async function exists(client: MongoClient, ns: string): Promise<boolean> {
  const [db, coll] = split(ns);
  return (await client.db(db).listCollections({ name: coll }, { nameOnly: true }).toArray()).length > 0;
}

/** CREATE_NEW never writes into an existing collection: a clash gets the first free `_<n>` name. */
async function effectiveName(client: MongoClient, ns: string): Promise<string> {
  if (!(await exists(client, ns))) return ns;
  for (let n = 1; ; n++) if (!(await exists(client, `${ns}_${n}`))) return `${ns}_${n}`;
}

async function loadJob(plane: DataPlane, j: CollectionRestoreJob): Promise<void> {
  const target = plane.model.findCluster(j.targetGroupId, j.targetClusterName);
  if (!target || !j.sourceDir) throw new Error(`collection restore ${j.id}: target or snapshot is gone`);
  const client = await plane.client(target);
  const manifest = readSnapshotManifest(j.sourceDir);
  const ttl = plane.ttlOf(target);
  const rule = plane.faults.restoreLosesCollection;
  for (const item of j.items) {
    const loseIndex = plane.lostIndex(j.targetClusterName, item.sourceNamespace);
    await loadItem(client, j, item, manifest, { ttl, rule, loseIndex });
    item.loaded = true;
    plane.model.changed();
  }
  plane.saveTtl();
}

async function loadItem(
  client: MongoClient,
  j: CollectionRestoreJob,
  item: CollectionItem,
  manifest: ReturnType<typeof readSnapshotManifest>,
  f: {
    ttl: Parameters<typeof loadCollection>[3]['ttl'];
    rule: DataPlane['faults']['restoreLosesCollection'];
    loseIndex?: string;
  },
): Promise<void> {
  const { ttl, rule } = f;
  const [sdb, scoll] = split(item.sourceNamespace);
  const source = manifest.namespaces.find((n) => n.db === sdb && n.collection === scoll)!;
  if (j.writeStrategy === 'OVERWRITE_EXISTING') {
    const [db, coll] = split(item.targetNamespace);
    await client
      .db(db)
      .collection(coll)
      .drop()
      .catch(() => undefined);
    item.effectiveTargetNamespace = item.targetNamespace;
  } else {
    item.effectiveTargetNamespace = await effectiveName(client, item.targetNamespace);
  }
  const [db, collection] = split(item.effectiveTargetNamespace);
  const lost =
    rule && (!rule.clusterName || rule.clusterName === j.targetClusterName) && rule.namespace === item.sourceNamespace;
  await loadCollection(
    client,
    j.sourceDir!,
    { source, db, collection, lose: lost ? rule.mode : undefined, loseIndex: f.loseIndex },
    { indexStrategy: j.indexStrategy, ttl },
  );
}

/** Registered as data plane work: starts each pending job's load once it is past INITIALIZING. */
export function collectionRestoreWork(plane: DataPlane): void {
  const now = plane.model.now();
  for (const j of Object.values(plane.model.state.collectionRestores ?? {})) {
    if (j.dataState !== 'pending' || now < j.createdAt + INITIALIZING_MS) continue;
    plane.run(j.id, async () => {
      try {
        await loadJob(plane, j);
        j.dataState = 'done';
      } catch (e) {
        j.dataState = 'failed';
        j.errorMessage = (e as Error).message;
      }
      plane.model.changed();
    });
  }
}
