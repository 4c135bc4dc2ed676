// Verification against the simulator's real data plane (FerretDB through the official driver): a
// source's manifest and canary, a snapshot, an automated restore, then verify() on the target.
// Faults come from the simulator's data faults (a snapshot that loses a collection, a restore that
// empties one) or, where the simulator has none (a lost index), from the test changing the target.
import type { CommandStartedEvent, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema, type Manifest, type Verdict } from '../../src/contract/verification.js';
import {
  captureManifest,
  connect,
  DataAccessError,
  renderVerdicts,
  verify,
  writeCanary,
} from '../../src/data/index.js';
import { readSnapshotManifest, snapshotDir, type RunningSimulator } from '../../src/simulator/index.js';
import { simCatalog, type SimOperationId } from '../../src/simulator/http/sim-catalog.js';
import { startFast, until } from '../simulator/helpers.js';

const G = '65f1a0c0a1b2c3d4e5f6d002';
const seed = {
  projects: [
    { id: G, clusters: ['src', 'lossy', 'good', 'bad'].map((name) => ({ name, kind: 'replicaSet' as const })) },
  ],
  data: {
    src: { app: { users: 1_500, orders: 800 }, logs: { lines: 300 }, analytics: { sessions: 40 } },
    lossy: { app: { users: 50 }, logs: { lines: 30 } },
  },
};
const faults = {
  data: {
    snapshotLosesCollection: { clusterName: 'lossy', namespace: 'logs.lines' },
    restoreLosesCollection: { clusterName: 'bad', namespace: 'app.orders', mode: 'empty' as const },
  },
};
const READS = new Set(['buildInfo', 'listDatabases', 'listCollections', 'listIndexes', 'count', 'aggregate', 'find']);
const HANDSHAKE = new Set(['hello', 'isMaster', 'ismaster', 'ping', 'endSessions', 'getMore', 'killCursors']);

