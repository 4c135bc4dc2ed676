// Pipelines through a fault storm: N pipelines at once (snapshot → export → automated restore, each
// on a cluster of its own), every Atlas operation failing with probability --fault-rate, spread evenly
// over 500, 502, 503, 409, 429, a reset before any answer, a dropped answer after the create
// committed, and a commit answered 500. The worker runs with the product's defaults (30 s HTTP
// timeout, so a 90 s commit horizon) and the pipeline's default polling and retries. Prints when
// each pipeline finished, how many had finished by --by seconds, and whether every run ended with
// exactly one snapshot, export job and restore job. Asserts nothing; `--json` prints one object.
//
//   node --import tsx bench/fault-storm.ts [--json] [--pipelines 20] [--fault-rate 0.3] [--by 260] [--seed 7]
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { AtlasAuth } from '../src/atlas/index.js';
import type { PipelineResult } from '../src/contract/index.js';
import { startDevServer, type RunningDevServer } from '../src/devserver/dev-server.js';
import { DEMO_IDS, DEMO_SEED, startSimulator, type FaultRule } from '../src/simulator/index.js';
import { backupPipeline } from '../src/workflows/index.js';
import { bundleWorkflows, startBenchWorker } from './lib/bench-worker.js';
import { percentile } from './lib/observations.js';
import { numberArg } from './lib/args.js';

const json = process.argv.includes('--json');
const pipelines = Math.round(numberArg('pipelines', 20, 1, 200));
const faultRate = numberArg('fault-rate', 0.3, 0, 0.8);
const bySeconds = numberArg('by', 260, 1, 3_600);
const seed = Math.round(numberArg('seed', 7, 0, 2 ** 31));
/** The worker's default Atlas HTTP timeout (ATLAS_HTTP_TIMEOUT_MS): its commit horizon is three times it. */
const HTTP_TIMEOUT_MS = 30_000;
/** No pipeline may run longer than this: the bench reports it as unfinished rather than hang. */
const DEADLINE_MS = 15 * 60_000;
const log = (line: string) => {
  if (!json) console.log(line);
};

/** The storm: each kind gets an equal share of the fault rate. */
function storm(rate: number): FaultRule {
  const kinds = ['status500', 'status502', 'status503', 'status409', 'status429', 'reset', 'dropResponse'] as const;
  const share = rate / (kinds.length + 1);
  const rule: FaultRule = { commitThenStatus: share, retryAfterSeconds: 1 };
  for (const k of kinds) rule[k] = share;
  return rule;
}

interface Run {
  workflowId: string;
  clusterName: string;
  outcome: string;
  seconds: number;
}

/** The step that took longest, with its attempts: where a slow pipeline spent its time. */
function slowestStep(result: PipelineResult): string {
  const took = (s: PipelineResult['status']['steps'][number]) =>
    s.endedAt ? Date.parse(s.endedAt) - Date.parse(s.startedAt) : 0;
  const step = [...result.status.steps].sort((a, b) => took(b) - took(a))[0];
  return step ? `${step.name} ${(took(step) / 1000).toFixed(1)} s, ${step.attempts ?? '?'} attempts` : 'none';
}

async function runOne(temporal: Client, taskQueue: string, clusterName: string, target: string, t0: number) {
  const workflowId = `storm-${randomUUID().slice(0, 8)}`;
  const { projectId: groupId, targetProjectId, bucketId } = DEMO_IDS;
  let outcome: string;
  let slowest = '';
  try {
    const result = (await temporal.workflow.execute(backupPipeline, {
      taskQueue,
      workflowId,
      workflowExecutionTimeout: DEADLINE_MS,
      args: [
        {
          groupId,
          clusterName,
          export: { exportBucketId: bucketId },
          restore: {
            deliveryType: 'automated',
            targetGroupId: targetProjectId,
            targetClusterName: target,
            overwrite: target,
          },
        },
      ],
    })) as PipelineResult;
    outcome = result.outcome;
    slowest = slowestStep(result);
  } catch (err) {
    outcome = `failed: ${(err as Error).message}`;
  }
  const seconds = (performance.now() - t0) / 1000;
  log(`  ${workflowId} ${outcome} at ${seconds.toFixed(1)} s; slowest step ${slowest}`);
  return { workflowId, clusterName, outcome, seconds } satisfies Run;
}

