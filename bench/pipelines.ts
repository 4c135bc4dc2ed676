// P3: N backup pipelines (snapshot → export → download restore, every Atlas job under a second) started
// at once on ONE worker started as the README says (`atlas-backup worker`, its defaults, only the
// connection and credential variables set), beside a no-op ceiling: the same number of workflows each
// running 7 trivial activities on a worker with the same activity slots and cache. Prints figures,
// asserts nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/pipelines.ts [--json] [--quick] [--pipelines 1000] [--projects 10] [--rounds 1]
//        [--activities 7] [--cpu-prof DIR] [--dist] [--worker-env NAME=value ...] [--ceiling-paced] [--history]
//
// --cpu-prof DIR writes V8 profiles of both phases' workers (every thread) into DIR/ceiling and DIR/pipelines.
// --history prints the history of each phase's first run: events by type and encoded bytes (the server's work).
// --dist runs the bin of an installed package's layout, which runs dist/ (`npm run build` first).
// Targets: every pipeline completed; throughput ≥ 50% of the ceiling's; worker RSS peak ≤ 400 MB.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { DEFAULT_TASK_QUEUE } from '../src/config.js';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../src/worker-memory.js';
import { startDevServer } from '../src/devserver/dev-server.js';
import { startSimulator, type SeedSpec } from '../src/simulator/index.js';
import { backupPipeline } from '../src/workflows/index.js';
import { cpuSeconds, ownCpuSeconds, sampleRss } from './lib/process-stats.js';
import { integerArg } from './lib/args.js';
import { installedBin } from './lib/installed.js';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
const fromDist = process.argv.includes('--dist');
const N = integerArg('pipelines', quick ? 100 : 1000, 1, 10_000);
const PROJECTS = integerArg('projects', 10, 1, 100);
const ROUNDS = integerArg('rounds', 1, 1, 10);
/** A pipeline's activities: pre-flight, snapshot, its wait, export, its wait, restore, its wait. */
const ACTIVITIES = integerArg('activities', 7, 1, 50);
/** The worker's defaults the ceiling copies (src/config.ts, src/worker-memory.ts). */
const SLOTS = 100;
const CACHE = DEFAULT_MAX_CACHED_WORKFLOWS;
/** `--worker-env K=V` (repeatable): a variable for the pipelines' worker beyond the defaults, to compare. */
const WORKER_ENV = Object.fromEntries(
  process.argv.flatMap((a, i) => (a === '--worker-env' ? [process.argv[i + 1]!.split(/=(.*)/s).slice(0, 2)] : [])),
) as Record<string, string>;
/** `--ceiling-paced`: the ceiling's activities carry a fairness key per project, never eager, as a pipeline's. */
const CEILING_PACED = process.argv.includes('--ceiling-paced');
const HISTORY = process.argv.includes('--history');
const CPU_PROF = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
/** A phase's worker flags for `--cpu-prof` (the header says where the profiles go). */
const profileArgs = (phase: 'ceiling' | 'pipelines') =>
  CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROF, phase)}`] : [];
const log = (line: string) => {
  if (!json) console.log(line);
};
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const ROOT = new URL('../', import.meta.url);
const NOOP_WORKER = fileURLToPath(new URL('./lib/fleet-worker.ts', import.meta.url));
const NOOP = fileURLToPath(new URL('./lib/noop-workflows.ts', import.meta.url));

const hex = (i: number, tag: number) => (0x65f1a0c0a1b2c3d4e5f00000n + BigInt(tag * 0x1000 + i)).toString(16);
const projectId = (p: number) => hex(p, 1);
const bucketId = (p: number) => hex(p, 2);
const perProject = Math.ceil(N / PROJECTS);
const seed: SeedSpec = {
  projects: Array.from({ length: PROJECTS }, (_, p) => ({
    id: projectId(p),
    name: `p3-${p}`,
    clusters: Array.from({ length: perProject }, (_, c) => ({ name: `c${c}`, kind: 'replicaSet' as const })),
    buckets: [{ id: bucketId(p), bucketName: `p3-bucket-${p}`, cloudProvider: 'AWS' as const, iamRoleId: hex(p, 3) }],
  })),
};

/** One run's history as the server stores it: its events by type and their encoded size. */
async function historyShape(client: Client, workflowId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  const { EventType } = proto.temporal.api.enums.v1;
  const byType = new Map<string, { n: number; bytes: number }>();
  for (const e of history.events ?? []) {
    const name = (EventType[e.eventType ?? 0] ?? 'unknown').replace('EVENT_TYPE_', '').toLowerCase();
    const seen = byType.get(name) ?? { n: 0, bytes: 0 };
    byType.set(name, {
      n: seen.n + 1,
      bytes: seen.bytes + proto.temporal.api.history.v1.HistoryEvent.encode(e).finish().length,
    });
  }
  const bytes = proto.temporal.api.history.v1.History.encode(history).finish().length;
  const types = [...byType].map(([t, { n, bytes: b }]) => `${t} ${n}: ${b} B`).join(', ');
  return `history of ${workflowId}: ${history.events?.length ?? 0} events, ${bytes} bytes (${types})`;
}

interface Phase {
  seconds: number;
  perSecond: number;
  completed: number;
  rssIdleMb: number;
  rssPeakMb: number;
  /** CPU seconds over the phase: the worker, the dev server, this process (client and simulator). */
  cpu: { worker: number; server: number; bench: number };
  /** Pipelines only: activity attempts and Atlas requests per completed run, from the runs' results. */
  perRun?: { attempts: number; atlasRequests: number };
}

async function startProcess(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const keep = (d: Buffer) => {
      out = (out + d.toString()).slice(-8000);
      if (ready.test(out)) resolve();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-8000)));
    child.on('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready: ${out}`)));
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** Runs `start(i)` for i < N, at most 50 starts in flight, then waits for every result. */
async function runAll(
  worker: ChildProcess,
  serverPid: number,
  start: (i: number) => Promise<{ result(): Promise<unknown> }>,
  ok: (result: unknown) => boolean = () => true,
): Promise<Phase> {
  const rss = sampleRss(worker.pid!);
  await new Promise((r) => setTimeout(r, 1000));
  const rssIdleMb = rss.last();
  const cpu0 = { worker: cpuSeconds(worker.pid!), server: cpuSeconds(serverPid), bench: ownCpuSeconds() };
  const t0 = performance.now();
  let completed = 0;
  const results: Promise<unknown>[] = [];
  let next = 0;
  const lane = async () => {
    while (next < N) {
      const handle = await start(next++);
      results.push(
        handle
          .result()
          .then((r) => (ok(r) ? completed++ : console.error(`not completed: ${JSON.stringify(r).slice(0, 300)}`))),
      );
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(50, N) }, lane));
    await Promise.allSettled(results);
  } finally {
    rss.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    seconds: round(seconds),
    perSecond: round(N / seconds, 2),
    completed,
    rssIdleMb: round(rssIdleMb),
    rssPeakMb: round(rss.peak()),
    cpu: {
      worker: round(cpuSeconds(worker.pid!) - cpu0.worker),
      server: round(cpuSeconds(serverPid) - cpu0.server),
      bench: round(ownCpuSeconds() - cpu0.bench),
    },
  };
}

