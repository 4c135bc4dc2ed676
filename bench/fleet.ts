// P3 (issue 14): a fleet of N clusters across P projects backed up by fleetBackup on ONE worker (its
// own process, so its RSS is its own) and a Temporal dev server, beside a no-op baseline: the same
// number of workflows, each running the same number of trivial activities, on the same server, on
// the same concurrency. Prints figures, asserts nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/fleet.ts [--json] [--quick] [--clusters 1000] [--projects 10]
//        [--concurrency 100] [--heap-mb 160] [--semi-mb 4] [--cache 120] [--batch 0] [--rounds 2] [--dist]
//        [--partitions 1] [--cpu-prof DIR] [--trace]
//
// --dist runs the fleet's worker from dist/ (run `npm run build` first), without tsx in its process.
//
// Targets: every cluster completed; worker RSS peak ≤ 400 MB; throughput ≥ 50% of the baseline's.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { fleetStatusQuery, type FleetResult } from '../src/contract/index.js';
import { startDevServer } from '../src/devserver/dev-server.js';
import { startSimulator, type SeedSpec } from '../src/simulator/index.js';
import { WORKFLOW_BUNDLER_OPTIONS, workflowsPath } from '../src/worker.js';
import { fleetBackup } from '../src/workflows/index.js';
import { cpuSeconds, sampleRss } from './lib/process-stats.js';
import { integerArg } from './lib/args.js';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
/** Print the fleet's status every 2 s while it runs. */
const TRACE = process.argv.includes('--trace');
/** Run the fleet's worker from dist/ (npm run build) as users do, without tsx in the process. */
const fromDist = process.argv.includes('--dist');
const N = integerArg('clusters', quick ? 100 : 1000, 10, 10_000);
const PROJECTS = integerArg('projects', 10, 1, 100);
const CONCURRENCY = integerArg('concurrency', 100, 1, 1000);
const HEAP_MB = integerArg('heap-mb', 160, 64, 8192);
const CACHE = integerArg('cache', 120, 1, 100_000);
/** V8's young generation per semi-space, MB: 4 as the Docker image sets it (0: Node's default, 16 MB on Node 20). */
const SEMI_MB = integerArg('semi-mb', 4, 0, 256);
/** Fleet/baseline pairs, alternating in order (see main). */
const ROUNDS = integerArg('rounds', 2, 1, 10);
/** Children per fleet run; 0: the fleet's default (1,000). Each continue-as-new carries the running ones over. */
const BATCH = integerArg('batch', 0, 0, 2000);
/** The dev server's task queue partitions: 1 as startDevServer sets it, 4 is Temporal's default. */
const PARTITIONS = integerArg('partitions', 1, 1, 8);
/** Write V8 CPU profiles of the workers (every thread) into this directory (`--cpu-prof DIR`). */
const CPU_PROF = process.argv.includes('--cpu-prof') ? process.argv[process.argv.indexOf('--cpu-prof') + 1] : undefined;
const log = (line: string) => {
  if (!json) console.log(line);
};
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const WORKER = fileURLToPath(new URL('./lib/fleet-worker.ts', import.meta.url));
const NOOP = fileURLToPath(new URL('./lib/noop-workflows.ts', import.meta.url));

const hex = (i: number) => (0x65f1a0c0a1b2c3d4e5f70000n + BigInt(i)).toString(16).padStart(24, '0');

function fleetSeed(): SeedSpec {
  const perProject = Math.ceil(N / PROJECTS);
  return {
    projects: Array.from({ length: PROJECTS }, (_, p) => ({
      id: hex(p),
      name: `bench-${p}`,
      clusters: Array.from({ length: Math.min(perProject, N - p * perProject) }, (_, c) => ({
        name: `c${p}-${c}`,
        kind: 'replicaSet' as const,
      })),
    })),
  };
}

