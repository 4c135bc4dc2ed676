// The demo's own look at the data: the restored cluster's collections and counts next to the
// source's, read with the official driver through the connection string Atlas (the simulator) gives
// for each cluster, as a database user the demo makes through the Admin API — the way a user would
// check a restore, not through the simulator's internals.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { MongoClient } from 'mongodb';
import type { AtlasClient } from '../../atlas/index.js';
import { connect } from '../../data/index.js';

export interface ClusterRef {
  groupId: string;
  clusterName: string;
}

const SYSTEM_DATABASES = new Set(['admin', 'config', 'local']);
/** Atlas deploys a new user to its clusters a moment after the 201: the login is tried until it works. */
const LOGIN_TRIES = 100;
const LOGIN_PAUSE_MS = 200;

export type Access = 'read' | 'readWrite';

/**
 * Database users the demo makes for itself (one per cluster and access, scoped to that cluster,
 * expiring within the hour) and the driver connections made as them; `close` deletes them again.
 * The passwords live only in this object's memory.
 */
export class DemoUsers {
  private readonly clients = new Map<string, Promise<MongoClient>>();
  private readonly made: { groupId: string; username: string }[] = [];

  constructor(private readonly atlas: AtlasClient) {}

  client(ref: ClusterRef, access: Access): Promise<MongoClient> {
    const key = `${ref.groupId}/${ref.clusterName}/${access}`;
    let client = this.clients.get(key);
    if (!client) this.clients.set(key, (client = this.connectAs(ref, access)));
    return client;
  }

  private async connectAs(ref: ClusterRef, access: Access): Promise<MongoClient> {
    const username = `demo-${access}-${randomBytes(4).toString('hex')}`;
    const password = randomBytes(24).toString('base64url');
    await this.atlas.request('createDatabaseUser', {
      path: { groupId: ref.groupId },
      body: {
        username,
        password,
        databaseName: 'admin',
        groupId: ref.groupId,
        roles: [{ roleName: `${access}AnyDatabase`, databaseName: 'admin' }],
        scopes: [{ name: ref.clusterName, type: 'CLUSTER' }],
        deleteAfterDate: new Date(Date.now() + 3_600_000).toISOString(),
        description: 'atlas-backup demo: reads the data to show it',
      },
    });
    this.made.push({ groupId: ref.groupId, username });
    const uri = await standardConnectionString(this.atlas, ref);
    for (let tries = 1; ; tries++) {
      try {
        return await connect(uri, { username, password }, { serverSelectionTimeoutMS: 10_000 });
      } catch (e) {
        if (tries >= LOGIN_TRIES) throw e;
        await sleep(LOGIN_PAUSE_MS);
      }
    }
  }

  async close(): Promise<void> {
    const clients = await Promise.allSettled(this.clients.values());
    for (const c of clients) if (c.status === 'fulfilled') await c.value.close().catch(() => undefined);
    for (const { groupId, username } of this.made)
      await this.atlas
        .request('deleteDatabaseUser', { path: { groupId, databaseName: 'admin', username } })
        .catch(() => undefined);
  }
}

/** The cluster's `connectionStrings.standard`, as getCluster answers it. */
async function standardConnectionString(atlas: AtlasClient, ref: ClusterRef): Promise<string> {
  const cluster = await atlas.request('getCluster', { path: ref });
  const standard = (cluster as { connectionStrings?: { standard?: unknown } }).connectionStrings?.standard;
  if (typeof standard !== 'string') throw new Error(`getCluster ${ref.clusterName}: no connectionStrings.standard`);
  return standard;
}

/**
 * A collection's document count, or undefined when it is not there. collStats' count: FerretDB
 * counts the table's rows from SQLite's page statistics, exact and quick, where countDocuments
 * reads every document of the 100k collection.
 */
export async function countOf(client: MongoClient, namespace: string): Promise<number | undefined> {
  const dot = namespace.indexOf('.');
  const db = client.db(namespace.slice(0, dot));
  const name = namespace.slice(dot + 1);
  const found = await db.listCollections({ name }, { nameOnly: true }).toArray();
  if (found.length === 0) return undefined;
  return Number((await db.command({ collStats: name })).count);
}

/** `db.collection` → document count, for every user collection of the cluster. */
async function counts(client: MongoClient): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  for (const { name } of databases.filter((d) => !SYSTEM_DATABASES.has(d.name))) {
    const collections = await client.db(name).listCollections({}, { nameOnly: true }).toArray();
    for (const c of collections) {
      const stats = await client.db(name).command({ collStats: c.name });
      out.set(`${name}.${c.name}`, Number(stats.count));
    }
  }
  return out;
}

export const countText = (x: number | undefined) => (x === undefined ? '—' : x.toLocaleString('en-US'));

/** One aligned line per namespace of either cluster; `ok` when every count matches. */
export async function compareData(
  source: MongoClient,
  restored: MongoClient,
): Promise<{ lines: string[]; ok: boolean }> {
  const [a, b] = await Promise.all([counts(source), counts(restored)]);
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const nameWidth = Math.max(10, ...names.map((x) => x.length));
  const countWidth = Math.max(1, ...names.flatMap((x) => [countText(a.get(x)).length, countText(b.get(x)).length]));
  const cell = (x: number | undefined) => countText(x).padStart(countWidth);
  let ok = names.length > 0;
  const lines = names.map((x) => {
    const same = a.get(x) === b.get(x);
    ok &&= same;
    const cols = `source ${cell(a.get(x))}  restored ${cell(b.get(x))}`;
    return `  ${x.padEnd(nameWidth)}  ${cols}  ${same ? '✓' : '✗'}`;
  });
  return { lines, ok };
}
