// Benchmark of the backup pipeline (snapshot → export → automated restore) on a real Temporal dev
// server, a real worker and the Atlas simulator, beside a fixed 4-second poller (the Atlas CLI's
// `watch`) doing the same jobs. Prints figures, asserts nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/pipeline.ts [--json] [--runs N] [--trace] [--long-scale 0.01] [--p2]
//
// --p2 runs P2's jobs (issue 14): every job 10 s long (SHORT) or 10 minutes long (LONG).
//
// --trace also prints, per job, when each GET arrived (sim seconds after the job's creation).
//
// Every scenario gets its own Temporal dev server, and its runs go one after another on the same
// cluster: a run's snapshot and restore waits read around the duration the cluster's last completed
// pipeline took (learned from its history), so the FIRST run of a scenario has nothing to learn from
// and reads with the plain backoff; runs 2..N show the learned shape (--runs 3 or more to see it).
//
// Figures per scenario (SHORT: jobs of seconds at timeScale 1; LONG: jobs of minutes at timeScale
// 0.01 with the pipeline's polling and retry intervals scaled by the same factor):
//   - history events per pipeline (target ≤ 60, the same for short and long),
//   - Atlas requests per pipeline, oauthToken excluded (P2 targets: ours ≤ 15% of the poller's on long
//     jobs, ≤ 100% on short ones),
//   - detection latency per job: terminal in the simulator → first GET that saw it, p50/p95, in
//     simulated seconds (real ms ÷ timeScale).
// Ours and the poller run concurrently, each against its own simulator, so counters never mix.
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { AtlasClient, type AtlasAuth } from '../src/atlas/index.js';
import { startDevServer, type RunningDevServer } from '../src/devserver/dev-server.js';
import { DEMO_IDS, DEMO_SEED, startSimulator, type Durations, type RunningSimulator } from '../src/simulator/index.js';
import { pollingSchema, type BackupPipelineRequest } from '../src/contract/index.js';
import type { PipelineResult } from '../src/contract/index.js';
import { bundleWorkflows, startBenchWorker } from './lib/bench-worker.js';
import { runFixedPoller } from './lib/fixed-poller.js';
import {
  atlasRequests,
  detectionLatencyMs,
  jobTimelines,
  JOBS,
  percentile,
  type Job,
  type JobIds,
  type JobTimeline,
} from './lib/observations.js';
import { backupPipeline } from '../src/workflows/index.js';

const json = process.argv.includes('--json');
const trace = process.argv.includes('--trace');
function numberArg(name: string, fallback: number, min: number, max: number, integer: boolean): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new Error(
      `--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max} (the bench stays bounded)`,
    );
  }
  return v;
}
const runs = numberArg('runs', 3, 1, 10, true);
const longScale = numberArg('long-scale', 0.01, 0.001, 0.2, false);
const log = (line: string) => {
  if (!json) console.log(line);
};

const POLLER_PERIOD_S = 4;
/**
 * Temporal never retries an activity sooner than ~1 s (measured on the dev server),
 * so scaled polls below it stretch.
 */
const TEMPORAL_RETRY_FLOOR_S = 1;

interface Scenario {
  name: 'short' | 'long';
  timeScale: number;
  /** Unscaled (Atlas-time) durations of the jobs, ms. */
  durations: Partial<Durations>;
}

/** P2's jobs (issue 14): every job 10 s (short) or 10 min (long), with --p2. */
const P2_SCENARIOS: Scenario[] = [
  {
    name: 'short',
    timeScale: 1,
    durations: {
      snapshotQueued: 1_000,
      snapshotInProgress: 9_000,
      exportQueued: 0,
      exportPerCollection: 1_000,
      exportTotalCollections: 10,
      restoreAutomated: 10_000,
    },
  },
  {
    name: 'long',
    timeScale: longScale,
    durations: {
      snapshotQueued: 30_000,
      snapshotInProgress: 570_000,
      exportQueued: 0,
      exportPerCollection: 6_000,
      exportTotalCollections: 100,
      restoreAutomated: 600_000,
    },
  },
];

