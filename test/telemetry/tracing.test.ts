// Traces end to end: the worker configured by OTEL_* variables exports to an OTLP/HTTP receiver on
// 127.0.0.1, and one pipeline run is one trace — the client's start span, the workflow, its
// activities and the Atlas HTTP calls under them — on the real dev server against the simulator.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineResult } from '../../src/contract/index.js';
import { DEMO_IDS, type RunningSimulator } from '../../src/simulator/index.js';
import { startTracingFromEnv, TRACING_WORKFLOW_MODULE, type Tracing } from '../../src/telemetry/tracing.js';
import { buildWorker, WORKFLOW_BUNDLER_OPTIONS, workflowsPath, type BuiltWorker } from '../../src/worker.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { FAST, startTestSimulator, temporalAddress, uniqueId } from '../helpers/temporal.js';
import { FAST_FLAGS, runCli } from '../cli/helpers.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
}

/** An OTLP/HTTP (JSON) traces receiver: decodes just enough of each export to check trace ids. */
async function startOtlpReceiver(): Promise<{ url: string; spans: OtlpSpan[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  type Attr = { key: string; value: Record<string, unknown> };
  type Export = { resourceSpans?: { scopeSpans?: { spans?: (OtlpSpan & { attributes?: Attr[] })[] }[] }[] };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url !== '/v1/traces' || !String(req.headers['content-type']).includes('json')) {
        res.writeHead(415).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Export;
      for (const rs of body.resourceSpans ?? [])
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? []) {
            const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]]));
            spans.push({ ...s, attributes });
          }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) };
}