Runtime.install({ logger: new DefaultLogger('WARN') });
let server: RunningDevServer | undefined;
let connection: Connection | undefined;
const cleanups: (() => Promise<unknown>)[] = [];
try {
  log(`${pipelines} pipelines, ${Math.round(faultRate * 100)}% faults on every operation (seed ${seed})`);
  const [srv, code] = await Promise.all([startDevServer(), bundleWorkflows()]);
  server = srv;
  connection = await Connection.connect({ address: server.address });
  const temporal = new Client({ connection });
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  const auth: AtlasAuth = { kind: 'serviceAccount', ...creds };
  const sim = await startSimulator({ seed: DEMO_SEED, auth: { serviceAccounts: [creds] } });
  cleanups.push(() => sim.stop());
  const names = Array.from({ length: pipelines }, (_, i) => ({ source: `storm-src-${i}`, target: `storm-tgt-${i}` }));
  for (const n of names) {
    await sim.admin.seedCluster({ groupId: DEMO_IDS.projectId, name: n.source, kind: 'replicaSet' });
    await sim.admin.seedCluster({ groupId: DEMO_IDS.targetProjectId, name: n.target, kind: 'replicaSet' });
  }
  // Seeded first, stormed after: the bench measures the pipelines, not its own set-up.
  await sim.admin.setFaults({ seed, operations: { '*': storm(faultRate) } });
  const taskQueue = `bench-storm-${randomUUID().slice(0, 8)}`;
  const worker = await startBenchWorker({
    address: server.address,
    taskQueue,
    atlasUrl: sim.url,
    auth,
    code,
    maxConcurrentActivities: 100,
    timeoutMs: HTTP_TIMEOUT_MS,
  });
  cleanups.unshift(worker.stop);

  const t0 = performance.now();
  const runs = await Promise.all(names.map((n) => runOne(temporal, taskQueue, n.source, n.target, t0)));
  const r = await sim.admin.resources();
  const notOne = runs.filter((run) => {
    const snapshots = r.snapshots.filter((s) => s.description?.includes(run.workflowId) && !s.deleted).length;
    const exports = r.exports.filter((e) => e.customData.some((d) => d.value === run.workflowId)).length;
    const restores = r.restoreJobs.filter((j) => j.clusterName === run.clusterName).length;
    return run.outcome === 'completed' && (snapshots !== 1 || exports !== 1 || restores !== 1);
  });
  const secs = runs.map((x) => x.seconds);
  const figures = {
    pipelines,
    faultRate,
    commitHorizonSeconds: (3 * HTTP_TIMEOUT_MS) / 1000,
    completed: runs.filter((x) => x.outcome === 'completed').length,
    finishedBy: { seconds: bySeconds, count: runs.filter((x) => x.seconds <= bySeconds).length },
    seconds: { p50: percentile(secs, 0.5), p95: percentile(secs, 0.95), max: Math.max(...secs) },
    notExactlyOne: notOne.map((x) => x.workflowId),
  };
  if (json) console.log(JSON.stringify(figures));
  else {
    const s = figures.seconds;
    log(`completed ${figures.completed}/${pipelines}; finished by ${bySeconds} s: ${figures.finishedBy.count}`);
    log(`seconds to finish: p50 ${s.p50.toFixed(1)}, p95 ${s.p95.toFixed(1)}, max ${s.max.toFixed(1)}`);
    log(
      `runs without exactly one snapshot/export/restore: ${notOne.length ? figures.notExactlyOne.join(', ') : 'none'}`,
    );
  }
} finally {
  for (const c of cleanups) await c().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
  await connection?.close();
  await server?.stop();
}
