// Data verification against the restore it checks, side by side on the simulator's data plane: a
// source of C collections holding D documents in all (a unique index each) is snapshotted and
// restored (automated) into a target; then verify() reads the target. Prints the restore's wall
// time, the verification's seconds (estimated and exact counts) and their ratio; `--json` prints
// one JSON object. The restore's simulated duration is set near zero, so its wall time is the data
// work (capture excluded: load and index builds). Target: verification <= 10% of the restore.
// Then the product's own path (the role probe, the captureSourceManifest and verifyRestoredData
// activities, outside a worker) counts, from the simulator's request log, the Atlas requests that
// verification adds to a run (target: <= 6), and times the whole verifyRestoredData activity against
// the restore (target: <= 10%).
//
//   node --import tsx bench/verify.ts [--docs N] [--collections N] [--parallelism N] [--quick] [--json]
import { randomBytes } from 'node:crypto';
import { DefaultLogger } from '@temporalio/worker';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { MongoClient } from 'mongodb';
import { drActivities } from '../src/activities/dr.js';
import { preflightActivities } from '../src/activities/preflight.js';
import { sourceManifestActivities } from '../src/activities/source-manifest.js';
import { verificationActivities } from '../src/activities/verification.js';
import { AtlasApiError, AtlasClient, probeUserAdmin } from '../src/atlas/index.js';
import type { Canary } from '../src/contract/index.js';
import { captureManifest, connect, verify, writeCanary } from '../src/data/index.js';
import { simCatalog, type SimOperationId } from '../src/simulator/http/sim-catalog.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/index.js';

const G = '65f1a0c0a1b2c3d4e5f6d0b7';
const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: an integer >= 1`);
  return v;
};
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const DOCS = flag('docs', quick ? 20_000 : 1_000_000);
const COLLECTIONS = flag('collections', quick ? 20 : 100);
const PARALLELISM = flag('parallelism', 4);

const seconds = (since: number) => (performance.now() - since) / 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function atlas(sim: RunningSimulator, op: SimOperationId, p: Record<string, string>, body?: unknown) {
  const info = simCatalog[op];
  const path = info.path.replace(/\{(\w+)\}/g, (_, k: string) => ({ groupId: G, ...p })[k] ?? '');
  const res = await fetch(`${sim.url}${path}`, {
    method: info.method,
    headers: { accept: `application/vnd.atlas.${info.version}+json`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`${op}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, unknown> & { id: string };
}

async function waitFor(read: () => Promise<Record<string, unknown>>, done: (v: Record<string, unknown>) => boolean) {
  for (;;) {
    if (done(await read())) return;
    await sleep(200); // under the simulator's per-cluster request rate (500 a minute)
  }
}

function seedData(): Record<string, number> {
  const per = Math.floor(DOCS / COLLECTIONS);
  const names = Array.from({ length: COLLECTIONS }, (_, i) => `c${String(i).padStart(3, '0')}`);
  return Object.fromEntries(names.map((n, i) => [n, i === 0 ? DOCS - per * (COLLECTIONS - 1) : per]));
}

async function restore(sim: RunningSimulator, snapshotId: string): Promise<number> {
  const p = { clusterName: 'src' };
  const started = performance.now();
  const body = { deliveryType: 'automated', snapshotId, targetGroupId: G, targetClusterName: 'dst' };
  const job = await atlas(sim, 'createBackupRestoreJob', p, body);
  await waitFor(
    () => atlas(sim, 'getBackupRestoreJob', { ...p, restoreJobId: job.id }),
    (r) => Boolean(r.finishedAt),
  );
  return seconds(started);
}

async function uri(sim: RunningSimulator, clusterName: string): Promise<string> {
  const c = await atlas(sim, 'getCluster', { clusterName });
  return (c.connectionStrings as { standard: string }).standard;
}

// The clusters require SCRAM (as Atlas's do, and as the product's temporary users need): the bench's
// own reads log in as one database user, made once, that may read and write everything.
const benchUser = { username: 'bench', password: randomBytes(18).toString('base64url') };

