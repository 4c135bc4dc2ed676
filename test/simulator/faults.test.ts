// The fault modes users rehearse with (docs/simulator.md, fault injection): each one observed over HTTP.
// Timing assertions are lower bounds only, so a busy machine cannot make them fail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, startFast } from './helpers.js';

let sim: RunningSimulator;
let atlas: Atlas;
const G = DEMO_IDS.projectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };

beforeAll(async () => {
  sim = await startFast({ seed: DEMO_SEED });
  atlas = await Atlas.connect(sim);
});
afterAll(() => sim.stop());
beforeEach(() => sim.admin.clearFaults());

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await fn();
  return [v, performance.now() - t0];
}

describe('fault injection', () => {
  it('adds latency spikes on top of constant latency', async () => {
    await sim.admin.setFaults({ operations: { getCluster: { spikeProbability: 1, spikeMs: 400 } } });
    const [r, ms] = await timed(() => atlas.call('getCluster', RS));
    expect(r.status).toBe(200);
    expect(ms).toBeGreaterThanOrEqual(390);
  });

  it('injects 401 (with a digest challenge) and 403 per operation, leaving other operations alone', async () => {
    await sim.admin.setFaults({ operations: { getCluster: { status401: 1 }, listBackupSnapshots: { status403: 1 } } });
    const u = await atlas.call('getCluster', RS);
    expect([u.status, u.body.errorCode]).toEqual([401, 'UNAUTHORIZED']);
    expect(u.headers.get('www-authenticate')).toMatch(/^Digest /);
    const f = await atlas.call('listBackupSnapshots', RS);
    expect([f.status, f.body.errorCode]).toEqual([403, 'IP_ADDRESS_NOT_ON_ACCESS_LIST']);
    expect((await atlas.call('listBackupExports', RS)).status).toBe(200);
  });

  it('sends Retry-After with an injected 503', async () => {
    await sim.admin.setFaults({ operations: { getCluster: { status503: 1, retryAfterSeconds: 9 } } });
    const r = await atlas.call('getCluster', RS);
    expect([r.status, r.headers.get('retry-after')]).toEqual([503, '9']);
  });

  it('commits a create, then answers 503 (commitThenStatus)', async () => {
    const before = (await sim.admin.resources()).restoreJobs.length;
    const { id } = await sim.admin.addScheduledSnapshot(RS);
    await sim.admin.setFaults({ operations: { createBackupRestoreJob: { commitThenStatus: 1, commitStatus: 503 } } });
    const r = await atlas.call('createBackupRestoreJob', RS, { body: { deliveryType: 'download', snapshotId: id } });
    expect([r.status, r.body.errorCode, r.headers.get('retry-after')]).toEqual([503, 'SERVICE_UNAVAILABLE', '1']);
    expect((await sim.admin.resources()).restoreJobs.length).toBe(before + 1);
  });

  it('commits a create, then stalls past the client’s timeout (commitThenStall)', async () => {
    const before = (await sim.admin.resources()).snapshots.length;
    await sim.admin.setFaults({ operations: { takeSnapshots: { commitThenStall: 1, stallMs: 60_000 } } });
    const r = await atlas
      .call('takeSnapshots', { groupId: G, clusterName: DEMO_IDS.sharded }, { signal: AbortSignal.timeout(500) })
      .catch((e: unknown) => e);
    expect((r as Error).name).toBe('TimeoutError');
    expect((await sim.admin.resources()).snapshots.length).toBe(before + 1);
  });

  it('sends the whole body slowly (slowBody)', async () => {
    await sim.admin.setFaults({ operations: { getCluster: { slowBody: 1, slowBodyMs: 500 } } });
    const [r, ms] = await timed(() => atlas.call('getCluster', RS));
    expect([r.status, r.body.name]).toEqual([200, DEMO_IDS.replicaSet]);
    expect(ms).toBeGreaterThanOrEqual(400);
  });

  it('echoes the request headers (echoHeaders), so a client can prove it never logs them', async () => {
    await sim.admin.setFaults({
      operations: { getCluster: { echoHeaders: 1, status500: 1 }, listBackupExports: { echoHeaders: 1 } },
    });
    const err = await atlas.call('getCluster', RS);
    expect(err.status).toBe(500);
    expect(err.body.detail).toContain(`Bearer ${atlas.token}`);
    const ok = await atlas.call('listBackupExports', RS);
    expect(ok.headers.get('x-simulator-echoed-headers')).toContain(atlas.token);
  });

  it('refuses unknown fault settings', async () => {
    await expect(sim.admin.setFaults({ operations: { x: { commitStatus: 418 as 500 } } })).rejects.toThrow(
      /commitStatus/,
    );
    await expect(sim.admin.setFaults({ operations: { x: { spikeProbability: 2 } } })).rejects.toThrow(
      /spikeProbability/,
    );
  });
});
