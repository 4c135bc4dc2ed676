// The snapshot capture format, shared by everything that reads a captured snapshot (restores,
// exports, download archives): <dataDir>/snapshots/<snapshotId>/manifest.json plus one
// <db>/<collection>.jsonl per collection, canonical Extended JSON, one document per line.
import { createReadStream, createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { BSON, type Document } from 'mongodb';

/** One index as listIndexes describes it (TTL ones carry expireAfterSeconds). */
export interface IndexSpec {
  key: Record<string, number | string>;
  name: string;
  unique?: boolean;
  expireAfterSeconds?: number;
  [option: string]: unknown;
}

export interface NamespaceEntry {
  db: string;
  collection: string;
  count: number;
  indexes: IndexSpec[];
}

export interface SnapshotManifest {
  snapshotId: string;
  clusterName: string;
  /** ISO 8601. */
  capturedAt: string;
  namespaces: NamespaceEntry[];
}

export const MANIFEST_FILE = 'manifest.json';

export function snapshotDir(dataDir: string, snapshotId: string): string {
  return join(dataDir, 'snapshots', snapshotId);
}

export function collectionFile(dir: string, db: string, collection: string): string {
  return join(dir, db, `${collection}.jsonl`);
}

export function readSnapshotManifest(dir: string): SnapshotManifest {
  return JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as SnapshotManifest;
}

export function writeSnapshotManifest(dir: string, manifest: SnapshotManifest): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Writes documents as canonical Extended JSON lines, honouring back-pressure; returns the count. */
export async function writeCollectionFile(
  dir: string,
  db: string,
  collection: string,
  docs: AsyncIterable<Document>,
): Promise<number> {
  mkdirSync(join(dir, db), { recursive: true });
  const out = createWriteStream(collectionFile(dir, db, collection));
  let n = 0;
  for await (const doc of docs) {
    if (!out.write(`${BSON.EJSON.stringify(doc, { relaxed: false })}\n`)) await once(out, 'drain');
    n++;
  }
  out.end();
  await once(out, 'finish');
  return n;
}

/** Reads a collection file back in batches of `batchSize` documents. */
export async function* readCollectionFile(
  dir: string,
  db: string,
  collection: string,
  batchSize = 5_000,
): AsyncGenerator<Document[]> {
  const lines = createInterface({ input: createReadStream(collectionFile(dir, db, collection)), crlfDelay: Infinity });
  let batch: Document[] = [];
  for await (const line of lines) {
    if (line.trim() === '') continue;
    batch.push(BSON.EJSON.parse(line, { relaxed: false }) as Document);
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
