// How fresh a collection restore's progress is where users see it. A disaster recovery of one large
// collection (`dr --collections`) runs on a real Temporal dev server and worker against the
// simulator's data plane. Two samplers run side by side: the simulator's own counters
// (restoredDocuments/totalDocuments of the job, read from its model in this process) and the
// product's status (getRunStatus, what `status` and `watch` print). For each new count the
// product shows: how long after the simulator's counter reached that value it was seen (lag);
// beside it the poll interval in force (the gaps between the worker's reads of the job, from the
// simulator's request log). Prints figures, asserts nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/collection-progress.ts [--docs N] [--restore-seconds S] [--sample-ms N]
//        [--status-ms N] [--quick] [--json]
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { AtlasClient, type AtlasAuth } from '../src/atlas/index.js';
import { getRunStatus } from '../src/client/status.js';
import type { DisasterRecoveryRequest, DrReport } from '../src/contract/index.js';
import { startDevServer } from '../src/devserver/dev-server.js';
import { collectionRestoreView } from '../src/simulator/http/data-operations.js';
import { startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import { disasterRecovery } from '../src/workflows/index.js';
import { bundleWorkflows, startBenchWorker } from './lib/bench-worker.js';
import { percentile } from './lib/observations.js';

const G = '65f1a0c0a1b2c3d4e5f6d0f8';
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name}: an integer >= 1`);
  return v;
};
const DOCS = flag('docs', quick ? 20_000 : 200_000);
const RESTORE_SECONDS = flag('restore-seconds', quick ? 30 : 120);
const SAMPLE_MS = flag('sample-ms', 20);
const STATUS_MS = flag('status-ms', 100);
const log = (line: string) => {
  if (!json) console.log(line);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 2) => Number(n.toFixed(digits));
/** NaN (null in JSON) when nothing was seen, rather than -Infinity. */
const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);

interface Sample {
  at: number;
  restored: number;
  total: number;
}

/** Samples `read` every `everyMs` until `stop()` is true; a read that throws is skipped. */
async function sampler(
  everyMs: number,
  read: () => Promise<Omit<Sample, 'at'> | undefined>,
  stop: () => boolean,
): Promise<Sample[]> {
  const out: Sample[] = [];
  while (!stop()) {
    const at = Date.now();
    const s = await read().catch(() => undefined);
    if (s) out.push({ at, ...s });
    await sleep(Math.max(0, everyMs - (Date.now() - at)));
  }
  return out;
}

/** The simulator's counters of the one collection restore job of the source, from its model. */
function simCounters(sim: RunningSimulator) {
  return async () => {
    const jobs = Object.values(sim.model.state.collectionRestores ?? {}).filter((j) => j.groupId === G);
    const job = jobs[0];
    if (!job) return undefined;
    const v = collectionRestoreView(sim.model, job, '');
    return { restored: v.restoredDocuments as number, total: v.totalDocuments as number };
  };
}

/** What `status`/`watch` show of the run's collection restore. */
function productCounts(handle: WorkflowHandle) {
  return async () => {
    const s = await getRunStatus(handle);
    const c = s.collectionRestore;
    if (c?.totalDocuments === undefined) return undefined;
    return { restored: c.restoredDocuments ?? 0, total: c.totalDocuments };
  };
}

/**
 * Per new count the product shows (above any it showed before): ms from the simulator's counter first
 * reaching it to its being seen; and how often the shown count went back to a lower one.
 */
function lags(sim: Sample[], product: Sample[]): { lagMs: number[]; backward: number } {
  const lagMs: number[] = [];
  let [highest, last, backward] = [0, 0, 0];
  for (const p of product) {
    if (p.restored < last) backward++;
    last = p.restored;
    if (p.restored <= highest) continue;
    highest = p.restored;
    const reached = sim.find((s) => s.restored >= p.restored);
    // The whole count is reached when the job ends, and seen at the next read: that is the end's detection.
    if (reached && p.restored < p.total) lagMs.push(Math.max(0, p.at - reached.at));
  }
  return { lagMs, backward };
}

/** Per product sample: how old the shown count was (ms since the simulator's counter passed it). */
function staleness(sim: Sample[], product: Sample[]): number[] {
  return product.flatMap((p) => {
    const passed = sim.find((s) => s.restored > p.restored);
    return passed && passed.at < p.at ? [p.at - passed.at] : [];
  });
}

/** When the worker read the job (the simulator's request log), ms since the epoch. */
async function jobReads(sim: RunningSimulator): Promise<number[]> {
  return (await sim.admin.requestLog())
    .filter((e) => e.operationId === 'getCollectionRestoreJob')
    .map((e) => Date.parse(e.at));
}

async function snapshotOf(atlas: AtlasClient): Promise<string> {
  const path = { groupId: G, clusterName: 'src' };
  const taken = await atlas.request('takeSnapshots', { path, body: { description: 'collection progress bench' } });
  for (;;) {
    const s = await atlas.request('getClusterBackupSnapshot', { path: { ...path, snapshotId: taken.id } });
    if (s.status === 'completed') return taken.id;
    await sleep(200);
  }
}

const request = (snapshotId: string): DisasterRecoveryRequest => ({
  source: { kind: 'dedicated', groupId: G, clusterName: 'src' },
  what: { snapshotId },
  target: { groupId: G, clusterName: 'src' },
  collectionRestore: { collections: ['shop.big'], suffix: '_back' },
});

async function measure(sim: RunningSimulator, temporal: Client, taskQueue: string, atlas: AtlasClient) {
  const snapshotId = await snapshotOf(atlas);
  await sim.admin.resetObservations();
  const started = Date.now();
  const handle = await temporal.workflow.start(disasterRecovery, {
    taskQueue,
    workflowId: `bench-collection-progress-${randomUUID().slice(0, 8)}`,
    args: [request(snapshotId)],
  });
  let done = false;
  const ended = handle.result().finally(() => (done = true));
  const [simSamples, productSamples, report] = await Promise.all([
    sampler(SAMPLE_MS, simCounters(sim), () => done),
    sampler(STATUS_MS, productCounts(handle), () => done),
    ended as Promise<DrReport>,
  ]);
  return { simSamples, productSamples, report, wallSeconds: (Date.now() - started) / 1000 };
}

function figures(m: Awaited<ReturnType<typeof measure>>, reads: number[]) {
  const { lagMs: l, backward } = lags(m.simSamples, m.productSamples);
  const gaps = reads.slice(1).map((t, i) => t - reads[i]!);
  // The job's end: the simulator's first sample of the whole count, then the worker's last read.
  const ended = m.simSamples.find((s) => s.total > 0 && s.restored === s.total);
  const stale = staleness(m.simSamples, m.productSamples);
  const p50Poll = percentile(gaps, 0.5);
  return {
    documents: DOCS,
    restoreSeconds: RESTORE_SECONDS,
    outcome: m.report.outcome,
    wallSeconds: round(m.wallSeconds),
    simSamples: m.simSamples.length,
    statusSamples: m.productSamples.length,
    sampleMs: SAMPLE_MS,
    statusMs: STATUS_MS,
    changesSeen: l.length,
    backwardSteps: backward,
    endSeenAfterMs: ended && reads.length ? Math.round(reads.at(-1)! - ended.at) : NaN,
    lagP50Ms: Math.round(percentile(l, 0.5)),
    lagMaxMs: Math.round(maxOf(l)),
    stalenessP50Ms: Math.round(percentile(stale, 0.5)),
    stalenessMaxMs: Math.round(maxOf(stale)),
    jobReads: reads.length,
    pollIntervalP50Ms: Math.round(p50Poll),
    pollIntervalMaxMs: Math.round(maxOf(gaps)),
    lagMaxOverPollMax: round(maxOf(l) / maxOf(gaps)),
  };
}

function print(f: ReturnType<typeof figures>): void {
  if (json) return void console.log(JSON.stringify({ bench: 'collection-progress', ...f }));
  console.log(`collection restore of ${f.documents} documents, ${f.restoreSeconds} s in the simulator: ${f.outcome}`);
  console.log(
    `  wall ${f.wallSeconds} s; samples: simulator ${f.simSamples} (every ${f.sampleMs} ms), ` +
      `status ${f.statusSamples} (every ${f.statusMs} ms)`,
  );
  console.log(
    `  poll interval in force (job reads ${f.jobReads}): p50 ${f.pollIntervalP50Ms} ms, max ${f.pollIntervalMaxMs} ms`,
  );
  console.log(
    `  lag of each new count shown before the end (${f.changesSeen}): p50 ${f.lagP50Ms} ms, max ${f.lagMaxMs} ms ` +
      `(max lag / max poll interval ${f.lagMaxOverPollMax}); shown count went back ${f.backwardSteps} time(s)`,
  );
  console.log(`  the job's end (its whole count) read ${f.endSeenAfterMs} ms after the simulator reached it`);
  console.log(`  staleness of the shown count: p50 ${f.stalenessP50Ms} ms, max ${f.stalenessMaxMs} ms`);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  const auth: AtlasAuth = { kind: 'serviceAccount', ...creds };
  log(`seeding ${DOCS} documents, starting a Temporal dev server and bundling the workflows…`);
  const [server, code, sim] = await Promise.all([
    startDevServer(),
    bundleWorkflows(),
    startSimulator({
      auth: { serviceAccounts: [creds] },
      data: { auth: true },
      rateLimits: { enabled: false },
      durations: { snapshotQueued: 50, snapshotInProgress: 50, restoreAutomated: RESTORE_SECONDS * 1000 },
      seed: {
        projects: [{ id: G, clusters: [{ name: 'src', kind: 'replicaSet' as const }] }],
        data: { src: { shop: { big: DOCS } } },
      },
    }),
  ]);
  const cleanups: (() => Promise<unknown>)[] = [() => server.stop(), () => sim.stop()];
  try {
    if (!sim.dataDir) throw new Error('FerretDB is not installed: run node --import tsx scripts/ferretdb.ts');
    const connection = await Connection.connect({ address: server.address });
    cleanups.unshift(() => connection.close());
    const taskQueue = `bench-collection-progress-${randomUUID().slice(0, 8)}`;
    const worker = await startBenchWorker({
      address: server.address,
      taskQueue,
      atlasUrl: sim.url,
      auth,
      code,
      maxConcurrentActivities: 10,
    });
    cleanups.unshift(worker.stop);
    const atlas = new AtlasClient({ baseUrl: sim.url, auth });
    cleanups.unshift(() => atlas.close());
    const m = await measure(sim, new Client({ connection }), taskQueue, atlas);
    print(figures(m, await jobReads(sim)));
  } finally {
    for (const c of cleanups) await c().catch(() => undefined);
  }
}

await main();
