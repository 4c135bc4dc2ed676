import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_API_KEY, DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, fetchToken, startFast } from './helpers.js';
import { validateResponse } from './openapi-validator.js';

const run = promisify(execFile);
let sim: RunningSimulator;
let atlas: Atlas;
const G = DEMO_IDS.projectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };

beforeAll(async () => {
  // Long snapshot phases: the curl test needs the first snapshot still queued when the second arrives.
  sim = await startFast({
    seed: DEMO_SEED,
    auth: { tokenRateLimitPerMinute: 1000 },
    durations: { snapshotQueued: 5_000 },
  });
  atlas = await Atlas.connect(sim);
});
afterAll(() => sim.stop());

/** Runs the real curl binary; returns status, headers and the parsed body. */
async function curl(args: string[]) {
  const { stdout } = await run('curl', ['-sS', '--include', ...args], { timeout: 10_000 });
  const blocks = stdout.split(/\r\n\r\n/);
  const bodyText = blocks.pop() ?? '';
  const head = blocks.pop() ?? '';
  return {
    status: Number(/^HTTP\/[\d.]+ (\d+)/.exec(head)?.[1]),
    head,
    body: bodyText ? JSON.parse(bodyText) : undefined,
  };
}

describe('the seeds’ curl commands against the simulator', () => {
  const forms = async (version: string, method: string, path: string, payload?: string) => {
    const token = (await fetchToken(sim.url)).body.access_token as string;
    const common = [
      '--header',
      `Accept: application/vnd.atlas.${version}+json`,
      ...(payload ? ['--header', 'Content-Type: application/json', '-d', payload] : []),
      '-X',
      method,
      `${sim.url}${path}`,
    ];
    return {
      bearer: () => curl(['--header', `Authorization: Bearer ${token}`, ...common]),
      digest: () =>
        curl(['--user', `${DEFAULT_API_KEY.publicKey}:${DEFAULT_API_KEY.privateKey}`, '--digest', ...common]),
    };
  };
  const base = `/api/atlas/v2/groups/${G}`;

  it('000 takeSnapshots (Bearer and --digest)', async () => {
    const f = await forms(
      '2024-08-05',
      'POST',
      `${base}/clusters/${DEMO_IDS.sharded}/backup/snapshots`,
      '{"description":"curl","retentionInDays":1}',
    );
    const b = await f.bearer();
    expect(b.status).toBe(200);
    validateResponse('takeSnapshots', b.status, b.body);
    const d = await f.digest();
    expect([d.status, d.body.errorCode]).toEqual([400, 'UNFINISHED_ON_DEMAND_SNAPSHOT']);
    validateResponse('takeSnapshots', d.status, d.body);
  });

  // Seeds 001 createBackupExport, 004 getBackupExport, 003 createBackupRestoreJob, 002 getServerlessBackupSnapshot.
  it('seeds 001/004/003/002: create and get an export, create a restore job, get a serverless snapshot', async () => {
    const snap = await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.replicaSet, ageMs: 10_000 });
    const exp = await forms(
      '2024-08-05',
      'POST',
      `${base}/clusters/${DEMO_IDS.replicaSet}/backup/exports`,
      JSON.stringify({
        snapshotId: snap.id,
        exportBucketId: DEMO_IDS.bucketId,
        customData: [{ key: 'k', value: 'v' }],
      }),
    );
    for (const call of [exp.bearer, exp.digest]) {
      const r = await call();
      expect(r.status).toBe(200);
      validateResponse('createBackupExport', r.status, r.body);
      const get = await forms(
        '2025-03-12',
        'GET',
        `${base}/clusters/${DEMO_IDS.replicaSet}/backup/exports/${r.body.id}?pretty=true`,
      );
      for (const g of [get.bearer, get.digest]) {
        const x = await g();
        expect([x.status, x.body.id]).toEqual([200, r.body.id]);
        expect(x.head.toLowerCase()).toContain('content-type: application/vnd.atlas.2025-03-12+json');
        validateResponse('getBackupExport', x.status, x.body);
      }
    }
    const restore = await forms(
      '2025-03-12',
      'POST',
      `${base}/clusters/${DEMO_IDS.replicaSet}/backup/restoreJobs`,
      JSON.stringify({ deliveryType: 'download', snapshotId: snap.id }),
    );
    for (const call of [restore.bearer, restore.digest]) {
      const r = await call();
      expect(r.status).toBe(200);
      validateResponse('createBackupRestoreJob', r.status, r.body);
    }
    const sl = await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.serverless });
    const get = await forms(
      '2023-02-01',
      'GET',
      `${base}/serverless/${DEMO_IDS.serverless}/backup/snapshots/${sl.id}?pretty=true`,
    );
    for (const call of [get.bearer, get.digest]) {
      const r = await call();
      expect(r.status).toBe(200);
      validateResponse('getServerlessBackupSnapshot', r.status, r.body);
    }
  });
});

