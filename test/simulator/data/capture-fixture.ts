// Writes a snapshot capture the way the data plane does (manifest.json and one canonical Extended JSON
// line per document in <db>/<collection>.jsonl), so delivery tests need no wire-protocol server.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaptureManifest } from '../../../src/simulator/data/capture.js';

export interface FixtureCollection {
  db: string;
  collection: string;
  count: number;
  indexes?: Record<string, unknown>[];
}

/** A document in canonical Extended JSON (ObjectId, int32, date), as `mongoexport --jsonFormat=canonical` writes. */
export function canonicalDoc(ns: FixtureCollection, i: number): string {
  const oid = (0x65f1a0c0_000000 + i).toString(16).padStart(24, '0');
  return JSON.stringify({
    _id: { $oid: oid },
    n: { $numberInt: String(i) },
    ns: `${ns.db}.${ns.collection}`,
    at: { $date: { $numberLong: String(Date.UTC(2026, 0, 1) + i * 1000) } },
  });
}

export function writeCapture(
  dataDir: string,
  snapshotId: string,
  clusterName: string,
  collections: FixtureCollection[],
): CaptureManifest {
  const dir = join(dataDir, 'snapshots', snapshotId);
  const manifest: CaptureManifest = {
    snapshotId,
    clusterName,
    capturedAt: new Date().toISOString(),
    namespaces: collections.map((c) => ({
      db: c.db,
      collection: c.collection,
      count: c.count,
      indexes: c.indexes ?? [{ v: 2, key: { _id: 1 }, name: '_id_' }],
    })),
  };
  for (const c of collections) {
    mkdirSync(join(dir, c.db), { recursive: true });
    const lines = Array.from({ length: c.count }, (_, i) => `${canonicalDoc(c, i)}\n`).join('');
    writeFileSync(join(dir, c.db, `${c.collection}.jsonl`), lines);
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  return manifest;
}
