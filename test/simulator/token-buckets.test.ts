// Atlas's token buckets over HTTP: capacity then 429 RATE_LIMITED_TOKEN_BUCKET with Atlas's
// parameters, a bucket per project, stepwise refill on the simulator clock, RateLimit-* headers
// that are sometimes absent, and listRateLimits/getRateLimit showing defaults and overrides.
import { afterEach, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { SimApi } from './data-api.js';
import { fetchToken, startFast } from './helpers.js';

const G = DEMO_IDS.projectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };
let sim: RunningSimulator | undefined;
afterEach(() => sim?.stop());

async function start(rateLimits: SimulatorOptions['rateLimits']) {
  sim = await startFast({ seed: DEMO_SEED, rateLimits });
  return new SimApi(sim, (await fetchToken(sim.url)).body.access_token);
}

describe('token buckets', () => {
  it('spends the capacity, then answers 429 RATE_LIMITED_TOKEN_BUCKET until a refill period passes', async () => {
    const api = await start({
      sets: { cloudBackups_group: { capacity: 3, refillRate: 2, refillDurationSeconds: 60 } },
    });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      const r = await api.call('listBackupSnapshots', RS);
      seen.push([r.status, r.headers.get('ratelimit-limit'), r.headers.get('ratelimit-remaining')]);
    }
    expect(seen).toEqual([
      [200, '3', '2'],
      [200, '3', '1'],
      [200, '3', '0'],
      [429, '3', '0'],
    ]);
    const refused = await api.call('listBackupSnapshots', RS);
    const path = `api/atlas/v2/groups/${G}/clusters/${DEMO_IDS.replicaSet}/backup/snapshots`;
    expect(refused.body.errorCode).toBe('RATE_LIMITED_TOKEN_BUCKET');
    const [p, retry, ...rest] = refused.body.parameters;
    expect([p, ...rest]).toEqual([path, 3, 2, 60]);
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(60);
    expect(Number(refused.headers.get('retry-after'))).toBe(retry);
    expect(refused.body.detail).toBe(
      `Rate limit exceeded for ${path}. Please retry after ${retry} seconds. ` +
        'Request capacity: 3. Refill rate: 2 per 60 seconds.',
    );
    // Another project has its own bucket; another endpoint set is not touched.
    const other = { groupId: DEMO_IDS.targetProjectId, clusterName: DEMO_IDS.restoreTarget };
    expect((await api.call('listBackupSnapshots', other)).status).toBe(200);
    expect((await api.call('getCluster', RS)).status).toBe(200);
    await sim!.admin.advanceClock(60_000);
    const after = [];
    for (let i = 0; i < 3; i++) after.push((await api.call('listBackupSnapshots', RS)).status);
    expect(after).toEqual([200, 200, 429]);
  });

  it('scales the refill period by timeScale', async () => {
    sim = await startFast({
      seed: DEMO_SEED,
      timeScale: 0.001,
      rateLimits: { sets: { cloudBackups_group: { capacity: 1, refillRate: 1, refillDurationSeconds: 60 } } },
    });
    const api = new SimApi(sim, (await fetchToken(sim.url)).body.access_token);
    expect((await api.call('listBackupSnapshots', RS)).status).toBe(200);
    // 60 s scaled by 0.001 is 60 ms of real time: waiting on the condition, not on a budget.
    let status = 429;
    for (let i = 0; i < 200 && status === 429; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = (await api.call('listBackupSnapshots', RS)).status;
    }
    expect(status).toBe(200);
  });

  it('drops the RateLimit-* headers with the configured probability, repeatably', async () => {
    const api = await start({ headerDropProbability: 1 });
    const r = await api.call('getCluster', RS);
    expect([r.status, r.headers.get('ratelimit-limit'), r.headers.get('ratelimit-remaining')]).toEqual([
      200,
      null,
      null,
    ]);
    await sim!.stop();
    const run = async () => {
      const a = await start({ headerDropProbability: 0.5, seed: 7 });
      const present = [];
      for (let i = 0; i < 20; i++) present.push((await a.call('getCluster', RS)).headers.has('ratelimit-limit'));
      await sim!.stop();
      return present;
    };
    const first = await run();
    expect(first).toContain(true);
    expect(first).toContain(false);
    expect(await run()).toEqual(first);
  });

  it('lists endpoint sets with Atlas defaults, overrides with their defaultValue, and filters', async () => {
    const api = await start({ sets: { databaseUsers_group: { capacity: 50 } } });
    const all = await api.call('listRateLimits', {});
    const byId = Object.fromEntries(all.body.results.map((s: { endpointSetId: string }) => [s.endpointSetId, s]));
    expect(byId.cloudBackups_group).toMatchObject({
      scope: 'GROUP',
      capacity: { value: 1200 },
      refillRate: { value: 500 },
      refillDurationSeconds: { value: 60 },
    });
    expect(byId.cloudBackups_group.capacity.defaultValue).toBeUndefined();
    expect(byId.databaseUsers_group.capacity).toEqual({ value: 50, defaultValue: 10000 });
    const group = await api.call('listRateLimits', {}, { query: `groupId=${G}` });
    expect(new Set(group.body.results.map((s: { scope: string }) => s.scope))).toEqual(new Set(['GROUP']));
    const byPath = await api.call(
      'listRateLimits',
      {},
      { query: `endpointPath=${encodeURIComponent('/api/atlas/v2/groups/{groupId}/databaseUsers')}` },
    );
    expect(byPath.body.results.map((s: { endpointSetId: string }) => s.endpointSetId)).toEqual(['databaseUsers_group']);
    const one = await api.call('getRateLimit', { endpointSetId: 'rateLimitsInspection_user' });
    expect(one.body).toMatchObject({ scope: 'USER', capacity: { value: 300 } });
    const none = await api.call('getRateLimit', { endpointSetId: 'nope' });
    expect([none.status, none.body.errorCode]).toEqual([404, 'RATE_LIMIT_ENDPOINT_SET_NOT_FOUND']);
    const two = await api.call('listRateLimits', {}, { query: `groupId=${G}&ipAddress=127.0.0.1` });
    expect(two.status).toBe(400);
  });

  it('is off with enabled: false (unlimited headers, as before)', async () => {
    const api = await start({ enabled: false, sets: { cloudBackups_group: { capacity: 1 } } });
    for (let i = 0; i < 3; i++) expect((await api.call('listBackupSnapshots', RS)).status).toBe(200);
  });
});
