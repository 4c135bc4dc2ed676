// Data verification against the restore it checks, side by side on the simulator's data plane: a
// source of C collections holding D documents in all (a unique index each) is snapshotted and
// restored (automated) into a target; then verify() reads the target. Prints the restore's wall
// time, the verification's seconds (estimated and exact counts) and their ratio; `--json` prints
// one JSON object. The restore's simulated duration is set near zero, so its wall time is the data
// work (capture excluded: load and index builds). Target: verification <= 10% of the restore.
//
//   node --import tsx bench/verify.ts [--docs N] [--collections N] [--parallelism N] [--quick] [--json]
import type { MongoClient } from 'mongodb';
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
    await sleep(50);
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

async function indexEveryCollection(src: MongoClient): Promise<void> {
  for (const name of Object.keys(seedData()))
    await src.db('bench').collection(name).createIndex({ n: 1 }, { unique: true });
}

async function main(): Promise<void> {
  let t = performance.now();
  const sim = await startSimulator({
    auth: { enabled: false },
    data: true,
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
    const src = await connect(await uri(sim, 'src'));
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
    const dst = await connect(await uri(sim, 'dst'));
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
    };
    print(result);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await sim.stop();
  }
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

function print(r: Record<string, number>): void {
  if (json) return void console.log(JSON.stringify(r));
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  console.log(`target: ${r.collections} collections, ${r.documents} documents (parallelism ${r.parallelism})`);
  console.log(
    `seed ${r.seedSeconds} s, manifest on the source ${r.manifestSeconds} s, snapshot ${r.snapshotSeconds} s`,
  );
  console.log(`restore (automated, wall)       ${r.restoreSeconds} s`);
  console.log(`verify, estimated counts        ${r.verifyEstimatedSeconds} s  (${pct(r.estimatedShareOfRestore!)})`);
  console.log(`verify, exact counts            ${r.verifyExactSeconds} s  (${pct(r.exactShareOfRestore!)})`);
}

await main();
