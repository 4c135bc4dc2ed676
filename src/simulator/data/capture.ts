// Reads a snapshot's captured data: `<dataDir>/snapshots/<snapshotId>/manifest.json` and one file of
// canonical Extended JSON lines per collection, `<db>/<collection>.jsonl`, as the data plane writes them
// when a snapshot completes. A snapshot without such a directory has no data (the simulator ran without it).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CapturedNamespace {
  db: string;
  collection: string;
  count: number;
  /** listIndexes-style specs ({v, key, name, unique?, expireAfterSeconds?, ...}). */
  indexes: Record<string, unknown>[];
}

export interface CaptureManifest {
  snapshotId: string;
  clusterName: string;
  capturedAt: string;
  namespaces: CapturedNamespace[];
}

export interface Capture {
  dir: string;
  manifest: CaptureManifest;
}

export function captureDir(dataDir: string, snapshotId: string): string {
  return join(dataDir, 'snapshots', snapshotId);
}

/** The collection's file, relative to the capture directory. */
export function namespaceFile(ns: Pick<CapturedNamespace, 'db' | 'collection'>): string {
  return `${ns.db}/${ns.collection}.jsonl`;
}

export function hasCapture(dataDir: string, snapshotId: string): boolean {
  return existsSync(join(captureDir(dataDir, snapshotId), 'manifest.json'));
}

/** The capture of a snapshot, or undefined when it has none; a malformed manifest is an error naming the file. */
export function readCapture(dataDir: string, snapshotId: string): Capture | undefined {
  const dir = captureDir(dataDir, snapshotId);
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return undefined;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as CaptureManifest;
  if (!Array.isArray(manifest.namespaces)) throw new Error(`${file}: namespaces must be an array`);
  for (const ns of manifest.namespaces) {
    if (typeof ns.db !== 'string' || typeof ns.collection !== 'string' || !Number.isInteger(ns.count))
      throw new Error(`${file}: each namespace needs db, collection (strings) and count (an integer)`);
  }
  return { dir, manifest };
}
