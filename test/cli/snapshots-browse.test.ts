// `snapshots browse` and the collection flags of `dr`, through the real CLI process: browsing a
// snapshot the simulator's data plane captured (FerretDB), and bad input refused naming its flag
// before any Atlas call.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtlasClient } from '../../src/atlas/index.js';
import { dataPlaneUnavailable, type RunningSimulator } from '../../src/simulator/index.js';
import { startTestSimulator } from '../helpers/temporal.js';
import { runCli } from './helpers.js';

const G = '65f1a0c0a1b2c3d4e5f6d0c8';
const seed = {
  projects: [{ id: G, clusters: [{ name: 'src', kind: 'replicaSet' as const }] }],
  data: { src: { app: { users: 30, orders: 12 }, logs: { lines: 5 } } },
};

describe.skipIf(dataPlaneUnavailable())('atlas-backup snapshots browse', () => {
  let sim: RunningSimulator;
  let env: NodeJS.ProcessEnv;
  let snapshotId: string;
  beforeAll(async () => {
    const started = await startTestSimulator({ timeScale: 0.05, seed, data: true });
    sim = started.sim;
    env = {
      MONGODB_ATLAS_BASE_URL: sim.url,
      MONGODB_ATLAS_CLIENT_ID: started.creds.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: started.creds.clientSecret,
    };
    const atlas = new AtlasClient({ baseUrl: sim.url, auth: started.auth });
    const path = { groupId: G, clusterName: 'src' };
    snapshotId = (await atlas.request('takeSnapshots', { path, body: {} })).id;
    while ((await atlas.request('getClusterBackupSnapshot', { path: { ...path, snapshotId } })).status !== 'completed')
      await new Promise((r) => setTimeout(r, 50));
    await atlas.close();
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
  });

  const browse = (...extra: string[]) =>
    runCli(['snapshots', 'browse', '-p', G, '-c', 'src', '-s', snapshotId, ...extra], { env });

  it('lists every database of the snapshot with its collections, as JSON', async () => {
    const r = await browse('--json');
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { databases: { name: string; collections: string[] }[] };
    expect(out.databases).toEqual([
      { name: 'app', collections: ['orders', 'users'] },
      { name: 'logs', collections: ['lines'] },
    ]);
  });

  it('lists one database as db.collection lines', async () => {
    const r = await browse('--database', 'app');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^app {2}\(2\)\n {2}app\.orders\n {2}app\.users\n$/);
  });

  it('refuses a malformed snapshot id naming --snapshot, before any Atlas call', async () => {
    const before = (await sim.admin.requestLog()).length;
    const r = await runCli(['snapshots', 'browse', '-p', G, '-c', 'src', '-s', 'nope'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--snapshot must be a 24-character hex id/);
    expect((await sim.admin.requestLog()).length).toBe(before);
  });

  it('dr refuses --collections with --databases, and a suffix Atlas would refuse, naming the flag', async () => {
    const dr = ['dr', '--source-project', G, '--source-cluster', 'src', '--snapshot-id', snapshotId];
    const target = ['--target-project', G, '--target-cluster', 'src'];
    const both = await runCli([...dr, ...target, '--collections', 'app.orders', '--databases', 'app'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/collections.*or.*databases.*not both.*--collections/);
    const suffix = await runCli([...dr, ...target, '--databases', 'app', '--suffix', '.old'], { env });
    expect(suffix.code).toBe(2);
    expect(suffix.stderr).toMatch(/collectionRestore\.suffix '\.old' cannot end a database name.*--suffix/);
    const ns = await runCli([...dr, ...target, '--collections', 'apporders'], { env });
    expect(ns.code).toBe(2);
    expect(ns.stderr).toMatch(/collectionRestore\.collections\.0: must be db\.collection/);
  });
});