async function connectAs(sim: RunningSimulator, clusterName: string): Promise<MongoClient> {
  const at = await uri(sim, clusterName);
  for (let tries = 1; ; tries++) {
    try {
      return await connect(at, benchUser, { serverSelectionTimeoutMS: 5_000 });
    } catch (e) {
      if (tries >= 60) throw e;
      await sleep(500);
    }
  }
}

async function indexEveryCollection(src: MongoClient): Promise<void> {
  for (const name of Object.keys(seedData()))
    await src.db('bench').collection(name).createIndex({ n: 1 }, { unique: true });
}

/** The Atlas requests of `phase`, by operation, from the simulator's request log. */
async function requestsOf(sim: RunningSimulator, phase: () => Promise<unknown>): Promise<Record<string, number>> {
  await sim.admin.resetObservations();
  await phase();
  const byOp: Record<string, number> = {};
  for (const e of await sim.admin.requestLog())
    byOp[e.operationId ?? e.path] = (byOp[e.operationId ?? e.path] ?? 0) + 1;
  return byOp;
}

const total = (byOp: Record<string, number>) => Object.values(byOp).reduce((a, b) => a + b, 0);

/**
 * What verification adds to a run, made as the product makes it: the pre-flight's role probe, the
 * source manifest (and canary) read as a temporary user, and the target's verification (temporary
 * user, snapshot browsing pages). The connection strings come, as in a run, from steps every run
 * makes anyway (the pre-flight's cluster read, the target check's getCluster): not counted.
 */
async function productRequests(sim: RunningSimulator, snapshotId: string, canary: Canary) {
  const client = new AtlasClient({ baseUrl: sim.url, auth: { kind: 'none' } });
  const env = () => new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  const source = { groupId: G, clusterName: 'src' };
  const target = { groupId: G, clusterName: 'dst' };
  const capture = sourceManifestActivities(client).captureSourceManifest;
  const check = verificationActivities(client).verifyRestoredData;
  const pre = preflightActivities(client).preflightPipeline;
  const targetIdle = drActivities(client).verifyTargetIdle;
  const preflight = (await env().run(pre, source)) as Awaited<ReturnType<typeof pre>>;
  const polling = { initialIntervalSeconds: 1, maximumIntervalSeconds: 1, backoffCoefficient: 1 };
  const idle = (await env().run(targetIdle, { ...target, polling, restoreJobId: 'bench' })) as Awaited<
    ReturnType<typeof targetIdle>
  >;
  // 404: the role is there (the probe's user never exists).
  const roleThere = (e: unknown) => {
    if (!(e instanceof AtlasApiError && e.httpStatus === 404)) throw e;
  };
  const probe = await requestsOf(sim, () => probeUserAdmin((op, args) => client.request(op, args), G).catch(roleThere));
  let captured: Awaited<ReturnType<typeof capture>> | undefined;
  const sourceAt = preflight.connectionString ? { connectionString: preflight.connectionString } : {};
  const manifest = await requestsOf(
    sim,
    async () => (captured = await env().run(capture, { source, ...sourceAt, canary: true })),
  );
  const t = performance.now();
  const verified = await requestsOf(sim, () =>
    env().run(check, {
      target,
      ...(idle.connectionString ? { connectionString: idle.connectionString } : {}),
      snapshot: { ...source, snapshotId },
      restoreJobId: 'bench',
      verify: {},
      manifest: captured!.manifest,
      // The canary the snapshot holds: this capture's own came after the snapshot.
      canary,
    }),
  );
  const activitySeconds = round(seconds(t));
  const added = { probe, manifest, target: verified };
  return {
    verifyActivitySeconds: activitySeconds,
    atlasRequestsAdded: total(probe) + total(manifest) + total(verified),
    atlasRequestsByPhase: added,
  };
}

