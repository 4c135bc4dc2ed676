// Issue 15 points 1 and 3 end to end: a real `atlas-backup worker` process with
// WORKER_METRICS_ADDRESS set runs a backup (snapshot, export, download restore) against the
// simulator on the real dev server, a real Prometheus scrapes it, and we ask Prometheus' HTTP API
// for the series. Then the worker is restarted: the RPO gauges come back from visibility alone.
// The same run's JSON logs are checked for ids, steps, Atlas operations and the absence of secrets.
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { METRICS, type DrReport, type PipelineResult } from '../../src/contract/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { backupPipeline, disasterRecovery } from '../../src/workflows/index.js';
import { eventually, killSpawned, spawnUntil } from '../cli/helpers.js';
import { freePort, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.js';
import { FAST, startTestSimulator, temporalAddress, temporalClient, uniqueId } from '../helpers/temporal.js';

afterAll(killSpawned);

const hex = () => randomBytes(12).toString('hex');
const project = hex();
const bucket = hex();
const cluster = 'metrics-cluster';
const drCluster = 'metrics-dr-source';
const taskQueue = uniqueId('metrics-tq');

let sim: RunningSimulator;
let creds: { clientId: string; clientSecret: string };
let client: Client;
let closeClient: () => Promise<void>;
let prom: RunningPrometheus;
let metricsAddress: string;

function startWorker() {
  return spawnUntil(
    ['worker', '--task-queue', taskQueue],
    {
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: 'default',
      MONGODB_ATLAS_BASE_URL: sim.url,
      MONGODB_ATLAS_CLIENT_ID: creds.clientId,
      MONGODB_ATLAS_CLIENT_SECRET: creds.clientSecret,
      WORKER_METRICS_ADDRESS: metricsAddress,
      WORKER_METRICS_RPO_REFRESH_SECONDS: '1',
      ATLAS_BACKUP_LOG_LEVEL: 'debug',
    },
    /"event":"metrics\.started"/,
    150_000,
  );
}

/** A query's samples once `ok` accepts them (Prometheus scrapes every second). */
function promWhen(expr: string, ok: (s: Awaited<ReturnType<RunningPrometheus['query']>>) => boolean, what: string) {
  return eventually(
    async () => {
      const s = await prom.query(expr);
      return ok(s) ? s : undefined;
    },
    what,
    60_000,
    500,
  );
}

const jsonLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('worker metrics scraped by a real Prometheus, and JSON logs', () => {
  let first: ReturnType<typeof startWorker>;
  let result: PipelineResult;
  let dr: DrReport;

  beforeAll(async () => {
    const started = await startTestSimulator({
      timeScale: 0.05,
      seed: {
        projects: [
          {
            id: project,
            clusters: [
              { name: cluster, kind: 'replicaSet' },
              { name: drCluster, kind: 'replicaSet' },
            ],
            buckets: [{ id: bucket }],
          },
        ],
      },
    });
    sim = started.sim;
    creds = started.creds;
    ({ client, close: closeClient } = await temporalClient());
    metricsAddress = `127.0.0.1:${await freePort()}`;
    prom = await startPrometheus([metricsAddress]);
    first = startWorker();
    await first.started;
  });

  afterAll(async () => {
    await prom?.stop();
    await closeClient?.();
    await sim?.stop();
  });

  it('serves the SDK metrics and ours: Atlas requests by operation, 429s, runs, steps', async () => {
    // Every snapshot request is refused with 429 until Prometheus has seen one: the rate-limit series is real.
    await sim.admin.setFaults({ operations: { takeSnapshots: { status429: 1, retryAfterSeconds: 1 } } });
    const run = client.workflow.execute(backupPipeline, {
      taskQueue,
      workflowId: uniqueId('metrics-run'),
      args: [
        {
          ...FAST,
          groupId: project,
          clusterName: cluster,
          export: { exportBucketId: bucket },
          restore: { deliveryType: 'download' },
        },
      ],
    }) as Promise<PipelineResult>;
    await promWhen(
      `atlas_backup_atlas_rate_limited{operation="takeSnapshots"}`,
      (s) => s.length === 1 && Number(s[0]!.value[1]) >= 1,
      'a scraped 429',
    );
    // Recorded in the same call as the 429, but a scrape may fall between the two: wait for it too.
    await promWhen(
      `atlas_backup_atlas_retry_after_seconds{operation="takeSnapshots"}`,
      (s) => s.length === 1 && Number(s[0]!.value[1]) >= 1,
      'the Retry-After wait',
    );
    await sim.admin.clearFaults();
    result = await run;
    expect(result.outcome).toBe('completed');
    // A DR drill (download delivery, no approval needed) for the recovery-time series.
    const snap = await sim.admin.addScheduledSnapshot({ groupId: project, clusterName: drCluster, ageMs: 3_600_000 });
    dr = await client.workflow.execute(disasterRecovery, {
      taskQueue,
      workflowId: uniqueId('metrics-dr'),
      args: [
        {
          ...FAST,
          source: { kind: 'dedicated', groupId: project, clusterName: drCluster },
          what: { snapshotId: snap.id },
          deliveryType: 'download',
        },
      ],
    });
    expect(dr.outcome).toBe('completed');

    const ended = await promWhen(
      `atlas_backup_runs_ended{taskQueue="${taskQueue}"}`,
      (s) => s.length === 2,
      'the completed runs in Prometheus',
    );
    expect(ended.map((s) => [s.metric.workflowType, s.metric.outcome, s.value[1]]).sort()).toEqual([
      ['backupPipeline', 'completed', '1'],
      ['disasterRecovery', 'completed', '1'],
    ]);
    const recovery = await promWhen(
      `atlas_backup_dr_recovery_seconds_count{taskQueue="${taskQueue}",outcome="completed"}`,
      (s) => s.length === 1,
      'the DR recovery time',
    );
    expect(recovery[0]!.value[1]).toBe('1');
    const byOp = await prom.query('sum by (operation, http_status, error_code) (atlas_backup_atlas_requests)');
    const ops = new Set(byOp.filter((s) => s.metric.error_code === 'none').map((s) => s.metric.operation));
    for (const op of ['takeSnapshots', 'getClusterBackupSnapshot', 'createBackupExport', 'createBackupRestoreJob'])
      expect(ops).toContain(op);
    expect(byOp.find((s) => s.metric.http_status === '429')?.metric.error_code).toBe('RATE_LIMITED');
    const latency = await prom.query('sum by (operation) (atlas_backup_atlas_request_seconds_count)');
    expect(latency.map((s) => s.metric.operation)).toContain('takeSnapshots');
    const steps = await prom.query(`atlas_backup_step_seconds_count{taskQueue="${taskQueue}",outcome="ok"}`);
    expect(steps.map((s) => s.metric.step)).toEqual(expect.arrayContaining(['take-snapshot', 'export']));
    // The SDK's own runtime metrics come out of the same endpoint.
    const sdk = await prom.query(`{__name__=~"temporal_.+", task_queue="${taskQueue}"}`);
    expect(sdk.length).toBeGreaterThan(0);
    // No label carries an id: neither the project id nor a resource id appears in any of our series.
    const ours = JSON.stringify(await prom.query('{__name__=~"atlas_backup_atlas_.+"}'));
    expect(ours).not.toContain(project);
    expect(ours).not.toContain(result.snapshot!.id);
  });

  it('writes one JSON line per event with ids, steps and operations, and no secret or download URL', async () => {
    // The SDK forwards workflow logs through a short buffer: wait for the run's last line.
    const out = await eventually(
      () => Promise.resolve(/"event":"run\.ended"/.test(first.output()) ? first.output() : undefined),
      'the run.ended log line',
    );
    const lines = jsonLines(out);
    const urls = result.restore?.deliveryUrl ?? [];
    expect(urls.length).toBeGreaterThan(0);
    for (const secret of [...urls, creds.clientSecret, 'Bearer ']) expect(out).not.toContain(secret);
    expect(out).not.toMatch(/"taskToken":"(?!\[REDACTED\])/);
    const step = lines.find((l) => l.event === 'step.ended' && l.step === 'take-snapshot');
    expect(step).toMatchObject({ workflowId: result.workflowId, outcome: 'ok', level: 'info' });
    expect(step!.runId).toEqual(expect.any(String));
    const call = lines.find((l) => l.event === 'atlas.request' && l.atlasOperation === 'createBackupRestoreJob');
    expect(call?.activityType).toBe('startRestore');
    expect(call).toMatchObject({ workflowId: result.workflowId, runId: step!.runId, outcome: 'ok' });
    const limited = lines.find((l) => l.event === 'atlas.request' && l.httpStatus === 429);
    expect(limited).toMatchObject({ level: 'warn', errorCode: 'RATE_LIMITED', atlasOperation: 'takeSnapshots' });
    expect(lines.find((l) => l.event === 'run.ended')).toMatchObject({ outcome: 'completed' });
  });

  it('the Grafana dashboard queries only metrics the worker serves (checked against this scrape)', async () => {
    const dashboard = readFileSync(new URL('../../docs/grafana/atlas-backup.json', import.meta.url), 'utf8');
    const exprs = (JSON.parse(dashboard) as { panels: { targets: { expr: string }[] }[] }).panels.flatMap((p) =>
      p.targets.map((t) => t.expr),
    );
    const used = new Set(exprs.flatMap((e) => e.match(/\b(atlas_backup|temporal)_\w+/g) ?? []));
    // The gauges follow visibility, which lags a run's close: wait until they have been scraped.
    await promWhen(`${METRICS.lastSuccess}{project="${project}"}`, (s) => s.length > 0, 'the last-success gauges');
    const res = await fetch(`${prom.url}/api/v1/label/__name__/values`);
    const scraped = new Set(((await res.json()) as { data: string[] }).data);
    const ours = new Set<string>(Object.values(METRICS));
    const base = (name: string) => name.replace(/_(bucket|sum|count)$/, '');
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) {
      if (name.startsWith('atlas_backup_')) expect(ours, name).toContain(base(name));
      expect(scraped, name).toContain(name);
    }
    // And every metric of ours has a panel.
    for (const name of ours) expect([...used].map(base), name).toContain(name);
  });

  it('serves the last backup, export and restore times again after a worker restart, from visibility', async () => {
    const described = await client.workflow.getHandle(result.workflowId).describe();
    const closedAt = Math.floor(described.closeTime!.getTime() / 1000);
    const gauge = `atlas_backup_last_success_timestamp_seconds{project="${project}",cluster="${cluster}"}`;
    await promWhen(gauge, (s) => s.length === 3, 'the first worker’s gauges');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    const restartedAt = Date.now() / 1000;
    const second = startWorker();
    await second.started;
    // Samples scraped after the restart can only come from the new worker, which read no run from Atlas.
    const fresh = await promWhen(
      `timestamp(${gauge}) > ${restartedAt}`,
      (s) => s.length === 3,
      'gauges scraped from the restarted worker',
    );
    const values = await prom.query(gauge);
    expect(fresh.map((s) => s.metric.kind).sort()).toEqual(['backup', 'export', 'restore']);
    const at = Object.fromEntries(values.map((s) => [s.metric.kind, Number(s.value[1])]));
    // A backup counts from its snapshot (the data's currency), an export from the run's close.
    expect(at.backup).toBe(Math.floor(Date.parse(result.snapshot!.createdAt!) / 1000));
    expect(at.export).toBe(closedAt);
    expect(at.restore).toBe(Math.floor(Date.parse(result.restore!.finishedAt!) / 1000));
    // The DR drill counts as the restore of its source cluster.
    const drClosedAt = (await client.workflow.getHandle(dr.workflowId).describe()).closeTime!.getTime();
    const drGauge = `atlas_backup_last_success_timestamp_seconds{project="${project}",cluster="${drCluster}"}`;
    const drFresh = await promWhen(`timestamp(${drGauge}) > ${restartedAt}`, (s) => s.length === 1, 'the DR gauge');
    expect(drFresh[0]!.metric.kind).toBe('restore');
    expect((await prom.query(drGauge))[0]!.value[1]).toBe(String(Math.floor(drClosedAt / 1000)));
    const own = await fetch(`http://${metricsAddress}/metrics`).then((r) => r.text());
    // Its only Atlas read is learning the rate limits it paces by, never the runs' facts.
    const requests = own.split('\n').filter((l) => l.startsWith('atlas_backup_atlas_requests{'));
    expect(requests.filter((l) => !l.includes('operation="listRateLimits"'))).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
