// The source's manifest: per user collection, its document count and index specs, read right
// before the snapshot so a restore can be compared with what the source held. Reads only.
import { createHash } from 'node:crypto';
import type { Db, MongoClient } from 'mongodb';
import {
  CANARY_DATABASE,
  MANIFEST_LIMITS,
  manifestSchema,
  type Manifest,
  type ManifestIndex,
} from '../contract/verification.js';
import { scrubbed } from './connect.js';
import { mapLimit } from './pool.js';

/** Databases Atlas keeps for itself: never part of a manifest or a verification. */
export const SYSTEM_DATABASES: readonly string[] = ['admin', 'local', 'config'];

export interface CaptureOptions {
  /** More databases to leave out (the canary's and the system ones always are). */
  excludeDbs?: readonly string[];
  /** `estimated` reads collection metadata (constant time); `exact` counts documents. */
  countMethod?: 'estimated' | 'exact';
  /** Collections read at once (default 4). */
  parallelism?: number;
}

/** User databases of the cluster, sorted, without the system, canary and excluded ones. */
export async function userDatabases(client: MongoClient, exclude: readonly string[] = []): Promise<string[]> {
  const skip = new Set([...SYSTEM_DATABASES, CANARY_DATABASE, ...exclude]);
  const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
  return databases
    .map((d) => d.name)
    .filter((n) => !skip.has(n))
    .sort();
}

/** Collections of a database (views and system collections left out), sorted. */
export async function collectionsOf(db: Db): Promise<string[]> {
  const infos = await db.listCollections({}, { nameOnly: true }).toArray();
  return infos
    .filter((i) => (i as { type?: string }).type !== 'view' && !i.name.startsWith('system.'))
    .map((i) => i.name)
    .sort();
}

/** The parts of a listIndexes entry a restore must reproduce. */
export function indexOf(spec: Record<string, unknown>): ManifestIndex {
  return {
    name: String(spec.name),
    key: spec.key as ManifestIndex['key'],
    ...(spec.unique === true ? { unique: true } : {}),
    ...(typeof spec.expireAfterSeconds === 'number' ? { expireAfterSeconds: spec.expireAfterSeconds } : {}),
  };
}

/**
 * A collection's document count. `estimated` reads collection metadata through `$collStats`
 * (constant time on MongoDB and on FerretDB, whose `count` command scans; one result per shard
 * on a sharded cluster, summed), falling back to the `count` command where `$collStats` is
 * refused. `exact` counts the documents (an aggregation scan).
 */
export async function countOf(db: Db, collection: string, method: 'estimated' | 'exact'): Promise<number> {
  const c = db.collection(collection);
  if (method === 'exact') return c.countDocuments();
  try {
    const perShard = await c.aggregate<{ count?: number }>([{ $collStats: { count: {} } }]).toArray();
    if (perShard.length > 0 && perShard.every((s) => typeof s.count === 'number'))
      return perShard.reduce((n, s) => n + s.count!, 0);
  } catch {
    // Not every server or role allows $collStats: the count command answers the same question.
  }
  return c.estimatedDocumentCount();
}

/** Reads the manifest of every user collection, within MANIFEST_LIMITS (the rest counted as omitted). */
export async function captureManifest(client: MongoClient, o: CaptureOptions = {}): Promise<Manifest> {
  const capturedAt = new Date().toISOString();
  try {
    const names: { db: string; collection: string }[] = [];
    for (const db of await userDatabases(client, o.excludeDbs))
      for (const collection of await collectionsOf(client.db(db))) names.push({ db, collection });
    const kept = names.slice(0, MANIFEST_LIMITS.namespaces);
    const read = await mapLimit(kept, o.parallelism ?? 4, async ({ db, collection }) => {
      const d = client.db(db);
      const indexes = (await d.collection(collection).listIndexes().toArray()).map(indexOf);
      return { db, collection, count: await countOf(d, collection, o.countMethod ?? 'estimated'), indexes };
    });
    let indexBudget = MANIFEST_LIMITS.indexes;
    const namespaces = read.filter((n) => (indexBudget -= n.indexes.length) >= 0);
    return manifestSchema().parse({ capturedAt, namespaces, omittedNamespaces: names.length - namespaces.length });
  } catch (e) {
    throw scrubbed(e, 'capturing the manifest');
  }
}

/**
 * The manifest cut to at most `maxBytes` of JSON, keeping the first collections in order and counting
 * the rest as omitted, with the sha256 of the whole one (so a cut is visible and the original provable).
 */
export function fitManifest(manifest: Manifest, maxBytes: number): { manifest: Manifest; digest: string; cut: number } {
  const whole = JSON.stringify(manifest);
  const digest = createHash('sha256').update(whole).digest('hex');
  if (Buffer.byteLength(whole) <= maxBytes) return { manifest, digest, cut: 0 };
  const kept: Manifest['namespaces'] = [];
  let bytes = Buffer.byteLength(JSON.stringify({ ...manifest, namespaces: [] })) + 32;
  for (const n of manifest.namespaces) {
    bytes += Buffer.byteLength(JSON.stringify(n)) + 1;
    if (bytes > maxBytes) break;
    kept.push(n);
  }
  const cut = manifest.namespaces.length - kept.length;
  return {
    manifest: { ...manifest, namespaces: kept, omittedNamespaces: manifest.omittedNamespaces + cut },
    digest,
    cut,
  };
}