async function main(): Promise<void> {
  let t = performance.now();
  const sim = await startSimulator({
    auth: { enabled: false },
    data: { auth: true },
    durations: { snapshotQueued: 50, snapshotInProgress: 50, restoreAutomated: 50 },
    seed: {
      projects: [{ id: G, clusters: ['src', 'dst'].map((name) => ({ name, kind: 'replicaSet' as const })) }],
      data: { src: { bench: seedData() } },
    },
  });
  const seedSeconds = seconds(t);
  const clients: MongoClient[] = [];
  try {
    if (!sim.dataDir) throw new Error('FerretDB is not installed: run node --import tsx scripts/ferretdb.ts');
    await atlas(
      sim,
      'createDatabaseUser',
      {},
      {
        ...benchUser,
        databaseName: 'admin',
        groupId: G,
        roles: [{ roleName: 'atlasAdmin', databaseName: 'admin' }],
      },
    );
    const src = await connectAs(sim, 'src');
    clients.push(src);
    await indexEveryCollection(src);
    t = performance.now();
    const manifest = await captureManifest(src, { parallelism: PARALLELISM });
    const manifestSeconds = seconds(t);
    await writeCanary(src, { runId: 'bench', at: new Date().toISOString() });
    t = performance.now();
    const snap = await atlas(sim, 'takeSnapshots', { clusterName: 'src' }, {});
    await waitFor(
      () => atlas(sim, 'getClusterBackupSnapshot', { clusterName: 'src', snapshotId: snap.id }),
      (s) => s.status === 'completed',
    );
    const snapshotSeconds = seconds(t);
    const restoreSeconds = await restore(sim, snap.id);
    const dst = await connectAs(sim, 'dst');
    clients.push(dst);
    const canary = { runId: 'bench', at: manifest.capturedAt };
    const run = async (countMethod: 'estimated' | 'exact') => {
      const started = performance.now();
      const report = await verify(dst, {
        manifest,
        canary,
        options: { canary: true, countMethod },
        parallelism: PARALLELISM,
      });
      if (!report.summary.ok) throw new Error(`verification failed: ${JSON.stringify(report.summary)}`);
      return seconds(started);
    };
    const estimated = await run('estimated');
    const exact = await run('exact');
    const { atlasRequestsByPhase, ...added } = await productRequests(sim, snap.id, canary);
    const result = {
      documents: DOCS,
      collections: COLLECTIONS,
      parallelism: PARALLELISM,
      seedSeconds: round(seedSeconds),
      manifestSeconds: round(manifestSeconds),
      snapshotSeconds: round(snapshotSeconds),
      restoreSeconds: round(restoreSeconds),
      verifyEstimatedSeconds: round(estimated),
      verifyExactSeconds: round(exact),
      estimatedShareOfRestore: round(estimated / restoreSeconds, 4),
      exactShareOfRestore: round(exact / restoreSeconds, 4),
      ...added,
      activityShareOfRestore: round(added.verifyActivitySeconds / restoreSeconds, 4),
    };
    print(result, atlasRequestsByPhase);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await sim.stop();
  }
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

type ByPhase = Record<string, Record<string, number>>;

function print(r: Record<string, number>, atlasRequestsByPhase: ByPhase): void {
  if (json) return void console.log(JSON.stringify({ ...r, atlasRequestsByPhase }));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`target: ${r.collections} collections, ${r.documents} documents (parallelism ${r.parallelism})`);
  console.log(
    `seed ${r.seedSeconds} s, manifest on the source ${r.manifestSeconds} s, snapshot ${r.snapshotSeconds} s`,
  );
  console.log(`restore (automated, wall)       ${r.restoreSeconds} s`);
  console.log(`verify, estimated counts        ${r.verifyEstimatedSeconds} s  (${pct(r.estimatedShareOfRestore!)})`);
  console.log(`verify, exact counts            ${r.verifyExactSeconds} s  (${pct(r.exactShareOfRestore!)})`);
  console.log(`verify activity (temporary user) ${r.verifyActivitySeconds} s  (${pct(r.activityShareOfRestore!)})`);
  console.log(`Atlas requests added by verification: ${r.atlasRequestsAdded}`);
  for (const [phase, byOp] of Object.entries(atlasRequestsByPhase))
    console.log(
      `  ${phase.padEnd(9)} ${Object.entries(byOp)
        .map(([op, n]) => `${op} ×${n}`)
        .join(', ')}`,
    );
}

await main();