type Params = Record<string, string>;
async function atlas(sim: RunningSimulator, op: SimOperationId, p: Params, body?: unknown) {
  const info = simCatalog[op];
  const path = info.path.replace(/\{(\w+)\}/g, (_, k: string) => encodeURIComponent({ groupId: G, ...p }[k] ?? ''));
  const res = await fetch(`${sim.url}${path}`, {
    method: info.method,
    headers: { accept: `application/vnd.atlas.${info.version}+json`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${op}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown> & { id: string };
}

const uriOf = async (sim: RunningSimulator, clusterName: string) =>
  ((await atlas(sim, 'getCluster', { clusterName })).connectionStrings as { standard: string }).standard;

/** Takes a snapshot of `source` and restores it into `target` (automated), waiting for both. */
async function snapshotAndRestore(sim: RunningSimulator, source: string, target: string): Promise<string> {
  const p = { clusterName: source };
  const snap = await atlas(sim, 'takeSnapshots', p, {});
  const snapshotId = snap.id;
  await until(
    () => atlas(sim, 'getClusterBackupSnapshot', { ...p, snapshotId }),
    (s) => s.status === 'completed',
    60_000,
  );
  const body = { deliveryType: 'automated', snapshotId, targetGroupId: G, targetClusterName: target };
  const job = await atlas(sim, 'createBackupRestoreJob', p, body);
  const restoreJobId = job.id;
  await until(
    () => atlas(sim, 'getBackupRestoreJob', { ...p, restoreJobId }),
    (r) => Boolean(r.finishedAt),
    60_000,
  );
  return snapshotId;
}

const byNamespace = (verdicts: Verdict[]) => Object.fromEntries(verdicts.map((v) => [v.namespace, v.verdict]));

describe('verify (simulator data plane)', () => {
  let sim: RunningSimulator;
  const clients: MongoClient[] = [];
  let manifest: Manifest;
  let goodSnapshotId: string;
  const canary = { runId: 'run-verify-1', at: '2026-12-07T03:00:00.000Z' };
  const open = async (name: string, monitorCommands = false) => {
    const c = await connect(await uriOf(sim, name), undefined, { monitorCommands });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    sim = await startFast({ auth: { enabled: false }, data: true, seed, faults });
    if (!sim.dataDir) throw new Error('FerretDB is not installed: run node --import tsx scripts/ferretdb.ts');
    const src = await open('src');
    await src.db('app').collection('users').createIndex({ n: 1 }, { name: 'n_1', unique: true });
    await src.db('logs').collection('lines').createIndex({ at: -1 }, { name: 'at_-1' });
    await writeCanary(src, canary);
    manifest = await captureManifest(src);
    goodSnapshotId = await snapshotAndRestore(sim, 'src', 'good');
  }, 180_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim?.stop();
  }, 60_000);

  it('captures user collections only (no system or canary database), with counts and indexes', () => {
    expect(manifest.namespaces.map((n) => [`${n.db}.${n.collection}`, n.count])).toEqual([
      ['analytics.sessions', 40],
      ['app.orders', 800],
      ['app.users', 1_500],
      ['logs.lines', 300],
    ]);
    const users = manifest.namespaces.find((n) => n.collection === 'users')!;
    expect(users.indexes).toEqual([
      { name: '_id_', key: { _id: 1 } },
      { name: 'n_1', key: { n: 1 }, unique: true },
    ]);
  });

  it('leaves out databases the caller excludes', async () => {
    const partial = await captureManifest(await open('src'), { excludeDbs: ['logs', 'analytics'] });
    expect(partial.namespaces.map((n) => `${n.db}.${n.collection}`)).toEqual(['app.orders', 'app.users']);
  });

  it('passes credentials in memory and keeps the password out of a refusal from the server', async () => {
    const password = 'pw-Temporary-User-7d1e';
    const err = await connect(await uriOf(sim, 'src'), { username: 'verify-tmp', password }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataAccessError);
    expect((err as Error).message).toMatch(/^could not connect to the cluster: /);
    expect(`${(err as Error).message} ${(err as Error).stack}`).not.toContain(password);
  });

  it('a good restore verifies: every collection ok, the canary found, validation queries met', async () => {
    const report = await verify(await open('good'), {
      manifest,
      canary,
      options: { canary: true, requireIndexes: true, countMethod: 'exact' },
      queries: [
        { collection: 'app.users', filter: { n: { $gte: 100, $lt: 200 } }, expect: { count: 100 } },
        { collection: 'app.orders', filter: {}, expect: { min: 700, max: 900 } },
      ],
    });
    expect(report.summary).toMatchObject({ ok: true, checked: 7, failed: 0, notes: [] });
    expect(new Set(report.verdicts.map((v) => v.verdict))).toEqual(new Set(['ok']));
    expect(renderVerdicts(report)).toMatch(/^verified: 7 ok; exact counts/m);
  });

  it('names each fault: collection missing, emptied, index lost, canary absent, query failing', async () => {
    await snapshotAndRestore(sim, 'src', 'bad'); // the restore empties app.orders
    const bad = await open('bad');
    await bad.db('logs').collection('lines').dropIndex('at_-1'); // the test loses an index
    const report = await verify(bad, {
      manifest,
      snapshotNamespaces: ['app.users', 'app.orders', 'logs.lines', 'app.gone'],
      canary: { runId: 'run-written-after-the-snapshot', at: canary.at },
      options: { canary: true },
      queries: [{ collection: 'app.users', filter: { n: { $lt: 10 } }, expect: { count: 11 } }],
    });
    expect(report.verdicts.map((v) => [v.namespace, v.verdict])).toEqual([
      ['analytics.sessions', 'ok'],
      ['app.orders', 'count-outside-tolerance'],
      ['app.users', 'ok'],
      ['logs.lines', 'index-missing'],
      ['app.gone', 'missing'],
      ['atlas_backup_canary.canaries', 'canary-missing'],
      ['app.users', 'query-failed'],
    ]);
    expect(report.verdicts[1]).toMatchObject({ expected: 800, actual: 0, detail: 'empty: held 800 documents' });
    expect(report.verdicts[3]!.detail).toBe('index not found: at_-1');
    expect(report.verdicts[6]).toMatchObject({ expected: '11', actual: 10 });
    expect(report.summary).toMatchObject({ ok: false, failed: 5 });
    await expect(verify(bad, { snapshotNamespaces: ['app.users', 'nodot'] })).rejects.toThrow(
      'snapshotNamespaces[1]: must be db.collection',
    );
    const table = renderVerdicts(report);
    expect(table.split('\n').filter((l) => l.startsWith('count-outside-tolerance'))).toHaveLength(1);
    expect(table).toMatch(/NOT verified \(5 of 7 failed\)/);
  });

  it('a collection the snapshot silently lost is missing on the target', async () => {
    const lossy = await open('lossy');
    const lossyManifest = await captureManifest(lossy);
    await snapshotAndRestore(sim, 'lossy', 'bad');
    const report = await verify(await open('bad'), { manifest: lossyManifest });
    expect(byNamespace(report.verdicts)).toEqual({ 'app.users': 'ok', 'logs.lines': 'missing' });
  });

  it('verifies a collection restore under its new names; one restored without indexes is index-missing', async () => {
    const p = { clusterName: 'src' };
    const body = {
      snapshotId: goodSnapshotId,
      targetGroupId: G,
      targetClusterName: 'good',
      writeStrategy: 'CREATE_NEW',
      indexStrategy: 'NONE',
      collections: [{ sourceNamespace: 'app.users' }, { sourceNamespace: 'logs.lines' }],
      databaseSuffix: '_r',
    };
    const job = await atlas(sim, 'createCollectionRestoreJob', p, body);
    const read = () => atlas(sim, 'getCollectionRestoreJob', { ...p, jobId: job.id });
    await until(read, (j) => j.state === 'SUCCESSFUL', 60_000);
    const restored = ['app.users', 'logs.lines'];
    const report = await verify(await open('good'), {
      manifest: {
        ...manifest,
        namespaces: manifest.namespaces.filter((n) => restored.includes(`${n.db}.${n.collection}`)),
      },
      restoredAs: { 'app.users': 'app_r.users', 'logs.lines': 'logs_r.lines' },
    });
    expect(report.verdicts.map((v) => [v.namespace, v.verdict, v.detail])).toEqual([
      ['app_r.users', 'index-missing', 'restored from app.users: index not found: n_1'],
      ['logs_r.lines', 'index-missing', 'restored from logs.lines: index not found: at_-1'],
    ]);
    const counts = await verify(await open('good'), {
      manifest,
      restoredAs: { 'app.users': 'app_r.users' },
      options: { requireIndexes: false },
    });
    expect(counts.verdicts.find((v) => v.namespace === 'app_r.users')).toMatchObject({ verdict: 'ok', actual: 1_500 });
  });

  it('reports TTL indexes the simulator keeps outside the server as not checked, not as missing', async () => {
    // The simulator's own snapshot manifest lists the TTL index from its catalog; listIndexes never shows it.
    const fromSim = manifestSchema().parse(readSnapshotManifest(snapshotDir(sim.dataDir!, goodSnapshotId)));
    const sessions = fromSim.namespaces.find((n) => n.collection === 'sessions')!;
    expect(sessions.indexes.map((i) => [i.name, i.expireAfterSeconds])).toEqual([
      ['_id_', undefined],
      ['lastSeen_1', 1_800],
    ]);
    const report = await verify(await open('good'), { manifest: fromSim });
    expect(byNamespace(report.verdicts)['analytics.sessions']).toBe('ok');
    expect(report.summary.ok).toBe(true);
    expect(report.summary.notes).toEqual([
      '1 TTL index(es) not checked: the target is FerretDB v1.24.2, which cannot hold TTL indexes ' +
        '(analytics.sessions lastSeen_1)',
    ]);
  });

  it('sends no write command while verifying (driver command monitoring)', async () => {
    const target = await open('good', true);
    const seen: string[] = [];
    const record = (e: CommandStartedEvent) => seen.push(e.commandName);
    target.on('commandStarted', record);
    const queries = [{ collection: 'app.users', filter: { n: { $lt: 5 } }, expect: { count: 5 } }];
    const report = await verify(target, { manifest, canary, queries, options: { canary: true, countMethod: 'exact' } });
    await verify(target, { manifest, options: { countMethod: 'estimated' } });
    expect(report.summary.ok).toBe(true);
    expect(seen.filter((c) => !READS.has(c) && !HANDSHAKE.has(c))).toEqual([]);
    expect(seen).toContain('listIndexes');
    await writeCanary(target, { runId: 'monitor-sees-writes', at: canary.at }); // the monitor does see a write
    target.off('commandStarted', record);
    expect(seen.filter((c) => !READS.has(c) && !HANDSHAKE.has(c))).toEqual(['update']);
  });
});
