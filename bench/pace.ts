// P4a: many pipelines (snapshot → export → automated restore) in ONE project, restore targets in the
// same project, against the simulator's Atlas token buckets with the Cloud Backups bucket lowered
// (default capacity 120, refill 50 per period: a tenth of Atlas's), paced by what Atlas says: the
// workers read the project's buckets with listRateLimits and set the key's rate on the Temporal
// server (src/client/bucket-pace.ts). Prints figures, asserts nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/pace.ts [--json] [--pipelines 200] [--capacity 120] [--refill 50] [--window 6]
//        [--headroom 0.2] [--workers 2] [--targets-elsewhere] [--partitions 1] [--timeline]
//   node --import tsx bench/pace.ts --operator [--budget 100] [--window 12] …
//
// --window scales time: the refill period is `--window` seconds instead of Atlas's 60 (the simulator
// runs with timeScale window/60, which also shortens its jobs; the pacer scales the same way).
// --operator measures the operator's override instead: `--budget` requests per `--window` s in the
// simulator's per-project window (its token buckets off) AND as the Temporal rate limit
// (`setup --project-requests-per-minute`); the simulator's jobs then run in real time.
//
// --partitions: the dev server's task queue partitions. 1 is what startDevServer sets; 4, Temporal's
// default, splits the project's pace among 4 partitions, each pacing only the tasks it holds, so the
// run's end (partitions emptying unevenly) drains slower. --timeline prints, per window, the requests
// (and 429s), the paced activity attempts the workers began, and the requests by operation.
//
// Targets: 0 failed, ≤ 1% of the project's requests answered 429, and wall time ≤ 1.25 × the
// floor, where the floor = requests the runs needed (answered other than 429) ÷ the refill (budget) rate.
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { AtlasAuth } from '../src/atlas/index.js';
import { fairnessKeyTasksPerSecond, setProjectPace, tasksPerSecondOf } from '../src/client/project-pace.js';
import { DEFAULT_PACE_HEADROOM } from '../src/config.js';
import type { BackupPipelineRequest, PipelineResult } from '../src/contract/index.js';
import { startDevServer, type RunningDevServer } from '../src/devserver/dev-server.js';
import { startSimulator, type RunningSimulator, type SeedSpec } from '../src/simulator/index.js';
import { backupPipeline } from '../src/workflows/index.js';
import { bundleWorkflows, startBenchWorker } from './lib/bench-worker.js';
import { numberArg } from './lib/args.js';

const json = process.argv.includes('--json');
const quick = process.argv.includes('--quick');
/** Also print the project's requests and 429s per budget window, to see when the 429s come. */
const timeline = process.argv.includes('--timeline');
const operator = process.argv.includes('--operator');
const targetsElsewhere = process.argv.includes('--targets-elsewhere');
const pipelines = numberArg('pipelines', quick ? 20 : 200, 1, 1000);
/** The bucket: `capacity` tokens, `refill` more each window (learned mode); the budget per window (--operator). */
const capacity = numberArg('capacity', 120, 1, 100_000);
const budget = numberArg(operator ? 'budget' : 'refill', operator ? 100 : 50, 1, 10_000);
const headroom = numberArg('headroom', DEFAULT_PACE_HEADROOM, 0, 0.9);
const windowSeconds = numberArg('window', operator ? 12 : 6, 1, 60);
const workerCount = numberArg('workers', 2, 1, 4);
/** Task queue partitions of the dev server: 1 as startDevServer sets it, 4 is Temporal's default. */
const partitions = numberArg('partitions', 1, 1, 8);
const log = (line: string) => {
  if (!json) console.log(line);
};

const PROJECT = '65f1a0c0a1b2c3d4e5f6b001';
const TARGET_PROJECT = '65f1a0c0a1b2c3d4e5f6b002';
const BUCKET = '65f1a0c0a1b2c3d4e5f6b0b1';
const clusterName = (i: number) => `pace-${String(i).padStart(4, '0')}`;

function seed(n: number): SeedSpec {
  const clusters = Array.from({ length: n }, (_, i) => ({ name: clusterName(i), kind: 'replicaSet' as const }));
  const targets = clusters.map((c) => ({ ...c, name: `t-${c.name}` }));
  const bucket = {
    id: BUCKET,
    bucketName: 'pace-bucket',
    cloudProvider: 'AWS' as const,
    iamRoleId: '65f1a0c0a1b2c3d4e5f6b0a1',
  };
  // Restore targets in the same project (the common layout), or in another (--targets-elsewhere).
  return {
    projects: targetsElsewhere
      ? [
          { id: PROJECT, name: 'pace-project', clusters, buckets: [bucket] },
          { id: TARGET_PROJECT, name: 'pace-targets', clusters: targets },
        ]
      : [{ id: PROJECT, name: 'pace-project', clusters: [...clusters, ...targets], buckets: [bucket] }],
  };
}