/** Starts the worker process and waits for its ready line. */
async function startWorker(env: NodeJS.ProcessEnv, ready: RegExp, dist = false): Promise<ChildProcess> {
  const heap = [
    `--max-old-space-size=${HEAP_MB}`,
    ...(SEMI_MB ? [`--max-semi-space-size=${SEMI_MB}`] : []),
    ...(CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`] : []),
  ];
  const distWorker = new URL('../dist/worker.js', import.meta.url).href;
  const args = dist
    ? [...heap, '--input-type=module', '-e', `(await import(${JSON.stringify(distWorker)})).runWorkerFromEnv()`]
    : ['--import', 'tsx', ...heap, WORKER];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, WORKER_MAX_CACHED_WORKFLOWS: String(CACHE) },
    // dist's worker logs at INFO on stderr; the figures are what this bench prints.
    stdio: ['ignore', 'pipe', dist ? 'ignore' : 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      if (ready.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`bench worker exited (${code}) before it was ready: ${out}`)));
  });
  return child;
}

async function stopWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

async function bundleTo(dir: string, name: string, path: string, preload = false): Promise<string> {
  const noop = () => undefined;
  const logger = { trace: noop, debug: noop, info: noop, warn: noop, error: console.error, log: noop };
  const options = preload ? WORKFLOW_BUNDLER_OPTIONS : {};
  const { code } = await bundleWorkflowCode({ workflowsPath: path, ...options, logger });
  const file = join(dir, name);
  writeFileSync(file, code);
  return file;
}

interface Phase {
  seconds: number;
  perSecond: number;
  rssPeakMb: number;
  rssIdleMb: number;
  /** CPU seconds over the phase: the worker, the dev server, this process (the client and the simulator). */
  cpu: { worker: number; server: number; bench: number };
}

interface Env {
  client: Client;
  address: string;
  dir: string;
  serverPid: number;
}

const benchCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

async function measure(env: Env, worker: ChildProcess, work: () => Promise<void>): Promise<Phase> {
  const rss = sampleRss(worker.pid!);
  await new Promise((r) => setTimeout(r, 1000));
  const rssIdleMb = rss.last();
  const t0 = performance.now();
  const cpu0 = { worker: cpuSeconds(worker.pid!), server: cpuSeconds(env.serverPid), bench: benchCpu() };
  try {
    await work();
  } finally {
    rss.stop();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = {
    worker: round(cpuSeconds(worker.pid!) - cpu0.worker),
    server: round(cpuSeconds(env.serverPid) - cpu0.server),
    bench: round(benchCpu() - cpu0.bench),
  };
  return {
    cpu,
    seconds: round(seconds),
    perSecond: round(N / seconds, 2),
    rssPeakMb: round(rss.peak()),
    rssIdleMb: round(rssIdleMb),
  };
}

async function runFleet(env: Env) {
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: randomBytes(24).toString('hex'),
  };
  const sim = await startSimulator({
    seed: fleetSeed(),
    timeScale: 0.2,
    auth: { serviceAccounts: [creds] },
    // Benches measure the product, not Atlas's token buckets (the fault-mode window is their limit).
    rateLimits: { enabled: false },
  });
  const taskQueue = `bench-fleet-${randomUUID().slice(0, 8)}`;
  const bundle = fromDist ? '' : await bundleTo(env.dir, 'workflows.js', workflowsPath, true);
  const worker = await startWorker(
    {
      BENCH_WORKER: 'atlas',
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      MONGODB_ATLAS_BASE_URL: sim.url,
      MONGODB_ATLAS_CLIENT_ID: creds.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: creds.clientSecret,
      // From dist/ the worker finds dist/workflow-bundle.js itself (npm run build writes it).
      ATLAS_BACKUP_WORKFLOW_BUNDLE: fromDist ? '' : bundle,
      WORKER_MAX_CONCURRENT_ACTIVITIES: '100',
    },
    /atlas-backup worker: workflows/,
    fromDist,
  );
  let result: FleetResult | undefined;
  try {
    const phase = await measure(env, worker, async () => {
      const handle = await env.client.workflow.start(fleetBackup, {
        taskQueue,
        workflowId: `bench-fleet-${randomUUID().slice(0, 8)}`,
        args: [
          {
            targets: { projects: fleetSeed().projects.map((p) => p.id!) },
            ...(BATCH ? { batchSize: BATCH } : {}),
            concurrency: { max: CONCURRENCY, perProject: Math.max(1, Math.ceil(CONCURRENCY / PROJECTS)) },
            polling: { initialIntervalSeconds: 0.5, maximumIntervalSeconds: 1, backoffCoefficient: 1.5 },
            retry: { initialIntervalSeconds: 0.2, maximumIntervalSeconds: 2, backoffCoefficient: 2 },
          },
        ],
      });
      const tracing = TRACE ? traceFleet(handle) : undefined;
      try {
        result = await handle.result();
      } finally {
        await tracing?.stop();
      }
    });
    const c = await sim.admin.counters();
    // Attempts: one per snapshot POST or GET, plus each pipeline's pre-flight (its reads are shared
    // across pipelines of a project, so they do not count its attempts).
    const activities = ((c.takeSnapshots ?? 0) + (c.getClusterBackupSnapshot ?? 0)) / N + 1;
    return { phase, result: result!, activitiesPerPipeline: round(activities, 2) };
  } finally {
    await stopWorker(worker);
    await sim.stop();
  }
}

/** --trace: the fleet's status every 2 s (run, running, completed), to see where it idles. */
function traceFleet(handle: WorkflowHandle<typeof fleetBackup>) {
  const t0 = performance.now();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, 2000));
      const s = await handle.query(fleetStatusQuery).catch(() => undefined);
      const t = ((performance.now() - t0) / 1000).toFixed(0);
      const { running, completed, queued } = s?.counts ?? {};
      if (s) log(`    t=${t}s run ${s.run}: running ${running}, completed ${completed}, queued ${queued}`);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

async function runBaseline(env: Env, activities: number): Promise<Phase> {
  const taskQueue = `bench-noop-${randomUUID().slice(0, 8)}`;
  const bundle = await bundleTo(env.dir, 'noop.js', NOOP);
  const worker = await startWorker(
    { BENCH_WORKER: 'noop', TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: taskQueue, BENCH_NOOP_BUNDLE: bundle },
    /noop worker: ready/,
  );
  try {
    return await measure(env, worker, async () => {
      let next = 0;
      const lane = async () => {
        while (next < N) {
          next++;
          await env.client.workflow.execute('noopWorkflow', {
            taskQueue,
            workflowId: `bench-noop-${randomUUID()}`,
            args: [activities],
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, N) }, lane));
    });
  } finally {
    await stopWorker(worker);
  }
}

const cpuLine = (p: Phase) => `CPU s worker ${p.cpu.worker}, server ${p.cpu.server}, bench+simulator ${p.cpu.bench}`;

async function main(): Promise<void> {
  const server = await startDevServer({ taskQueuePartitions: PARTITIONS });
  const connection = await Connection.connect({ address: server.address });
  const env: Env = {
    client: new Client({ connection }),
    address: server.address,
    serverPid: server.pid,
    dir: mkdtempSync(join(tmpdir(), 'bench-fleet-')),
  };
  try {
    log(
      `${fromDist ? '[dist worker] ' : ''}fleet of ${N} clusters in ${PROJECTS} projects, ` +
        `concurrency ${CONCURRENCY}, heap ${HEAP_MB} MB, cache ${CACHE}`,
    );
    // Fleet and baseline alternate (F B, then B F, ...): on a machine whose load drifts, each kind
    // sees the same share of early and late load, and the ratio of the means cancels a steady drift.
    const fleets: Awaited<ReturnType<typeof runFleet>>[] = [];
    const baselines: Phase[] = [];
    let activities = 0;
    const runOneFleet = async () => {
      const fleet = await runFleet(env);
      const { phase: f, result } = fleet;
      log(
        `  fleet: ${result.counts.completed}/${N} completed in ${f.seconds} s (${f.perSecond}/s), ` +
          `${result.runs} runs, ${fleet.activitiesPerPipeline} activities per pipeline, ` +
          `worker RSS idle ${f.rssIdleMb} MB, peak ${f.rssPeakMb} MB (target ≤ 400); ${cpuLine(f)}`,
      );
      fleets.push(fleet);
      activities ||= Math.max(1, Math.round(fleet.activitiesPerPipeline));
    };
    const runOneBaseline = async () => {
      const b = await runBaseline(env, activities);
      log(
        `  baseline: ${N} no-op workflows × ${activities} activities in ${b.seconds} s ` +
          `(${b.perSecond}/s), worker RSS peak ${b.rssPeakMb} MB; ${cpuLine(b)}`,
      );
      baselines.push(b);
    };
    for (let r = 0; r < ROUNDS; r++) {
      // The first round runs the fleet first: the baseline copies its activities per pipeline.
      if (r % 2 === 0) {
        await runOneFleet();
        await runOneBaseline();
      } else {
        await runOneBaseline();
        await runOneFleet();
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const ratio = round(mean(fleets.map((f) => f.phase.perSecond)) / mean(baselines.map((b) => b.perSecond)), 2);
    const pairRatios = fleets.map((f, i) => round(f.phase.perSecond / baselines[i]!.perSecond, 2));
    const rssPeakMb = Math.max(...fleets.map((f) => f.phase.rssPeakMb));
    const completed = Math.min(...fleets.map((f) => f.result.counts.completed));
    log(
      `  throughput ratio fleet/baseline: ${ratio} over ${ROUNDS} round(s) (per round ${pairRatios.join(', ')}; ` +
        `target ≥ 0.5); RSS peak ${rssPeakMb} MB; load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
    );
    if (json) {
      const last = fleets.at(-1)!;
      const { clusters: _c, ...summary } = last.result;
      console.log(
        JSON.stringify({
          n: N,
          projects: PROJECTS,
          concurrency: CONCURRENCY,
          heapMb: HEAP_MB,
          semiMb: SEMI_MB,
          cache: CACHE,
          rounds: ROUNDS,
          taskQueuePartitions: PARTITIONS,
          fleet: {
            perSecond: fleets.map((f) => f.phase.perSecond),
            seconds: fleets.map((f) => f.phase.seconds),
            cpu: fleets.map((f) => f.phase.cpu),
            rssPeakMb,
            rssIdleMb: fleets.map((f) => f.phase.rssIdleMb),
            activitiesPerPipeline: last.activitiesPerPipeline,
            completed,
            counts: summary.counts,
            runs: summary.runs,
          },
          baseline: {
            perSecond: baselines.map((b) => b.perSecond),
            rssPeakMb: Math.max(...baselines.map((b) => b.rssPeakMb)),
            cpu: baselines.map((b) => b.cpu),
            activities,
          },
          ratio,
          pairRatios,
          loadAverage: loadavg().map((l) => round(l, 2)),
        }),
      );
    }
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