const DEFAULT_SCENARIOS: Scenario[] = [
  {
    name: 'short',
    timeScale: 1,
    durations: {
      snapshotQueued: 500,
      snapshotInProgress: 2_500,
      exportQueued: 0,
      exportPerCollection: 500,
      exportTotalCollections: 10,
      restoreAutomated: 3_000,
    },
  },
  {
    name: 'long',
    timeScale: longScale,
    durations: {
      snapshotQueued: 30_000,
      snapshotInProgress: 210_000,
      exportQueued: 0,
      exportPerCollection: 6_000,
      exportTotalCollections: 40,
      restoreAutomated: 300_000,
    },
  },
];
const SCENARIOS = process.argv.includes('--p2') ? P2_SCENARIOS : DEFAULT_SCENARIOS;

/** Wall-clock bound of one pipeline (either kind): three times its jobs plus slack; fail rather than hang. */
function pipelineDeadlineMs(s: Scenario): number {
  const d = s.durations;
  const jobsMs =
    (d.snapshotQueued ?? 0) +
    (d.snapshotInProgress ?? 0) +
    (d.exportQueued ?? 0) +
    (d.exportTotalCollections ?? 0) * (d.exportPerCollection ?? 0) +
    (d.restoreAutomated ?? 0);
  return 30_000 + 3 * jobsMs * s.timeScale;
}

const { projectId: groupId, targetProjectId, bucketId, replicaSet, restoreTarget } = DEMO_IDS;
const DEFAULT_POLLING = pollingSchema().parse({});

function pipelineInput(scale: number): BackupPipelineRequest {
  return {
    groupId,
    clusterName: replicaSet,
    snapshot: { description: 'bench pipeline', retentionInDays: 1 },
    export: { exportBucketId: bucketId },
    restore: {
      deliveryType: 'automated',
      targetGroupId: targetProjectId,
      targetClusterName: restoreTarget,
      overwrite: restoreTarget,
    },
    // The pipeline's defaults (the contract's polling, 1 s → 60 s retries), on the simulator's clock.
    polling: {
      initialIntervalSeconds: DEFAULT_POLLING.initialIntervalSeconds * scale,
      maximumIntervalSeconds: DEFAULT_POLLING.maximumIntervalSeconds * scale,
      backoffCoefficient: DEFAULT_POLLING.backoffCoefficient,
    },
    retry: { initialIntervalSeconds: 1 * scale, maximumIntervalSeconds: 60 * scale, backoffCoefficient: 2 },
  };
}

interface RunFigures {
  requests: number;
  latencyMs: Record<Job, number>;
  wallMs: number;
  timelines: Record<Job, JobTimeline>;
}
interface OurRun extends RunFigures {
  historyEvents: number;
  countedByPipeline: number;
}

interface ScenarioFigures {
  scenario: Scenario;
  ours: OurRun[];
  poller: RunFigures[];
}

