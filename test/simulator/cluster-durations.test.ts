// clusterDurations: one simulator holding jobs of different lengths, one length per cluster
// (bench/export-mix.ts runs a mix of export durations side by side with it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, startFast, until } from './helpers.js';

const G = DEMO_IDS.projectId;
const BUCKET = DEMO_IDS.bucketId;
let sim: RunningSimulator;
let atlas: Atlas;

beforeAll(async () => {
  sim = await startFast({
    timeScale: 0.5,
    seed: {
      projects: [
        {
          id: G,
          clusters: [
            { name: 'plain', kind: 'replicaSet' },
            { name: 'own-lengths', kind: 'replicaSet' },
          ],
          buckets: [{ id: BUCKET }],
        },
      ],
    },
    // Only some fields: the rest of the cluster's durations stay the simulator's (FAST's).
    clusterDurations: {
      'own-lengths': {
        snapshotInProgress: 60,
        exportQueued: 4_000,
        exportPerCollection: 7_000,
        exportTotalCollections: 9,
      },
    },
  });
  atlas = await Atlas.connect(sim);
});
afterAll(() => sim.stop());

/** Snapshot then export on one cluster; returns the export job's id. */
async function exportOf(clusterName: string): Promise<string> {
  const params = { groupId: G, clusterName };
  const snap = await atlas.call('takeSnapshots', params, { body: {} });
  expect(snap.status).toBe(200);
  await until(
    () => atlas.call('getClusterBackupSnapshot', { ...params, snapshotId: snap.body.id }),
    (r) => r.body.status === 'completed',
  );
  const exp = await atlas.call('createBackupExport', params, {
    body: { snapshotId: snap.body.id, exportBucketId: BUCKET },
  });
  expect(exp.status).toBe(200);
  return exp.body.id;
}

describe('simulator clusterDurations', () => {
  it("gives a listed cluster's jobs its own durations (scaled) and leaves other clusters alone", async () => {
    const [plain, own] = [await exportOf('plain'), await exportOf('own-lengths')];
    const { exports, snapshots } = await sim.admin.resources();
    const raw = (id: string) =>
      (
        exports as unknown as { id: string; queuedMs: number; perCollectionMs: number; totalCollections: number }[]
      ).find((e) => e.id === id);
    // FAST: 30 ms queued, 20 ms per collection, 4 collections; × 0.5.
    expect(raw(plain)).toMatchObject({ queuedMs: 15, perCollectionMs: 10, totalCollections: 4 });
    // Its own: 4 s queued, 7 s per collection (× 0.5), 9 collections (a count: not scaled).
    expect(raw(own)).toMatchObject({ queuedMs: 2_000, perCollectionMs: 3_500, totalCollections: 9 });
    const snaps = snapshots as unknown as { clusterName: string; queuedMs: number; inProgressMs: number }[];
    expect(snaps.find((s) => s.clusterName === 'own-lengths')).toMatchObject({ queuedMs: 50, inProgressMs: 30 });
    expect(snaps.find((s) => s.clusterName === 'plain')).toMatchObject({ queuedMs: 50, inProgressMs: 75 });
    // What Atlas clients see: the job's own collection count, still Queued.
    const read = await atlas.call('getBackupExport', { groupId: G, clusterName: 'own-lengths', exportId: own });
    expect(read.body.state).toBe('Queued');
    expect(read.body.exportStatus).toEqual({ exportedCollections: 0, totalCollections: 9 });
  });
});
