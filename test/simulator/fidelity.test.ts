// Details where the simulator used to differ from Atlas: restore job fields, rate-limit headers,
// the demo's serverless snapshot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, startFast } from './helpers.js';

let sim: RunningSimulator;
let atlas: Atlas;
const G = DEMO_IDS.projectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };
const SH = { groupId: G, clusterName: DEMO_IDS.sharded };
const target = { targetGroupId: DEMO_IDS.targetProjectId, targetClusterName: DEMO_IDS.restoreTarget };

beforeAll(async () => {
  sim = await startFast({ seed: DEMO_SEED });
  atlas = await Atlas.connect(sim);
});
afterAll(() => sim.stop());

describe('restore jobs as Atlas returns them', () => {
  it('gives the snapshot’s time as timestamp, and a download job echoes no target or point in time', async () => {
    const snap = await sim.admin.addScheduledSnapshot({ ...RS, ageMs: 3 * 86_400_000 });
    const taken = (await atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: snap.id })).body.createdAt;
    const r = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'download', snapshotId: snap.id, ...target, pointInTimeUTCSeconds: 1_700_000_000 },
    });
    expect(r.status).toBe(200);
    expect(r.body.timestamp).toBe(taken);
    for (const k of ['targetGroupId', 'targetClusterName', 'pointInTimeUTCSeconds', 'desiredTimestamp'])
      expect(r.body).not.toHaveProperty(k);
  });

  it('returns desiredTimestamp for point-in-time restores', async () => {
    await sim.admin.addScheduledSnapshot({ ...RS, ageMs: 3_600_000 });
    const at = Math.floor(Date.now() / 1000) - 60;
    const r = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'pointInTime', pointInTimeUTCSeconds: at, ...target },
    });
    expect(r.status).toBe(200);
    expect(r.body.desiredTimestamp.date).toBe(new Date(at * 1000).toISOString().replace('.000Z', 'Z'));
  });

  it('returns one component per shard and config server for a sharded restore', async () => {
    const snap = await sim.admin.addScheduledSnapshot({ ...SH, ageMs: 1000 });
    const r = await atlas.call('createBackupRestoreJob', SH, {
      body: { deliveryType: 'download', snapshotId: snap.id },
    });
    expect(r.body.components.map((c: { replicaSetName: string }) => c.replicaSetName)).toEqual([
      `${DEMO_IDS.sharded}-shard-0`,
      `${DEMO_IDS.sharded}-shard-1`,
      `${DEMO_IDS.sharded}-config-0`,
    ]);
  });
});

describe('headers and seed', () => {
  it('sends RateLimit-Limit and RateLimit-Remaining, counting down when a project limit is set', async () => {
    const free = await atlas.call('getCluster', RS);
    expect(Number(free.headers.get('ratelimit-limit'))).toBeGreaterThan(0);
    await sim.admin.setFaults({ projectRateLimitPerMinute: 3 });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const r = await atlas.call('getCluster', RS);
      seen.push([r.status, r.headers.get('ratelimit-limit'), r.headers.get('ratelimit-remaining')]);
    }
    await sim.admin.clearFaults();
    expect(seen).toEqual([
      [200, '3', '2'],
      [200, '3', '1'],
      [200, '3', '0'],
      [429, '3', '0'],
    ]);
  });

  it('seeds the demo serverless instance with a snapshot to list', async () => {
    const r = await atlas.call('listServerlessBackupSnapshots', { groupId: G, clusterName: DEMO_IDS.serverless });
    expect(r.body.results.length).toBeGreaterThanOrEqual(1);
    expect(r.body.results[0].status).toBe('completed');
  });
});