async function runScenario(
  scenario: Scenario,
  temporal: Client,
  address: string,
  workflowCode: string,
): Promise<ScenarioFigures> {
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  const auth: AtlasAuth = { kind: 'serviceAccount', ...creds };
  const simOptions = {
    seed: DEMO_SEED,
    timeScale: scenario.timeScale,
    durations: scenario.durations,
    auth: { serviceAccounts: [creds] },
    // Benches measure the product, not Atlas's token buckets (the fault-mode window is their limit).
    rateLimits: { enabled: false },
  };
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const oursSim: RunningSimulator = await startSimulator(simOptions);
    cleanups.push(() => oursSim.stop());
    const pollerSim: RunningSimulator = await startSimulator(simOptions);
    cleanups.push(() => pollerSim.stop());

    const taskQueue = `bench-pipeline-${scenario.name}-${randomUUID().slice(0, 8)}`;
    const worker = await startBenchWorker({
      address,
      taskQueue,
      atlasUrl: oursSim.url,
      auth,
      code: workflowCode,
      maxConcurrentActivities: 10,
    });
    cleanups.unshift(worker.stop);

    const pollerClient = new AtlasClient({ baseUrl: pollerSim.url, auth });
    cleanups.unshift(() => pollerClient.close());

    const figures: ScenarioFigures = { scenario, ours: [], poller: [] };
    const toSim = (ms: number) => ms / scenario.timeScale / 1000;
    for (let i = 0; i < runs; i++) {
      await Promise.all([oursSim.admin.resetObservations(), pollerSim.admin.resetObservations()]);
      const ours = (async (): Promise<OurRun> => {
        const t0 = performance.now();
        const handle = await temporal.workflow.start(backupPipeline, {
          taskQueue,
          workflowId: `bench-pipeline-${scenario.name}-${randomUUID().slice(0, 8)}`,
          args: [pipelineInput(scenario.timeScale)],
          workflowExecutionTimeout: pipelineDeadlineMs(scenario),
        });
        const result = (await handle.result()) as PipelineResult;
        const wallMs = performance.now() - t0;
        if (result.outcome !== 'completed' || !result.export || !result.restore)
          throw new Error(`pipeline ${result.workflowId} ended ${result.outcome}`);
        const ids: JobIds = {
          snapshotId: result.snapshot!.id,
          exportId: result.export.id,
          restoreJobId: result.restore.id,
        };
        const history = await handle.fetchHistory();
        const timelines = await jobTimelines(oursSim.admin, ids);
        return {
          historyEvents: history.events?.length ?? 0,
          countedByPipeline: result.atlasRequests,
          requests: await atlasRequests(oursSim.admin),
          latencyMs: detectionLatencyMs(timelines),
          wallMs,
          timelines,
        };
      })();
      const poller = (async (): Promise<RunFigures> => {
        const t0 = performance.now();
        const ids = await runFixedPoller(
          pollerClient,
          {
            groupId,
            clusterName: replicaSet,
            exportBucketId: bucketId,
            targetGroupId: targetProjectId,
            targetClusterName: restoreTarget,
          },
          POLLER_PERIOD_S * 1000 * scenario.timeScale,
          pipelineDeadlineMs(scenario),
        );
        const wallMs = performance.now() - t0;
        const timelines = await jobTimelines(pollerSim.admin, ids);
        return {
          requests: await atlasRequests(pollerSim.admin),
          latencyMs: detectionLatencyMs(timelines),
          wallMs,
          timelines,
        };
      })();
      const [o, p] = await Promise.all([ours, poller]);
      figures.ours.push(o);
      figures.poller.push(p);
      const lat = (r: RunFigures) => JOBS.map((j) => toSim(r.latencyMs[j]).toFixed(1)).join('/');
      if (trace && !json) {
        for (const j of JOBS) {
          const t = o.timelines[j];
          const gets = t.gets.map((g) => toSim(g - t.createdAt).toFixed(1)).join(' ');
          const terminal = toSim(t.terminalAt - t.createdAt).toFixed(1);
          console.log(`    ours ${j}: terminal at ${terminal}, GETs at ${gets} (sim s after creation)`);
        }
      }
      const wall = (r: RunFigures) => `${(r.wallMs / 1000).toFixed(1)} s wall`;
      const counts = `${o.historyEvents} events, ${o.requests} requests`;
      const oursLine = `ours ${counts}, latency s/e/r ${lat(o)} sim-s, ${wall(o)}`;
      const pollerLine = `poller ${p.requests} requests, latency ${lat(p)} sim-s, ${wall(p)}`;
      log(`  ${scenario.name} run ${i + 1}/${runs}: ${oursLine} | ${pollerLine}`);
    }
    return figures;
  } finally {
    for (const c of cleanups) await c().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function summarize(f: ScenarioFigures) {
  const { timeScale } = f.scenario;
  const latency = (rs: RunFigures[]) =>
    Object.fromEntries(
      JOBS.map((j) => {
        const sim = rs.map((r) => r.latencyMs[j] / timeScale / 1000);
        const real = rs.map((r) => r.latencyMs[j]);
        return [
          j,
          {
            p50SimSeconds: round(percentile(sim, 0.5)),
            p95SimSeconds: round(percentile(sim, 0.95)),
            p50RealMs: round(percentile(real, 0.5), 0),
            p95RealMs: round(percentile(real, 0.95), 0),
          },
        ];
      }),
    ) as Record<Job, { p50SimSeconds: number; p95SimSeconds: number; p50RealMs: number; p95RealMs: number }>;
  const d = f.scenario.durations;
  // The shortest gap between two of our GETs of one job: shows where Temporal's retry floor binds.
  const gaps = f.ours.flatMap((r) =>
    JOBS.flatMap((j) => r.timelines[j].gets.slice(1).map((g, i) => g - r.timelines[j].gets[i]!)),
  );
  const ours = {
    minPollGapRealMs: gaps.length ? Math.min(...gaps) : null,
    scaledInitialPollSeconds: round(DEFAULT_POLLING.initialIntervalSeconds * timeScale, 3),
    historyEvents: f.ours.map((r) => r.historyEvents),
    atlasRequests: f.ours.map((r) => r.requests),
    atlasRequestsCountedByPipeline: f.ours.map((r) => r.countedByPipeline),
    detection: latency(f.ours),
    // Run 1 has no earlier run of the cluster to learn from; runs 2..N read around the learned duration.
    firstRun: { atlasRequests: f.ours[0]!.requests, detection: latency(f.ours.slice(0, 1)) },
    laterRuns:
      f.ours.length > 1
        ? {
            atlasRequests: f.ours.slice(1).map((r) => r.requests),
            detection: latency(f.ours.slice(1)),
            requestRatio: round(
              mean(f.ours.slice(1).map((r) => r.requests)) / mean(f.poller.slice(1).map((r) => r.requests)),
              3,
            ),
          }
        : null,
    wallSeconds: round(mean(f.ours.map((r) => r.wallMs)) / 1000),
  };
  const poller = {
    periodSimSeconds: POLLER_PERIOD_S,
    atlasRequests: f.poller.map((r) => r.requests),
    detection: latency(f.poller),
    wallSeconds: round(mean(f.poller.map((r) => r.wallMs)) / 1000),
  };
  return {
    timeScale,
    jobsSimSeconds: {
      snapshot: ((d.snapshotQueued ?? 0) + (d.snapshotInProgress ?? 0)) / 1000,
      export: ((d.exportQueued ?? 0) + (d.exportTotalCollections ?? 0) * (d.exportPerCollection ?? 0)) / 1000,
      restore: (d.restoreAutomated ?? 0) / 1000,
    },
    ours,
    poller,
    requestRatio: round(mean(ours.atlasRequests) / mean(poller.atlasRequests), 3),
  };
}

function printTable(s: Record<string, ReturnType<typeof summarize>>): void {
  const names = Object.keys(s);
  const col = (v: string) => v.padEnd(30);
  const row = (label: string, f: (x: ReturnType<typeof summarize>) => string) =>
    console.log(`${label.padEnd(40)}${names.map((n) => col(f(s[n]!))).join('')}`);
  const range = (xs: number[]) =>
    Math.min(...xs) === Math.max(...xs) ? `${xs[0]}` : `${Math.min(...xs)}..${Math.max(...xs)}`;
  console.log(`\nbackupPipeline (snapshot → export → automated restore), ${runs} run(s) per scenario`);
  row('', (x) => `${x === s.short ? 'SHORT' : 'LONG'} (timeScale ${x.timeScale})`);
  row(
    'job durations, sim s (snap/exp/rest)',
    (x) => `${x.jobsSimSeconds.snapshot}/${x.jobsSimSeconds.export}/${x.jobsSimSeconds.restore}`,
  );
  row('history events / pipeline', (x) => range(x.ours.historyEvents));
  row(
    'Atlas requests / pipeline: ours',
    (x) => `${range(x.ours.atlasRequests)} (pipeline says ${range(x.ours.atlasRequestsCountedByPipeline)})`,
  );
  row(`  fixed ${POLLER_PERIOD_S} s poller`, (x) => range(x.poller.atlasRequests));
  row('  ours / poller', (x) => `${round(x.requestRatio * 100)}%`);
  type Detection = ReturnType<typeof summarize>['ours']['detection'][Job];
  const detection = (d: Detection) => `${d.p50SimSeconds} / ${d.p95SimSeconds} (${d.p50RealMs}/${d.p95RealMs} ms)`;
  for (const j of JOBS) {
    row(`detection ${j}, p50/p95 sim s: ours`, (x) => detection(x.ours.detection[j]));
    row(`  ours, run 1 (nothing learned)`, (x) => detection(x.ours.firstRun.detection[j]));
    if (runs > 1) row(`  ours, runs 2..${runs} (learned)`, (x) => detection(x.ours.laterRuns!.detection[j]));
    row(`  poller`, (x) => detection(x.poller.detection[j]));
  }
  if (runs > 1) {
    row(
      `requests, ours: run 1; runs 2..${runs}`,
      (x) => `${x.ours.firstRun.atlasRequests}; ${range(x.ours.laterRuns!.atlasRequests)}`,
    );
    row(`  runs 2..${runs} / poller`, (x) => `${round(x.ours.laterRuns!.requestRatio * 100)}%`);
  }
  row(
    'our shortest poll gap (real ms)',
    (x) => `${x.ours.minPollGapRealMs} (asked ${x.ours.scaledInitialPollSeconds * 1000} ms first)`,
  );
  row('wall time / pipeline: ours, poller', (x) => `${x.ours.wallSeconds} s, ${x.poller.wallSeconds} s`);
  console.log(
    "targets: history ≤ 60 and equal short/long; ours ≤ 15% of the poller's requests on long jobs, ≤ 100% on short",
  );
  for (const n of names) {
    const x = s[n]!;
    if (x.ours.scaledInitialPollSeconds < TEMPORAL_RETRY_FLOOR_S) {
      const floorSim = round(TEMPORAL_RETRY_FLOOR_S / x.timeScale);
      const hint = x.timeScale < 0.1 ? ' Try --long-scale 0.1 --runs 1 (about 2 min) for truer long-job figures.' : '';
      console.log(
        `note (${n}): Temporal retries an activity no sooner than ~${TEMPORAL_RETRY_FLOOR_S} s, ` +
          `so at timeScale ${x.timeScale} every poll gap under ${floorSim} sim s stretches to it:` +
          ` fewer requests and later detection than at real scale.${hint}`,
      );
    }
  }
}

// Workers log at INFO by default; the bench wants its own lines only.
Runtime.install({ logger: new DefaultLogger('WARN') });
const started = performance.now();
let server: RunningDevServer | undefined;
let clientConnection: Connection | undefined;
try {
  log('starting a Temporal dev server and bundling the workflows…');
  const [srv, bundle] = await Promise.all([startDevServer(), bundleWorkflows()]);
  server = srv;
  clientConnection = await Connection.connect({ address: server.address });
  const summaries: Record<string, ReturnType<typeof summarize>> = {};
  for (const scenario of SCENARIOS) {
    log(`${scenario.name} jobs (timeScale ${scenario.timeScale}):`);
    // A fresh server per scenario: its first run must find no earlier run of the cluster to learn from.
    if (scenario !== SCENARIOS[0]) {
      await clientConnection.close();
      await server.stop();
      server = await startDevServer();
      clientConnection = await Connection.connect({ address: server.address });
    }
    const temporal = new Client({ connection: clientConnection });
    summaries[scenario.name] = summarize(await runScenario(scenario, temporal, server.address, bundle));
  }
  const totalSeconds = round((performance.now() - started) / 1000);
  if (json) {
    console.log(
      JSON.stringify({
        bench: 'pipeline',
        runs,
        totalSeconds,
        scenarios: summaries,
        targets: { maxHistoryEvents: 60, maxRequestRatioLong: 0.15, maxRequestRatioShort: 1 },
      }),
    );
  } else {
    printTable(summaries);
    console.log(`total ${totalSeconds} s`);
  }
} finally {
  await clientConnection?.close();
  await server?.stop();
}