describe('auth', () => {
  it('rejects missing, wrong and revoked credentials with 401 and a digest challenge', async () => {
    const anon = await new Atlas(sim).call('listBackupSnapshots', RS);
    expect(anon.status).toBe(401);
    expect(anon.headers.get('www-authenticate')).toMatch(/Digest realm="MMS Public API".*qop="auth"/);
    expect((await new Atlas(sim, 'not-a-token').call('listBackupSnapshots', RS)).status).toBe(401);
    const wrong = await curl([
      '--user',
      `${DEFAULT_API_KEY.publicKey}:wrong`,
      '--digest',
      '--header',
      'Accept: application/vnd.atlas.2023-01-01+json',
      `${sim.url}/api/atlas/v2/groups/${G}/clusters/${DEMO_IDS.replicaSet}/backup/snapshots`,
    ]);
    expect(wrong.status).toBe(401);
    const fresh = await Atlas.connect(sim);
    await sim.admin.revokeTokens();
    expect((await fresh.call('listBackupSnapshots', RS)).status).toBe(401);
    atlas = await Atlas.connect(sim);
  });

  it('rejects bad client credentials and grant types at the token endpoint', async () => {
    const bad = await fetch(`${sim.url}/api/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('x:y').toString('base64')}` },
      body: 'grant_type=client_credentials',
    });
    expect(bad.status).toBe(401);
    expect(await bad.text()).not.toContain('y"');
  });

  it('limits token requests per client to N a minute → 429 RATE_LIMITED with Retry-After', async () => {
    const s = await startFast({ auth: { tokenRateLimitPerMinute: 3 } });
    try {
      for (let i = 0; i < 3; i++) expect((await fetchToken(s.url)).status).toBe(200);
      const limited = await fetchToken(s.url);
      expect([limited.status, limited.body.errorCode]).toEqual([429, 'RATE_LIMITED']);
      validateResponse('oauthToken', 429, limited.body);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await s.admin.counters()).oauthToken).toBe(4);
    } finally {
      await s.stop();
    }
  });
});

