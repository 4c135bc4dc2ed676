// Temporary database users over HTTP: the week limit on deleteAfterDate, expiry on the simulator's
// clock, cluster scopes, the write-only password (never returned, never in the state file) and the
// data plane's lookup, model.databaseUsers.authenticate / forCluster.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { SimApi } from './data-api.js';
import { fetchToken, startFast } from './helpers.js';

const G = DEMO_IDS.projectId;
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-secret`;
const DAY = 86_400_000;
let sim: RunningSimulator;
let api: SimApi;
let dir: string;

const user = (username: string, extra: Record<string, unknown> = {}) => ({
  username,
  databaseName: 'admin',
  groupId: G,
  password: PASSWORD,
  roles: [{ roleName: 'readWrite', databaseName: 'app' }],
  ...extra,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sim-users-'));
  sim = await startFast({ seed: DEMO_SEED, stateFile: join(dir, 'state.json') });
  api = new SimApi(sim, (await fetchToken(sim.url)).body.access_token);
});
afterAll(async () => {
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('temporary database users', () => {
  it('creates a scoped temporary SCRAM user, never returning or storing its password in clear', async () => {
    const at = new Date(Date.now() + DAY).toISOString();
    const body = user('temp-reader', { deleteAfterDate: at, scopes: [{ name: DEMO_IDS.replicaSet, type: 'CLUSTER' }] });
    const created = await api.call('createDatabaseUser', { groupId: G }, { body });
    expect(created.status).toBe(201);
    expect(created.body.scopes).toEqual([{ name: DEMO_IDS.replicaSet, type: 'CLUSTER' }]);
    expect(Date.parse(created.body.deleteAfterDate)).toBe(Math.floor(Date.parse(at) / 1000) * 1000);
    const got = await api.call('getDatabaseUser', { groupId: G, databaseName: 'admin', username: 'temp-reader' });
    expect(got.status).toBe(200);
    for (const r of [created, got]) {
      expect(r.body.password).toBeUndefined();
      expect(r.text).not.toContain(PASSWORD);
    }
    await sim.stop();
    const state = readFileSync(join(dir, 'state.json'), 'utf8');
    expect(state).toContain('temp-reader');
    expect(state).not.toContain(PASSWORD);
    sim = await startFast({ seed: DEMO_SEED, stateFile: join(dir, 'state.json') });
    api = new SimApi(sim, (await fetchToken(sim.url)).body.access_token);
  });

  it('authenticates for the data plane only on the clusters in scope, with the right password', async () => {
    const users = sim.model.databaseUsers;
    expect(users.authenticate(G, DEMO_IDS.replicaSet, 'temp-reader', PASSWORD)).toEqual([
      { roleName: 'readWrite', databaseName: 'app' },
    ]);
    expect(users.authenticate(G, DEMO_IDS.replicaSet, 'temp-reader', `${PASSWORD}x`)).toBeUndefined();
    expect(users.authenticate(G, DEMO_IDS.sharded, 'temp-reader', PASSWORD)).toBeUndefined();
    expect(users.forCluster(G, DEMO_IDS.replicaSet).map((u) => u.username)).toContain('temp-reader');
    expect(users.forCluster(G, DEMO_IDS.sharded).map((u) => u.username)).not.toContain('temp-reader');
  });

  it('refuses a deleteAfterDate in the past or more than a week ahead, naming the field', async () => {
    for (const ms of [-60_000, 7 * DAY + 3_600_000]) {
      const deleteAfterDate = new Date(Date.now() + ms).toISOString();
      const r = await api.call('createDatabaseUser', { groupId: G }, { body: user('too-late', { deleteAfterDate }) });
      expect(r.status).toBe(400);
      expect(r.body.detail).toContain('deleteAfterDate');
      expect(r.text).not.toContain(PASSWORD);
    }
  });

  it('deletes a temporary user when the simulator clock passes its deleteAfterDate', async () => {
    const deleteAfterDate = new Date(Date.now() + 2 * DAY).toISOString();
    expect(
      (await api.call('createDatabaseUser', { groupId: G }, { body: user('brief', { deleteAfterDate }) })).status,
    ).toBe(201);
    const names = { groupId: G, databaseName: 'admin', username: 'brief' };
    expect((await api.call('getDatabaseUser', names)).status).toBe(200);
    await sim.admin.advanceClock(2 * DAY + 1_000);
    const gone = await api.call('getDatabaseUser', names);
    expect([gone.status, gone.body.errorCode]).toEqual([404, 'USERNAME_NOT_FOUND']);
    expect(sim.model.databaseUsers.authenticate(G, DEMO_IDS.replicaSet, 'brief', PASSWORD)).toBeUndefined();
  });

  it('answers an unknown scoped cluster, a duplicate and a missing password as Atlas does', async () => {
    const unknown = await api.call(
      'createDatabaseUser',
      { groupId: G },
      { body: user('lost', { scopes: [{ name: 'no-such-cluster', type: 'CLUSTER' }] }) },
    );
    expect([unknown.status, unknown.body.errorCode]).toEqual([404, 'CLUSTER_NOT_FOUND']);
    expect(unknown.body.detail).toContain('scopes[0].name');
    await api.call('createDatabaseUser', { groupId: G }, { body: user('twice') });
    const dup = await api.call('createDatabaseUser', { groupId: G }, { body: user('twice') });
    expect([dup.status, dup.body.errorCode]).toEqual([409, 'USER_ALREADY_EXISTS']);
    const { password: _p, ...noPassword } = user('nopw');
    const r = await api.call('createDatabaseUser', { groupId: G }, { body: noPassword });
    expect(r.status).toBe(400);
    expect(r.body.detail).toContain('password');
  });

  it('deletes a user (204, then 404) and caps a project at 100 users', async () => {
    const names = { groupId: G, databaseName: 'admin', username: 'twice' };
    expect((await api.call('deleteDatabaseUser', names)).status).toBe(204);
    expect((await api.call('getDatabaseUser', names)).status).toBe(404);
    const have = sim.model.databaseUsers.inProject(G).length;
    // X.509 users carry no password, so filling the project costs no hashing.
    for (let i = have; i < 100; i++) {
      const r = await api.call(
        'createDatabaseUser',
        { groupId: G },
        {
          body: {
            username: `CN=u${i}`,
            databaseName: '$external',
            groupId: G,
            x509Type: 'CUSTOMER',
            roles: [{ roleName: 'read', databaseName: 'app' }],
          },
        },
      );
      expect(r.status).toBe(201);
    }
    const over = await api.call('createDatabaseUser', { groupId: G }, { body: user('one-too-many') });
    expect([over.status, over.body.errorCode]).toEqual([400, 'DATABASE_USER_LIMIT_EXCEEDED']);
  });
});