interface Env {
  client: Client;
  address: string;
  serverPid: number;
  dir: string;
}

async function runPipelines(env: Env, pass: number): Promise<Phase> {
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: randomBytes(24).toString('hex'),
  };
  const sim = await startSimulator({
    seed,
    auth: { serviceAccounts: [creds] },
    durations: {
      snapshotQueued: 100,
      snapshotInProgress: 400,
      exportQueued: 0,
      exportPerCollection: 50,
      exportTotalCollections: 10,
      restoreDownload: 500,
    },
    // Benches measure the product, not Atlas's token buckets.
    rateLimits: { enabled: false },
  });
  const installed = fromDist ? installedBin(ROOT) : undefined;
  const cli = installed?.bin ?? fileURLToPath(new URL('bin/atlas-backup.js', ROOT));
  const args = [...profileArgs('pipelines'), cli, 'worker'];
  // The environment a user gives: where Temporal and Atlas are and the credentials; nothing else.
  const { NODE_OPTIONS: _n, ...base } = process.env;
  const worker = await startProcess(
    args,
    {
      ...base,
      TEMPORAL_ADDRESS: env.address,
      MONGODB_ATLAS_BASE_URL: sim.url,
      MONGODB_ATLAS_CLIENT_ID: creds.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: creds.clientSecret,
      ...WORKER_ENV,
    },
    /atlas-backup worker: (unversioned|Worker Deployment)/,
  );
  try {
    const tag = randomUUID().slice(0, 8);
    const counted = { runs: 0, attempts: 0, atlasRequests: 0 };
    const phase = await runAll(
      worker,
      env.serverPid,
      (i) => {
        const p = Math.floor(i / perProject);
        return env.client.workflow.start(backupPipeline, {
          taskQueue: DEFAULT_TASK_QUEUE,
          workflowId: `p3-${tag}-${pass}-${i}`,
          args: [
            {
              groupId: projectId(p),
              clusterName: `c${i % perProject}`,
              snapshot: { description: 'p3 bench', retentionInDays: 1 },
              export: { exportBucketId: bucketId(p) },
              restore: { deliveryType: 'download' },
            },
          ],
        });
      },
      (r) => {
        const result = r as { outcome?: string; attempts?: number; atlasRequests?: number };
        if (result.outcome !== 'completed') return false;
        counted.runs++;
        counted.attempts += result.attempts ?? 0;
        counted.atlasRequests += result.atlasRequests ?? 0;
        return true;
      },
    );
    const per = (n: number) => round(n / Math.max(1, counted.runs), 2);
    if (HISTORY) log(`  ${await historyShape(env.client, `p3-${tag}-${pass}-0`)}`);
    return { ...phase, perRun: { attempts: per(counted.attempts), atlasRequests: per(counted.atlasRequests) } };
  } finally {
    await stopProcess(worker);
    await sim.stop();
    installed?.remove();
  }
}

