// A temporary database user's life in one attempt, on the simulator's data plane with SCRAM on (real
// HTTP, real FerretDB, the official driver): the usual path costs Atlas three requests (create, the
// cluster's connection string, delete), two when the caller already has the connection string, and
// a user of the same name left behind is replaced.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttemptCalls } from '../../src/activities/calls.js';
import { LOGIN_PAUSE, loginPauseMs, READ_ONLY, userPrefix, withTemporaryUser } from '../../src/activities/temp-user.js';
import { AtlasClient } from '../../src/atlas/index.js';
import { dataPlaneUnavailable, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0e4';
const cluster = { groupId: G, clusterName: 'c1' };
const RUN = { workflowId: 'temp-user-test', runId: '11111111-2222-3333-4444-555555555555' };

describe.skipIf(dataPlaneUnavailable())('temporary database users', () => {
  let sim: RunningSimulator;
  let atlas: AtlasClient;
  beforeAll(async () => {
    const started = await startTestSimulator({
      seed: { projects: [{ id: G, clusters: [{ name: 'c1', kind: 'replicaSet' }] }], data: { c1: { app: { a: 7 } } } },
      data: { auth: true },
    });
    sim = started.sim;
    atlas = new AtlasClient({ baseUrl: sim.url, auth: started.auth });
  });
  afterAll(async () => {
    await atlas?.close();
    await sim?.stop();
  });

  const users = () => Object.keys(sim.model.state.databaseUsers ?? {}).filter((k) => k.includes('/abo-verify-'));
  const env = (attempt = 1) =>
    new MockActivityEnvironment({ workflowExecution: RUN, attempt }, { logger: new DefaultLogger('ERROR') });

  /** Counts the documents of app.a as a temporary verification user; the Atlas requests it took. */
  async function readAsTemporaryUser(
    connectionString?: string,
    attempt = 1,
  ): Promise<{ count: number; requests: number }> {
    const calls = new AttemptCalls(atlas, cluster);
    const spec = {
      cluster,
      connectionString,
      purpose: 'verify' as const,
      roles: READ_ONLY,
      description: 'temp-user test',
    };
    const count: number = await env(attempt).run(() =>
      withTemporaryUser(calls, spec, (driver) => driver.db('app').collection('a').countDocuments()),
    );
    return { count, requests: calls.requests };
  }

  it('costs three requests: create, the connection string, delete; and leaves no user', async () => {
    expect(await readAsTemporaryUser()).toEqual({ count: 7, requests: 3 });
    expect(users()).toEqual([]);
  });

  it('costs two requests when the caller has the connection string (create, delete)', async () => {
    const c = await atlas.request('getCluster', { path: { groupId: G, clusterName: 'c1' } });
    expect(c.connectionStrings?.standard).toBeTruthy();
    expect(await readAsTemporaryUser(c.connectionStrings!.standard)).toEqual({ count: 7, requests: 2 });
    expect(users()).toEqual([]);
  });

  it('reads the connection string again on a later attempt: a given one may be why the first failed', async () => {
    // Nothing listens on port 1: used, the login would fail until its 30 s were up.
    const stale = 'mongodb://127.0.0.1:1/';
    // The earlier attempt's user deleted (a 404 here), create, getCluster, delete.
    expect(await readAsTemporaryUser(stale, 2)).toEqual({ count: 7, requests: 4 });
    expect(users()).toEqual([]);
  });

  it('replaces a user of the same name left behind (409), then reads and deletes it', async () => {
    const username = `${userPrefix('verify', RUN.runId)}1`;
    await atlas.request('createDatabaseUser', {
      path: { groupId: G },
      body: { username, password: 'left-behind-0123456789', databaseName: 'admin', groupId: G, roles: READ_ONLY },
    });
    expect(users()).toHaveLength(1);
    expect(await readAsTemporaryUser()).toEqual({ count: 7, requests: 5 });
    expect(users()).toEqual([]);
  });
});

describe('login pauses (pure)', () => {
  it('start short and double up to the cap', () => {
    const pauses = [1, 2, 3, 4, 5, 6, 40].map(loginPauseMs);
    expect(pauses).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(pauses[0]).toBe(LOGIN_PAUSE.firstMs);
  });
});
