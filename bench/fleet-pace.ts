// P4b: a fleet of many clusters across many projects (default 2,500 in 100, 25 each: Atlas's default
// cluster cap per project) against the simulator's token buckets at Atlas's published defaults, on
// two worker processes that pace by what Atlas says (listRateLimits per project; src/client/bucket-pace.ts).
// Prints figures, asserts nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/fleet-pace.ts [--json] [--clusters 2500] [--projects 100] [--workers 2]
//        [--scale 0.2] [--concurrency 250] [--per-project 25] [--headroom 0.2]
//
// --scale is the simulator's timeScale: its jobs AND its buckets' refill periods run that much
// faster (0.2: a 60 s refill every 12 s); the workers' pacer scales the same way.
//
// Targets: 0 failed, 0 requests answered 429.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { DEFAULT_PACE_HEADROOM } from '../src/config.js';
import type { FleetResult } from '../src/contract/index.js';
import { startDevServer, type RunningDevServer } from '../src/devserver/dev-server.js';
import { startSimulator, type SeedSpec } from '../src/simulator/index.js';
import { fleetBackup } from '../src/workflows/index.js';
import { bundleWorkflows } from './lib/bench-worker.js';
import { numberArg } from './lib/args.js';

const WORKER_ENTRY = fileURLToPath(new URL('./lib/pace-worker.ts', import.meta.url));

const json = process.argv.includes('--json');
const N = numberArg('clusters', 2500, 1, 10_000);
const PROJECTS = numberArg('projects', 100, 1, 500);
const WORKERS = numberArg('workers', 2, 1, 4);
const SCALE = numberArg('scale', 0.2, 0.01, 1);
const CONCURRENCY = numberArg('concurrency', 250, 1, 1000);
const PER_PROJECT = numberArg('per-project', 25, 1, 1000);
const HEADROOM = numberArg('headroom', DEFAULT_PACE_HEADROOM, 0, 0.9);
const log = (line: string) => {
  if (!json) console.log(line);
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const hex = (i: number) => (0x65f1a0c0a1b2c3d4e5f80000n + BigInt(i)).toString(16).padStart(24, '0');

function seed(): SeedSpec {
  const perProject = Math.ceil(N / PROJECTS);
  return {
    projects: Array.from({ length: PROJECTS }, (_, p) => ({
      id: hex(p),
      name: `fleet-${p}`,
      clusters: Array.from({ length: Math.max(0, Math.min(perProject, N - p * perProject)) }, (_, c) => ({
        name: `c${p}-${c}`,
        kind: 'replicaSet' as const,
      })),
    })),
  };
}

/** A pacing worker in its own process (bench/lib/pace-worker.ts), resolved once it polls. */
function startWorkerProcess(vars: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_ENTRY], {
    env: { ...process.env, ...vars },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('pace worker: ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`a pace worker exited (${code}) before it was ready`)));
  });
}

async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function run(client: Client, address: string, code: string) {
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  // Atlas's published default buckets (the simulator's defaults), refilled on its scaled clock.
  const sim = await startSimulator({ seed: seed(), timeScale: SCALE, auth: { serviceAccounts: [creds] } });
  const taskQueue = `bench-fleet-pace-${randomUUID().slice(0, 8)}`;
  const bundle = join(mkdtempSync(join(tmpdir(), 'bench-fleet-pace-')), 'workflows.js');
  writeFileSync(bundle, code);
  const workers: ChildProcess[] = [];
  for (let w = 0; w < WORKERS; w++)
    workers.push(
      await startWorkerProcess({
        BENCH_TEMPORAL_ADDRESS: address,
        BENCH_TASK_QUEUE: taskQueue,
        BENCH_ATLAS_URL: sim.url,
        BENCH_CLIENT_ID: creds.clientId,
        BENCH_CLIENT_SECRET: creds.clientSecret,
        BENCH_BUNDLE: bundle,
        BENCH_HEADROOM: String(HEADROOM),
        BENCH_SCALE: String(SCALE),
        BENCH_IDENTITY: `fleet-pace-worker-${w}`,
      }),
    );
  try {
    const t0 = performance.now();
    const result: FleetResult = await client.workflow.execute(fleetBackup, {
      taskQueue,
      workflowId: `bench-fleet-pace-${randomUUID().slice(0, 8)}`,
      args: [
        {
          targets: { projects: seed().projects.map((p) => p.id!) },
          concurrency: { max: CONCURRENCY, perProject: PER_PROJECT },
        },
      ],
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const entries = await sim.admin.requestLog();
    const byStatus: Record<string, number> = {};
    for (const e of entries) byStatus[e.status] = (byStatus[e.status] ?? 0) + 1;
    return { result, wallSeconds, requests: entries.length, byStatus, answered429: byStatus['429'] ?? 0 };
  } finally {
    await Promise.all(workers.map(stopWorkerProcess));
    await sim.stop();
  }
}

Runtime.install({ logger: new DefaultLogger('WARN') });
let server: RunningDevServer | undefined;
let connection: Connection | undefined;
try {
  log('starting a Temporal dev server and bundling the workflows…');
  const [srv, code] = await Promise.all([startDevServer({}), bundleWorkflows()]);
  server = srv;
  connection = await Connection.connect({ address: server.address });
  log(`${N} clusters in ${PROJECTS} projects, Atlas's default buckets (time × ${SCALE}), ${WORKERS} workers…`);
  const f = await run(new Client({ connection }), server.address, code);
  const summary = {
    bench: 'fleet-pace',
    clusters: N,
    projects: PROJECTS,
    workers: WORKERS,
    timeScale: SCALE,
    headroom: HEADROOM,
    concurrency: { max: CONCURRENCY, perProject: PER_PROJECT },
    outcome: f.result.outcome,
    counts: f.result.counts,
    runs: f.result.runs,
    requests: f.requests,
    byStatus: f.byStatus,
    answered429: f.answered429,
    wallSeconds: round(f.wallSeconds, 1),
    loadAverage: loadavg().map((l) => round(l)),
    goals: { failed: 0, answered429: 0 },
  };
  if (json) console.log(JSON.stringify(summary));
  else {
    console.log(JSON.stringify(summary, null, 2));
    console.log(`targets: 0 failed (${JSON.stringify(f.result.counts)}); 0 answered 429 (${f.answered429})`);
  }
} finally {
  await connection?.close();
  await server?.stop();
}