describe('OpenTelemetry traces', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let tracing: Tracing;
  let sim: RunningSimulator;
  let built: BuiltWorker;
  let running: Promise<void>;
  let nativeConnection: NativeConnection;
  let connection: Connection;
  let client: Client;
  const taskQueue = `tq-trace-${randomUUID()}`;

  beforeAll(async () => {
    try {
      Runtime.install({ logger: new DefaultLogger('ERROR') });
    } catch {
      // Already installed in this process.
    }
    receiver = await startOtlpReceiver();
    tracing = startTracingFromEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'atlas-backup-test',
    })!;
    const started = await startTestSimulator({ timeScale: 0.05 });
    sim = started.sim;
    // A prebuilt bundle carries the tracing interceptors itself (the worker only adds them when it bundles).
    const bundle = await bundleWorkflowCode({
      workflowsPath,
      ...WORKFLOW_BUNDLER_OPTIONS,
      workflowInterceptorModules: [TRACING_WORKFLOW_MODULE],
      logger: new DefaultLogger('WARN'),
    });
    nativeConnection = await NativeConnection.connect({ address: temporalAddress() });
    built = await buildWorker({
      config: {
        temporal: { address: temporalAddress(), namespace: 'default' },
        taskQueue,
        atlas: { baseUrl: sim.url, auth: started.auth, timeoutMs: 10_000 },
        maxConcurrentActivities: 20,
      },
      connection: nativeConnection,
      tracing,
      workflowBundle: bundle,
      workerOptions: { shutdownGraceTime: '2s' },
    });
    running = built.worker.run();
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection, plugins: [tracing.plugin] });
  }, 120_000);
  afterAll(async () => {
    built?.worker.shutdown();
    await running;
    await built?.close();
    await nativeConnection?.close();
    await connection?.close();
    await tracing?.shutdown();
    await sim?.stop();
    await receiver?.close();
  });

  it('exports one trace per run: client start → workflow → activities → Atlas HTTP calls', async () => {
    const workflowId = uniqueId('traced');
    const result = (await client.workflow.execute(backupPipeline, {
      taskQueue,
      workflowId,
      args: [{ ...FAST, groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet }],
    })) as PipelineResult;
    expect(result.outcome).toBe('completed');

    const snapshotRoute = 'POST /api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/snapshots';
    const find = (name: string) => receiver.spans.find((s) => s.name === name);
    const deadline = Date.now() + 60_000;
    while (!(find('StartWorkflow:backupPipeline') && find('RunActivity:awaitSnapshot') && find(snapshotRoute))) {
      if (Date.now() > deadline) throw new Error(`spans missing; got ${receiver.spans.map((s) => s.name).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const { traceId } = find('StartWorkflow:backupPipeline')!;
    const inTrace = receiver.spans.filter((s) => s.traceId === traceId);
    const names = inTrace.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'StartWorkflow:backupPipeline',
        'RunWorkflow:backupPipeline',
        'StartActivity:takeSnapshot',
        'RunActivity:takeSnapshot',
        'RunActivity:awaitSnapshot',
        snapshotRoute,
      ]),
    );
    // The Atlas span sits under the activity that made the call.
    const atlas = inTrace.find((s) => s.name === snapshotRoute)!;
    const parent = inTrace.find((s) => s.spanId === atlas.parentSpanId);
    expect(parent?.name).toBe('RunActivity:takeSnapshot');
    expect(atlas.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.template': '/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/snapshots',
      'atlas.operation': 'takeSnapshots',
    });
    expect(Number(atlas.attributes['http.response.status_code'])).toBeLessThan(300);
    // Route templates only: no project id, snapshot id or token in any Atlas span.
    const atlasSpans = inTrace.filter((s) => s.attributes['url.template'] !== undefined);
    const text = JSON.stringify(atlasSpans);
    expect(text).not.toContain(DEMO_IDS.projectId);
    expect(text).not.toContain(result.snapshot!.id);
    expect(text).not.toMatch(/Bearer|access_token|client_secret/i);
  });

  it('the CLI (OTEL_* set) makes one trace per command, its command span the root the worker continues', async () => {
    const clusterName = uniqueId('cli-traced');
    await sim.admin.seedCluster({ groupId: DEMO_IDS.projectId, name: clusterName, kind: 'replicaSet' });
    const args = ['backup', '-p', DEMO_IDS.projectId, '-c', clusterName, '--wait', '--json', ...FAST_FLAGS];
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'atlas-backup-cli-test' };
    const r = await runCli(args, { taskQueue, env });
    expect(r.code, r.stderr).toBe(0);
    const { workflowId } = JSON.parse(r.stdout) as { workflowId: string };
    const deadline = Date.now() + 60_000;
    const start = () =>
      receiver.spans.find(
        (s) => s.name === 'StartWorkflow:backupPipeline' && s.attributes.temporalWorkflowId === workflowId,
      );
    while (!start()) {
      if (Date.now() > deadline) throw new Error(`no start span for ${workflowId}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    const { traceId, spanId } = start()!;
    // The command's own span is the root; the start, and every describe and query of --wait's polls,
    // are its children: one trace for the whole command, not one per poll.
    const root = receiver.spans.find((s) => s.traceId === traceId && (s.parentSpanId ?? '') === '');
    expect(root?.name).toBe('atlas-backup backup');
    expect(start()!.parentSpanId).toBe(root!.spanId);
    const polls = receiver.spans.filter(
      (s) =>
        (s.name.startsWith('QueryWorkflow') || s.name === 'DescribeWorkflow') &&
        s.attributes.temporalWorkflowId === workflowId,
    );
    const ofThisRun = polls.filter((s) => s.traceId === traceId);
    expect(ofThisRun.length).toBeGreaterThan(0);
    expect(polls.filter((s) => s.traceId !== traceId && (s.parentSpanId ?? '') === '')).toEqual([]);
    while (!receiver.spans.some((s) => s.traceId === traceId && s.name.startsWith('POST /api/atlas/v2/'))) {
      if (Date.now() > deadline) throw new Error(`no Atlas span in trace ${traceId}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    const run = receiver.spans.find((s) => s.traceId === traceId && s.name === 'RunWorkflow:backupPipeline');
    expect(run?.parentSpanId).toBe(spanId);
  });
});
