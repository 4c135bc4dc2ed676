// Export detection end to end (issue 14, P2): a seeded mix of exports of 1–60 minutes (0–5 min
// queued, the mix of bench/export-estimate.ts) run CONCURRENTLY as backupPipelines (short snapshot,
// export, no restore) on a real Temporal dev server, a real worker (buildWorker) and the simulator
// over HTTP, each pipeline on its own cluster with its own export length (the simulator's
// clusterDurations). Beside it, a fixed 4 s poller does the same jobs against a second simulator.
// Prints figures and the targets, asserts nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/export-mix.ts [--json] [--trace] [--quick] [--exports 24] [--scale 0.25]
//
// --scale runs the simulator's clock that much faster than Atlas's, and scales the pipeline's polling
// and retry intervals with it (as bench/pipeline.ts does). Temporal retries an activity no sooner
// than ~1 s, so a poll gap under 1 s ÷ scale (sim seconds) stretches to that floor: at 0.25 the
// floor is 4 sim s, at bench/pipeline.ts's 0.01 it is 100 sim s. Wall time ≈ the longest export
// × scale: 65 min × 0.25 ≈ 16 min. --quick: 4 exports of 1–4 minutes (about 2 min wall).
// --trace prints, for the slowest exports, when each of our GETs arrived and the count it saw.
//
// Detection latency = the export's terminal moment in the simulator → the first GET that saw it,
// in simulated seconds (real ms ÷ scale), so Temporal's and the machine's real delays count
// 1 ÷ scale times: at 0.25, 100 ms of scheduling on a busy machine is 0.4 sim s.
import { randomBytes, randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { AtlasClient, type AtlasAuth } from '../src/atlas/index.js';
import { pollingSchema, type BackupPipelineRequest, type PipelineResult } from '../src/contract/index.js';
import { startDevServer, type RunningDevServer } from '../src/devserver/dev-server.js';
import { exportProgress } from '../src/simulator/model/exports.js';
import type { ExportJob } from '../src/simulator/model/types.js';
import { DEMO_IDS, startSimulator, type Durations, type RunningSimulator } from '../src/simulator/index.js';
import { backupPipeline } from '../src/workflows/index.js';
import { bundleWorkflows, startBenchWorker } from './lib/bench-worker.js';
import { snapshotAndExport } from './lib/fixed-poller.js';
import { percentile } from './lib/observations.js';
import { mulberry32 } from '../src/simulator/random.js';

const json = process.argv.includes('--json');
const trace = process.argv.includes('--trace');
const quick = process.argv.includes('--quick');
function numberArg(name: string, fallback: number, min: number, max: number, integer: boolean): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    throw new Error(`--${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}
const exportsCount = numberArg('exports', quick ? 4 : 24, 1, 200, true);
const scale = numberArg('scale', 0.25, 0.01, 1, false);
/** The longest export of the mix, minutes (the issue's mix: 1–60). */
const maxMinutes = quick ? 4 : 60;
const log = (line: string) => {
  if (!json) console.log(line);
};

const POLLER_PERIOD_S = 4;
/** Temporal never retries an activity sooner than ~1 s (measured on the dev server: bench/pipeline.ts). */
const TEMPORAL_RETRY_FLOOR_S = 1;
const TARGETS = { p50Seconds: 5, p90Seconds: 15 };
const { projectId: groupId, bucketId } = DEMO_IDS;
/** A short snapshot before each export (10 sim s), the same on every cluster. */
const SNAPSHOT = { snapshotQueued: 1_000, snapshotInProgress: 9_000 };

interface MixedExport {
  clusterName: string;
  durations: Partial<Durations>;
  /** Sim seconds: queued, then running. */
  queuedSeconds: number;
  runSeconds: number;
}

/** The first `count` exports of bench/export-estimate.ts's mix (same seed, same draws). */
function exportMix(count: number): MixedExport[] {
  const random = mulberry32(14);
  return Array.from({ length: count }, (_, n) => {
    const totalMs = (1 + random() * (maxMinutes - 1)) * 60_000;
    const totalCollections = 1 + Math.floor(random() * 200);
    random(); // export-estimate.ts's sub-second createdAt: here the simulator's real clock
    const queuedMs = random() * 300_000 * (maxMinutes / 60);
    random(); // export-estimate.ts's worker clock skew: here worker and simulator share a clock
    return {
      clusterName: `mix-${String(n).padStart(3, '0')}`,
      durations: {
        ...SNAPSHOT,
        exportQueued: queuedMs,
        exportPerCollection: totalMs / totalCollections,
        exportTotalCollections: totalCollections,
      },
      queuedSeconds: queuedMs / 1000,
      runSeconds: totalMs / 1000,
    };
  });
}

function simulatorOptions(mix: MixedExport[], creds: { clientId: string; clientSecret: string }) {
  return {
    timeScale: scale,
    auth: { serviceAccounts: [creds] },
    // Benches measure the product, not Atlas's token buckets (the fault-mode window is their limit).
    rateLimits: { enabled: false },
    seed: {
      projects: [
        {
          id: groupId,
          name: 'export-mix',
          clusters: mix.map((e) => ({ name: e.clusterName, kind: 'replicaSet' as const })),
          buckets: [{ id: bucketId, bucketName: 'export-mix-bucket', cloudProvider: 'AWS' as const }],
        },
      ],
    },
    clusterDurations: Object.fromEntries(mix.map((e) => [e.clusterName, e.durations])),
  };
}

const DEFAULT_POLLING = pollingSchema().parse({});
function pipelineInput(clusterName: string): BackupPipelineRequest {
  return {
    groupId,
    clusterName,
    snapshot: { description: 'bench export mix', retentionInDays: 1 },
    export: { exportBucketId: bucketId },
    // The pipeline's defaults (the contract's polling and retry), on the simulator's clock.
    polling: {
      initialIntervalSeconds: DEFAULT_POLLING.initialIntervalSeconds * scale,
      maximumIntervalSeconds: DEFAULT_POLLING.maximumIntervalSeconds * scale,
      backoffCoefficient: DEFAULT_POLLING.backoffCoefficient,
    },
    retry: { initialIntervalSeconds: 1 * scale, maximumIntervalSeconds: 60 * scale, backoffCoefficient: 2 },
  };
}

/** Wall-clock bound of one export's run: three times its jobs plus slack; fail rather than hang. */
const deadlineMs = (e: MixedExport) => 60_000 + 3 * (10 + e.queuedSeconds + e.runSeconds) * 1000 * scale;

interface OurExport {
  exportId: string;
  historyEvents: number;
  requests: number;
}

/** Every export of the mix as a backupPipeline, all at once, on one real worker. */
async function runOurs(
  temporal: Client,
  address: string,
  code: string,
  sim: RunningSimulator,
  auth: AtlasAuth,
  mix: MixedExport[],
): Promise<OurExport[]> {
  const taskQueue = `bench-export-mix-${randomUUID().slice(0, 8)}`;
  const atlasUrl = sim.url;
  const worker = await startBenchWorker({ address, taskQueue, atlasUrl, auth, code, maxConcurrentActivities: 20 });
  try {
    return await Promise.all(
      mix.map(async (e) => {
        const handle = await temporal.workflow.start(backupPipeline, {
          taskQueue,
          workflowId: `bench-export-mix-${e.clusterName}-${randomUUID().slice(0, 8)}`,
          args: [pipelineInput(e.clusterName)],
          workflowExecutionTimeout: deadlineMs(e),
        });
        const result = (await handle.result()) as PipelineResult;
        if (result.outcome !== 'completed' || !result.export)
          throw new Error(`pipeline ${result.workflowId} (${e.clusterName}) ended ${result.outcome}`);
        const history = await handle.fetchHistory();
        const historyEvents = history.events?.length ?? 0;
        return { exportId: result.export.id, historyEvents, requests: result.atlasRequests };
      }),
    );
  } finally {
    await worker.stop();
  }
}

/** The Atlas CLI's `watch` over the same mix: snapshot, export, a GET every 4 sim s; all at once. */
async function runPoller(sim: RunningSimulator, auth: AtlasAuth, mix: MixedExport[]): Promise<string[]> {
  const client = new AtlasClient({ baseUrl: sim.url, auth });
  const periodMs = POLLER_PERIOD_S * 1000 * scale;
  try {
    return await Promise.all(
      mix.map(async (e) => {
        const job = { groupId, clusterName: e.clusterName, exportBucketId: bucketId };
        return (await snapshotAndExport(client, job, periodMs, deadlineMs(e))).exportId;
      }),
    );
  } finally {
    await client.close();
  }
}

interface Observed {
  exportId: string;
  job: ExportJob;
  terminalAt: number;
  /** Real ms of every successful GET of the job. */
  gets: number[];
  latencySimSeconds: number;
}

/** Per export: its lifecycle from the simulator's model, and the GETs its request log saw. */
async function observe(sim: RunningSimulator, exportIds: string[]): Promise<Observed[]> {
  const [resources, requests] = await Promise.all([sim.admin.resources(), sim.admin.requestLog()]);
  const jobs = resources.exports as unknown as ExportJob[];
  return exportIds.map((exportId) => {
    const job = jobs.find((j) => j.id === exportId);
    if (!job) throw new Error(`simulator holds no export job ${exportId}`);
    const terminalAt = job.createdAt + job.queuedMs + job.totalCollections * job.perCollectionMs;
    const gets = requests
      .filter((r) => r.method === 'GET' && r.status === 200 && r.path.endsWith(`/${exportId}`))
      .map((r) => Date.parse(r.at));
    const seen = gets.filter((at) => at >= terminalAt);
    if (seen.length === 0) throw new Error(`no GET of export ${exportId} after it became terminal`);
    return { exportId, job, terminalAt, gets, latencySimSeconds: (Math.min(...seen) - terminalAt) / scale / 1000 };
  });
}

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

function figures(observed: Observed[]) {
  const lat = observed.map((o) => o.latencySimSeconds);
  return {
    detectionP50SimSeconds: round(percentile(lat, 0.5)),
    detectionP90SimSeconds: round(percentile(lat, 0.9)),
    detectionMaxSimSeconds: round(Math.max(...lat)),
    exportReadsPerExport: round(mean(observed.map((o) => o.gets.length))),
  };
}

/** The slowest exports' GETs: when each arrived (sim s after the export started) and the count it saw. */
function printTrace(observed: Observed[], mix: MixedExport[], ids: string[]): void {
  const worst = [...observed].sort((a, b) => b.latencySimSeconds - a.latencySimSeconds).slice(0, 8);
  for (const o of worst) {
    const e = mix[ids.indexOf(o.exportId)]!;
    const start = o.job.createdAt + o.job.queuedMs;
    const at = (t: number) => round((t - start) / scale / 1000);
    const reads = o.gets.map((g) => {
      const p = exportProgress(o.job, g);
      return `${at(g)}${p.state === 'Queued' ? 'q' : p.state === 'InProgress' ? `:${p.exported}` : '✓'}`;
    });
    console.log(
      `  ${e.clusterName}: ${o.job.totalCollections} coll × ${round(o.job.perCollectionMs / scale / 1000, 2)} s, ` +
        `done at ${at(o.terminalAt)}, latency ${round(o.latencySimSeconds)} sim s; ` +
        `GETs (sim s:count) ${reads.join(' ')}`,
    );
  }
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const started = performance.now();
  const loadAtStart = loadavg().map((x) => round(x, 2));
  const mix = exportMix(exportsCount);
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  const auth: AtlasAuth = { kind: 'serviceAccount', ...creds };
  const longest = Math.max(...mix.map((e) => e.queuedSeconds + e.runSeconds));
  log(
    `${exportsCount} exports of 1–${maxMinutes} min (queued 0–${round(maxMinutes / 12, 2)} min) ` +
      `at scale ${scale}: ` +
      `about ${round((longest * scale) / 60)} min wall; load ${loadAtStart.join(' ')} on ${cpus().length} CPUs`,
  );
  let server: RunningDevServer | undefined;
  let clientConnection: Connection | undefined;
  const sims: RunningSimulator[] = [];
  try {
    const [srv, bundle, oursSim, pollerSim] = await Promise.all([
      startDevServer(),
      bundleWorkflows(),
      startSimulator(simulatorOptions(mix, creds)),
      startSimulator(simulatorOptions(mix, creds)),
    ]);
    server = srv;
    sims.push(oursSim, pollerSim);
    clientConnection = await Connection.connect({ address: server.address });
    const temporal = new Client({ connection: clientConnection });
    const [ours, pollerIds] = await Promise.all([
      runOurs(temporal, server.address, bundle, oursSim, auth, mix),
      runPoller(pollerSim, auth, mix),
    ]);
    const oursIds = ours.map((o) => o.exportId);
    const [oursSeen, pollerSeen] = await Promise.all([observe(oursSim, oursIds), observe(pollerSim, pollerIds)]);
    report(mix, ours, oursSeen, pollerSeen, {
      loadAtStart,
      loadAtEnd: loadavg().map((x) => round(x, 2)),
      wallSeconds: round((performance.now() - started) / 1000),
    });
    if (trace && !json) printTrace(oursSeen, mix, oursIds);
  } finally {
    for (const s of sims) await s.stop().catch(() => undefined);
    await clientConnection?.close();
    await server?.stop();
  }
}

function report(
  mix: MixedExport[],
  ours: OurExport[],
  oursSeen: Observed[],
  pollerSeen: Observed[],
  run: { loadAtStart: number[]; loadAtEnd: number[]; wallSeconds: number },
): void {
  const out = {
    bench: 'export-mix',
    exports: mix.length,
    exportMinutes: [1, maxMinutes],
    scale,
    temporalRetryFloorSimSeconds: round(TEMPORAL_RETRY_FLOOR_S / scale),
    ours: {
      ...figures(oursSeen),
      atlasRequestsPerPipeline: round(mean(ours.map((o) => o.requests))),
      historyEventsMax: Math.max(...ours.map((o) => o.historyEvents)),
    },
    poller: { periodSimSeconds: POLLER_PERIOD_S, ...figures(pollerSeen) },
    targets: TARGETS,
    machine: { cpus: cpus().length, ...run },
  };
  if (json) {
    console.log(JSON.stringify(out));
    return;
  }
  const line = (who: string, f: ReturnType<typeof figures>) =>
    `${who.padEnd(16)} detection p50 ${f.detectionP50SimSeconds} s, p90 ${f.detectionP90SimSeconds} s, ` +
    `max ${f.detectionMaxSimSeconds} s (sim); ${f.exportReadsPerExport} export reads per export`;
  console.log(line('ours', out.ours));
  console.log(line(`fixed ${POLLER_PERIOD_S} s poller`, out.poller));
  console.log(
    `ours: ${out.ours.atlasRequestsPerPipeline} Atlas requests per pipeline (snapshot + export), ` +
      `history ≤ ${out.ours.historyEventsMax} events`,
  );
  console.log(
    `targets: p50 ≤ ${TARGETS.p50Seconds} s, p90 ≤ ${TARGETS.p90Seconds} s. ` +
      `Temporal's ~${TEMPORAL_RETRY_FLOOR_S} s retry floor is ${out.temporalRetryFloorSimSeconds} sim s ` +
      `at scale ${scale}: a re-poll sooner than that stretches.`,
  );
  console.log(
    `wall ${run.wallSeconds} s; load average ${run.loadAtStart.join(' ')} at start, ${run.loadAtEnd.join(' ')} at end`,
  );
}

await main();
