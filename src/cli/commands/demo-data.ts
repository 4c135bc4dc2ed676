// The demo's closing proof: the restored cluster's collections and counts next to the source's,
// both read with the official driver through the connection string Atlas (the simulator) gives
// for each cluster — the way a user would check a restore, not through the simulator's internals.
import type { MongoClient } from 'mongodb';
import type { AtlasClient } from '../../atlas/index.js';

export interface ClusterRef {
  groupId: string;
  clusterName: string;
}

const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);

/** The cluster's `connectionStrings.standard`, as getCluster answers it. */
async function standardConnectionString(atlas: AtlasClient, ref: ClusterRef): Promise<string> {
  const cluster = await atlas.request('getCluster', { path: ref });
  const standard = (cluster as { connectionStrings?: { standard?: unknown } }).connectionStrings?.standard;
  if (typeof standard !== 'string') throw new Error(`getCluster ${ref.clusterName}: no connectionStrings.standard`);
  return standard;
}

/** `db.collection` → document count, for every user collection of the cluster. */
async function counts(atlas: AtlasClient, ref: ClusterRef): Promise<Map<string, number>> {
  const { MongoClient } = await import('mongodb');
  const client: MongoClient = await new MongoClient(await standardConnectionString(atlas, ref), {
    directConnection: true,
    serverSelectionTimeoutMS: 10_000,
  }).connect();
  try {
    const out = new Map<string, number>();
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    for (const { name } of databases.filter((d) => !SYSTEM_DATABASES.has(d.name))) {
      const collections = await client.db(name).listCollections({}, { nameOnly: true }).toArray();
      // collStats' count: FerretDB counts the table's rows from SQLite's page statistics, exact and
      // quick, where countDocuments reads every document of the 100k collection.
      for (const c of collections) {
        const stats = await client.db(name).command({ collStats: c.name });
        out.set(`${name}.${c.name}`, Number(stats.count));
      }
    }
    return out;
  } finally {
    await client.close();
  }
}

const n = (x: number | undefined) => (x === undefined ? '—' : x.toLocaleString('en-US'));

/** One aligned line per namespace of either cluster; `ok` when every count matches. */
export async function compareData(
  atlas: AtlasClient,
  source: ClusterRef,
  restored: ClusterRef,
): Promise<{ lines: string[]; ok: boolean }> {
  const [a, b] = await Promise.all([counts(atlas, source), counts(atlas, restored)]);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const nameWidth = Math.max(10, ...names.map((x) => x.length));
  const countWidth = Math.max(1, ...names.flatMap((x) => [n(a.get(x)).length, n(b.get(x)).length]));
  let ok = names.length > 0;
  const lines = names.map((x) => {
    const same = a.get(x) === b.get(x);
    ok &&= same;
    const cols = `source ${n(a.get(x)).padStart(countWidth)}  restored ${n(b.get(x)).padStart(countWidth)}`;
    return `  ${x.padEnd(nameWidth)}  ${cols}  ${same ? '✓' : '✗'}`;
  });
  return { lines, ok };
}