function input(i: number): BackupPipelineRequest {
  return {
    groupId: PROJECT,
    clusterName: clusterName(i),
    export: { exportBucketId: BUCKET },
    restore: {
      deliveryType: 'automated',
      targetGroupId: targetsElsewhere ? TARGET_PROJECT : PROJECT,
      targetClusterName: `t-${clusterName(i)}`,
      overwrite: `t-${clusterName(i)}`,
    },
  };
}

/** The most of `times` (ms) within any span of `spanMs`. */
function maxInWindow(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= spanMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** One budget window: the project's requests (of them 429s, and by operation) and the paced attempts begun. */
interface Window {
  requests: number;
  answered429: number;
  attempts: number;
  byOperation: Record<string, number>;
}

interface Figures {
  completed: number;
  failed: number;
  requests: number;
  answered429: number;
  /** Activity attempts of the completed runs (each one paced task). */
  attempts: number;
  byOperation: Record<string, number>;
  /** Per budget window from the first start. */
  windows: Window[];
  /** The most requests accepted within any sliding window (what the simulator holds to the budget). */
  maxAcceptedInWindow: number;
  /** The most activity attempts begun within any sliding window (what the server's pace bounds). */
  maxAttemptsInWindow: number;
  wallSeconds: number;
}

/**
 * Starts the workers; `attemptStarts` gets the time each paced activity attempt began on one (the
 * server's dispatches, as the workers saw them).
 */
async function startWorkers(
  address: string,
  taskQueue: string,
  sim: RunningSimulator,
  auth: AtlasAuth,
  code: string,
  attemptStarts: number[],
) {
  const stops: (() => Promise<void>)[] = [];
  for (let w = 0; w < workerCount; w++) {
    const worker = await startBenchWorker({
      address,
      taskQueue,
      atlasUrl: sim.url,
      auth,
      code,
      maxConcurrentActivities: 50,
      ...(operator ? {} : { pacing: { headroom, refreshSeconds: 600, periodScale: windowSeconds / 60 } }),
      workerOptions: {
        identity: `pace-worker-${w}`,
        interceptors: {
          activity: [
            (ctx) => ({
              inbound: {
                execute: (input, next) => {
                  // Local activities (the run's notification defaults) are not paced tasks.
                  if (!ctx.info.isLocal) attemptStarts.push(Date.now());
                  return next(input);
                },
              },
            }),
          ],
        },
      },
    });
    stops.push(worker.stop);
  }
  return () => Promise.all(stops.map((s) => s()));
}

async function run(temporal: Client, address: string, code: string): Promise<Figures> {
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  const auth: AtlasAuth = { kind: 'serviceAccount', ...creds };
  const sim = await startSimulator({
    seed: seed(pipelines),
    auth: { serviceAccounts: [creds] },
    ...(operator
      ? {
          faults: { projectRateLimitPerMinute: { [PROJECT]: budget }, projectRateLimitWindowSeconds: windowSeconds },
          rateLimits: { enabled: false },
        }
      : {
          timeScale: windowSeconds / 60,
          rateLimits: { sets: { cloudBackups_group: { capacity, refillRate: budget, refillDurationSeconds: 60 } } },
        }),
  });
  const taskQueue = `bench-pace-${randomUUID().slice(0, 8)}`;
  if (operator) await setProjectPace(temporal.connection, 'default', taskQueue, budget, windowSeconds);
  const attemptStarts: number[] = [];
  const stopWorkers = await startWorkers(address, taskQueue, sim, auth, code, attemptStarts);
  try {
    const t0 = performance.now();
    const handles = await Promise.all(
      Array.from({ length: pipelines }, (_, i) =>
        temporal.workflow.start(backupPipeline, {
          taskQueue,
          workflowId: `bench-pace-${i}-${randomUUID().slice(0, 8)}`,
          args: [input(i)],
        }),
      ),
    );
    let done = 0;
    const outcomes = await Promise.all(
      handles.map((h) =>
        (h.result() as Promise<PipelineResult>).then(
          (r) => {
            done++;
            const after = round((performance.now() - t0) / 1000, 0);
            if (done % 20 === 0) log(`  ${done}/${pipelines} done after ${after} s`);
            return { outcome: r.outcome, attempts: r.attempts };
          },
          () => ({ outcome: 'failed' as const, attempts: 0 }),
        ),
      ),
    );
    const wallSeconds = (performance.now() - t0) / 1000;
    const entries = (await sim.admin.requestLog()).filter((e) => e.path.includes(`/groups/${PROJECT}/`));
    const windows: Window[] = [];
    const startMs = Date.now() - (performance.now() - t0);
    const windowAt = (ms: number): Window => {
      const w = Math.max(0, Math.floor((ms - startMs) / 1000 / windowSeconds));
      while (windows.length <= w) windows.push({ requests: 0, answered429: 0, attempts: 0, byOperation: {} });
      return windows[w]!;
    };
    for (const e of entries) {
      const w = windowAt(Date.parse(e.at));
      w.requests++;
      if (e.status === 429) w.answered429++;
      const op = e.operationId ?? e.path;
      w.byOperation[op] = (w.byOperation[op] ?? 0) + 1;
    }
    for (const t of attemptStarts) windowAt(t).attempts++;
    const accepted = entries.filter((e) => e.status !== 429).map((e) => Date.parse(e.at));
    const byOperation: Record<string, number> = {};
    for (const e of entries) {
      const key = `${e.operationId ?? e.path}${e.status === 429 ? ' (429)' : ''}`;
      byOperation[key] = (byOperation[key] ?? 0) + 1;
    }
    return {
      completed: outcomes.filter((o) => o.outcome === 'completed').length,
      failed: outcomes.filter((o) => o.outcome !== 'completed').length,
      attempts: outcomes.reduce((n, o) => n + o.attempts, 0),
      requests: entries.length,
      answered429: entries.filter((e) => e.status === 429).length,
      byOperation,
      windows,
      maxAcceptedInWindow: maxInWindow(accepted, windowSeconds * 1000),
      maxAttemptsInWindow: maxInWindow(attemptStarts, windowSeconds * 1000),
      wallSeconds,
    };
  } finally {
    await stopWorkers();
    await sim.stop();
  }
}

Runtime.install({ logger: new DefaultLogger('WARN') });
let server: RunningDevServer | undefined;
let clientConnection: Connection | undefined;
try {
  log('starting a Temporal dev server and bundling the workflows…');
  const [srv, bundle] = await Promise.all([startDevServer({ taskQueuePartitions: partitions }), bundleWorkflows()]);
  server = srv;
  clientConnection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection: clientConnection });
  const limit = operator ? `budget ${budget}` : `bucket ${capacity}, refill ${budget}`;
  log(`${pipelines} pipelines in one project, ${limit} per ${windowSeconds} s, ${workerCount} worker(s)…`);
  const f = await run(temporal, server.address, bundle);
  const needed = f.requests - f.answered429;
  const floorSeconds = (needed / budget) * windowSeconds;
  const summary = {
    bench: 'pace',
    pipelines,
    workers: workerCount,
    taskQueuePartitions: partitions,
    mode: operator ? 'operator budget' : 'learned from listRateLimits',
    targets: targetsElsewhere ? 'another project' : 'the same project',
    budget: {
      ...(operator ? {} : { capacity, headroom }),
      requests: budget,
      windowSeconds,
      tasksPerSecond: round(
        operator
          ? fairnessKeyTasksPerSecond(budget, windowSeconds)
          : tasksPerSecondOf(budget, windowSeconds, 1 - headroom),
        3,
      ),
    },
    completed: f.completed,
    failed: f.failed,
    requests: f.requests,
    requestsPerPipeline: round(f.requests / pipelines),
    attemptsPerPipeline: round(f.attempts / pipelines),
    // What the pace's REQUESTS_PER_TASK stands for: the project's requests per paced activity task.
    requestsPerAttempt: round(f.requests / Math.max(1, f.attempts)),
    answered429: f.answered429,
    share429: round(f.answered429 / Math.max(1, f.requests), 4),
    wallSeconds: round(f.wallSeconds, 1),
    floorSeconds: round(floorSeconds, 1),
    wallOverFloor: round(f.wallSeconds / floorSeconds, 3),
    byOperation: f.byOperation,
    ...(timeline
      ? {
          windows: f.windows.map((w) => `${w.requests}/${w.answered429}`).join(' '),
          attemptWindows: f.windows.map((w) => w.attempts).join(' '),
          maxAcceptedInWindow: f.maxAcceptedInWindow,
          maxAttemptsInWindow: f.maxAttemptsInWindow,
          windowOperations: f.windows.map((w) =>
            Object.entries(w.byOperation)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([op, n]) => `${op} ${n}`)
              .join(', '),
          ),
        }
      : {}),
    goals: { failed: 0, maxShare429: 0.01, maxWallOverFloor: 1.25 },
    loadAverage: loadavg().map((l) => round(l, 2)),
  };
  if (json) console.log(JSON.stringify(summary));
  else {
    console.log(JSON.stringify(summary, null, 2));
    console.log(
      `targets: 0 failed (${f.failed}); ≤ 1% answered 429 (${round(summary.share429 * 100)}%); ` +
        `wall ≤ 1.25 × floor (${summary.wallOverFloor}×: ${summary.wallSeconds} s vs ${summary.floorSeconds} s)`,
    );
  }
} finally {
  await clientConnection?.close();
  await server?.stop();
}