describe('versions, envelope, pretty, pagination, path rules', () => {
  it.each([[null], ['2099-01-01'], ['2024-13']])(
    'answers 406 INVALID_VERSION_DATE for Accept version %s',
    async (version) => {
      const r = await atlas.call('listBackupSnapshots', RS, { version });
      expect([r.status, r.body.errorCode]).toEqual([406, 'INVALID_VERSION_DATE']);
    },
  );

  it('serves both the catalog and the spec version, naming it in Content-Type; other known dates → 406', async () => {
    for (const v of ['2024-08-05', '2023-01-01']) {
      const r = await atlas.call(
        'listBackupShardedClusters',
        { groupId: G, clusterName: DEMO_IDS.sharded },
        { version: v === '2024-08-05' ? '2023-01-01' : v },
      );
      expect(r.headers.get('content-type')).toContain('application/vnd.atlas.2023-01-01+json');
      const t = await atlas.call('getCluster', RS, { version: '2024-08-05' });
      expect(t.headers.get('content-type')).toContain('application/vnd.atlas.2024-08-05+json');
    }
    const spec = await atlas.call('createBackupRestoreJob', RS, {
      version: '2023-01-01',
      body: { deliveryType: 'download' },
    });
    // An accepted version: the body rule applies.
    expect([spec.status, spec.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
    expect((await atlas.call('listBackupSnapshots', RS, { version: '2024-10-23' })).status).toBe(406);
  });

  it('wraps in an envelope, pretty-prints and paginates with links and totalCount', async () => {
    for (let i = 0; i < 5; i++)
      await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.replicaSet, ageMs: 1_000_000 + i });
    const all = (await atlas.call('listBackupSnapshots', RS)).body.totalCount as number;
    const p2 = await atlas.call('listBackupSnapshots', RS, { query: { itemsPerPage: '2', pageNum: '2' } });
    expect(p2.body.results).toHaveLength(2);
    expect(p2.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'previous', 'next']);
    const noCount = await atlas.call('listBackupSnapshots', RS, {
      query: { includeCount: 'false', itemsPerPage: '500' },
    });
    expect(noCount.body.totalCount).toBeUndefined();
    expect(noCount.body.results).toHaveLength(all);
    expect((await atlas.call('listBackupSnapshots', RS, { query: { itemsPerPage: '501' } })).status).toBe(400);
    const env = await atlas.call('listBackupSnapshots', RS, { query: { envelope: 'true' } });
    expect([env.status, env.body.status]).toEqual([200, 200]);
    const single = await atlas.call('getCluster', RS, { query: { envelope: 'true', pretty: 'true' } });
    expect(single.body).toMatchObject({ status: 200, content: { name: DEMO_IDS.replicaSet, stateName: 'IDLE' } });
    expect(single.text).toContain('\n  "status": 200');
    const err = await atlas.call('getCluster', { groupId: G, clusterName: 'nope' }, { query: { envelope: 'true' } });
    expect([err.status, err.body.status, err.body.content.errorCode]).toEqual([200, 404, 'CLUSTER_NOT_FOUND']);
  });

  it('answers 400 naming the parameter for bad path patterns, and 404 for unknown groups and clusters', async () => {
    const badGroup = await atlas.call('listBackupSnapshots', { groupId: 'xyz', clusterName: 'c' });
    expect([badGroup.status, badGroup.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
    expect(badGroup.body.detail).toContain('groupId');
    const badName = await atlas.call('getCluster', { groupId: G, clusterName: '-bad' });
    expect(badName.body.detail).toContain('clusterName');
    const noGroup = await atlas.call('getCluster', { groupId: 'eeeeeeeeeeeeeeeeeeeeeeee', clusterName: 'c' });
    expect([noGroup.status, noGroup.body.errorCode]).toEqual([404, 'GROUP_NOT_FOUND']);
    const badJson = await fetch(`${sim.url}${atlas.path('takeSnapshots', RS)}`, {
      method: 'POST',
      headers: { authorization: 'x', accept: 'application/vnd.atlas.2024-08-05+json' },
      body: '{',
    });
    expect(badJson.status).toBe(401);
  });
});

describe('faults, admin API and state file', () => {
  it('injects seeded, repeatable faults with Retry-After, and per-project rate limits', async () => {
    const pattern = async () => {
      await sim.admin.setFaults({ seed: 42, operations: { getCluster: { status503: 0.3, status500: 0.2 } } });
      const out: number[] = [];
      for (let i = 0; i < 20; i++) out.push((await atlas.call('getCluster', RS)).status);
      return out;
    };
    const a = await pattern();
    expect(await pattern()).toEqual(a);
    expect(a).toContain(503);
    expect(a).toContain(200);
    await sim.admin.setFaults({ operations: { getCluster: { status429: 1, retryAfterSeconds: 7 } } });
    const r = await atlas.call('getCluster', RS);
    expect([r.status, r.body.errorCode, r.headers.get('retry-after')]).toEqual([429, 'RATE_LIMITED', '7']);
    await sim.admin.setFaults({ projectRateLimitPerMinute: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await atlas.call('getCluster', RS)).status);
    expect(statuses).toEqual([200, 200, 429]);
    await sim.admin.clearFaults();
    await expect(sim.admin.setFaults({ operations: { x: { status500: 2 } } })).rejects.toThrow(/status500/);
  });

  it('commits a create and then drops the response (the client sees a reset)', async () => {
    await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.replicaSet });
    const before = (await sim.admin.resources()).exports.length;
    const snap = await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.replicaSet });
    await sim.admin.setFaults({ operations: { createBackupExport: { dropResponse: 1 } } });
    await expect(
      atlas.call('createBackupExport', RS, { body: { snapshotId: snap.id, exportBucketId: DEMO_IDS.bucketId } }),
    ).rejects.toThrow();
    await sim.admin.setFaults({ operations: { getCluster: { truncate: 1 } } });
    await expect(atlas.call('getCluster', RS)).rejects.toThrow();
    await sim.admin.clearFaults();
    expect((await sim.admin.resources()).exports.length).toBe(before + 1);
    const log = await sim.admin.requestLog();
    expect(log.at(-1)).toMatchObject({ operationId: 'getCluster', auth: 'bearer' });
    expect((await sim.admin.counters()).createBackupExport).toBeGreaterThan(0);
  });

  it('keeps state across a restart with a state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-sim-'));
    const stateFile = join(dir, 'state.json');
    try {
      const a = await startFast({ stateFile, seed: DEMO_SEED });
      const s = await a.admin.addScheduledSnapshot({
        groupId: G,
        clusterName: DEMO_IDS.replicaSet,
        description: 'persisted',
      });
      await a.stop();
      const b = await startFast({ stateFile });
      try {
        const r = await (await Atlas.connect(b)).call('getClusterBackupSnapshot', { ...RS, snapshotId: s.id });
        expect([r.status, r.body.description]).toEqual([200, 'persisted']);
      } finally {
        await b.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