async function runCeiling(env: Env, bundle: string): Promise<Phase> {
  const taskQueue = `p3-noop-${randomUUID().slice(0, 8)}`;
  const worker = await startProcess(
    [...profileArgs('ceiling'), '--import', 'tsx', NOOP_WORKER],
    {
      ...process.env,
      BENCH_WORKER: 'noop',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      BENCH_NOOP_BUNDLE: bundle,
      WORKER_MAX_CONCURRENT_ACTIVITIES: String(SLOTS),
      WORKER_MAX_CACHED_WORKFLOWS: String(CACHE),
    },
    /noop worker: ready/,
  );
  const first = `p3-noop-0-${randomUUID().slice(0, 8)}`;
  try {
    const phase = await runAll(worker, env.serverPid, (i) =>
      env.client.workflow.start('noopWorkflow', {
        taskQueue,
        workflowId: i === 0 ? first : `p3-noop-${i}-${randomUUID().slice(0, 8)}`,
        args: CEILING_PACED ? [ACTIVITIES, `p-${projectId(Math.floor(i / perProject))}`] : [ACTIVITIES],
      }),
    );
    if (HISTORY) log(`  ${await historyShape(env.client, first)}`);
    return phase;
  } finally {
    await stopProcess(worker);
  }
}

const cpuLine = (p: Phase) =>
  `CPU s worker ${p.cpu.worker}, server ${p.cpu.server}, bench+simulator ${p.cpu.bench} ` +
  `(${round(((p.cpu.worker + p.cpu.server + p.cpu.bench) * 1000) / N, 0)} ms per workflow)`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');

async function main(): Promise<void> {
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const dir = mkdtempSync(join(tmpdir(), 'bench-p3-'));
  const env: Env = { client: new Client({ connection }), address: server.address, serverPid: server.pid, dir };
  const noop = () => undefined;
  const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
  const bundle = join(dir, 'noop.js');
  writeFileSync(bundle, (await bundleWorkflowCode({ workflowsPath: NOOP, logger })).code);
  const pipelines: Phase[] = [];
  const ceilings: Phase[] = [];
  try {
    log(
      `${N} pipelines in ${PROJECTS} projects on one \`atlas-backup worker\`${fromDist ? ' (dist)' : ''}; ` +
        `load ${load()}`,
    );
    // Ceiling and pipelines alternate (C P, then P C, ...) so each sees the same share of a drifting load.
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? ['ceiling', 'pipelines'] : ['pipelines', 'ceiling'];
      for (const kind of order) {
        if (kind === 'ceiling') {
          const c = await runCeiling(env, bundle);
          ceilings.push(c);
          log(
            `  ceiling${CEILING_PACED ? ' (paced dispatch)' : ''}: ${c.completed}/${N} × ${ACTIVITIES} ` +
              `no-op activities in ${c.seconds} s (${c.perSecond}/s); ` +
              `${cpuLine(c)}; load ${load()}`,
          );
        } else {
          const p = await runPipelines(env, r);
          pipelines.push(p);
          log(
            `  pipelines: ${p.completed}/${N} in ${p.seconds} s (${p.perSecond}/s), ` +
              `worker RSS idle ${p.rssIdleMb} MB, ` +
              `peak ${p.rssPeakMb} MB (target ≤ 400); ${cpuLine(p)}; per run ${p.perRun?.attempts} activity ` +
              `attempts, ${p.perRun?.atlasRequests} Atlas requests; load ${load()}`,
          );
        }
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = round(mean(pipelines.map((p) => p.perSecond)) / mean(ceilings.map((c) => c.perSecond)), 2);
    const pairRatios = pipelines.map((p, i) => round(p.perSecond / ceilings[i]!.perSecond, 2));
    const rssPeakMb = Math.max(...pipelines.map((p) => p.rssPeakMb));
    log(
      `  share of ceiling: ${ratio} (per round ${pairRatios.join(', ')}; target ≥ 0.5); ` +
        `RSS peak ${rssPeakMb} MB; load ${load()}`,
    );
    if (json)
      console.log(
        JSON.stringify({
          n: N,
          projects: PROJECTS,
          rounds: ROUNDS,
          ratio,
          pairRatios,
          rssPeakMb,
          pipelines,
          ceilings,
          loadAverage: loadavg(),
        }),
      );
  } finally {
    await connection.close();
    await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
