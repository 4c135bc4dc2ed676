// Benchmark of the AES-256-GCM payload codec: its cost per payload (encode + decode, small and
// ~10 KB payloads) and per pipeline (how many payloads one backupPipeline sends through the codec
// and how long the codec spends on them, beside the pipeline's wall time with and without it), on
// a real Temporal dev server, a real worker and the Atlas simulator. Prints figures, asserts
// nothing; `--json` prints one JSON object.
//
//   node --import tsx bench/codec.ts [--json] [--runs N] [--iterations N]
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { AtlasAuth } from '../src/atlas/index.js';
import { codecKeys, createEncryptionCodec, failureConverterPath } from '../src/codec/index.js';
import { startDevServer, type RunningDevServer } from '../src/devserver/dev-server.js';
import { DEMO_IDS, DEMO_SEED, startSimulator, type RunningSimulator } from '../src/simulator/index.js';
import type { BackupPipelineRequest, PipelineResult } from '../src/contract/index.js';
import { backupPipeline } from '../src/workflows/index.js';
import { bundleWorkflows, startBenchWorker } from './lib/bench-worker.js';
import { percentile } from './lib/observations.js';

const json = process.argv.includes('--json');
function numberArg(name: string, fallback: number, min: number, max: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(v) || v < min || v > max)
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (the bench stays bounded)`);
  return v;
}
const runs = numberArg('runs', 3, 1, 10);
const iterations = numberArg('iterations', 2000, 100, 100_000);
const log = (line: string) => {
  if (!json) console.log(line);
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

const codec = createEncryptionCodec(codecKeys([{ id: 'bench', key: randomBytes(32) }]));

/** Counts the payloads and the time the codec spends, for one process's worker and client together. */
class MeteredCodec implements PayloadCodec {
  payloads = 0;
  ms = 0;
  constructor(private readonly inner: PayloadCodec) {}
  async encode(p: Payload[]) {
    return this.timed(p.length, () => this.inner.encode(p));
  }
  async decode(p: Payload[]) {
    return this.timed(p.length, () => this.inner.decode(p));
  }
  // The codec works synchronously inside the call; timing an await would add the event loop's
  // queue (other activities, the worker's own tasks) to the codec's cost.
  private timed(n: number, fn: () => Promise<Payload[]>) {
    const t0 = performance.now();
    const result = fn();
    this.ms += performance.now() - t0;
    this.payloads += n;
    return result;
  }
}

/** Payloads stored in a history (search attributes excluded: the codec never sees them). */
function storedPayloads(node: unknown, key = ''): number {
  if (
    !node ||
    typeof node !== 'object' ||
    ArrayBuffer.isView(node) ||
    key === 'searchAttributes' ||
    key === 'upsertWorkflowSearchAttributesEventAttributes'
  )
    return 0;
  const o = node as Record<string, unknown>;
  const self = 'data' in o && 'metadata' in o ? 1 : 0;
  return self + Object.entries(o).reduce((n, [k, v]) => n + storedPayloads(v, k), 0);
}

/** µs per payload for encode and decode of one value, one payload per call (the SDK's common case). */
async function perPayload(value: unknown) {
  const payload = defaultPayloadConverter.toPayload(value);
  const enc: number[] = [];
  const dec: number[] = [];
  for (let i = 0; i < iterations + 200; i++) {
    const t0 = performance.now();
    const [e] = await codec.encode([payload]);
    const t1 = performance.now();
    await codec.decode([e!]);
    const t2 = performance.now();
    if (i >= 200) {
      enc.push((t1 - t0) * 1000);
      dec.push((t2 - t1) * 1000);
    } // the first 200 warm up
  }
  const both = enc.map((x, i) => x + dec[i]!);
  return {
    bytes: payload.data!.length,
    encodeP50Us: round(percentile(enc, 0.5), 2),
    decodeP50Us: round(percentile(dec, 0.5), 2),
    roundTripP50Us: round(percentile(both, 0.5), 2),
    roundTripP95Us: round(percentile(both, 0.95), 2),
    roundTripMeanUs: round(mean(both), 2),
  };
}

const { projectId: groupId, bucketId, replicaSet } = DEMO_IDS;
const request: BackupPipelineRequest = {
  groupId,
  clusterName: replicaSet,
  export: { exportBucketId: bucketId },
  restore: { deliveryType: 'download' },
  polling: { initialIntervalSeconds: 0.05, maximumIntervalSeconds: 0.3, backoffCoefficient: 1.5 },
  retry: { initialIntervalSeconds: 0.05, maximumIntervalSeconds: 0.5, backoffCoefficient: 2 },
};

interface Lane {
  taskQueue: string;
  client: Client;
  meter?: MeteredCodec;
}

/**
 * One worker and client, with or without the codec, against a simulator of its own
 * (no shared cluster, no snapshot conflicts).
 */
async function lane(
  address: string,
  code: string,
  meter: MeteredCodec | undefined,
  cleanups: (() => Promise<unknown>)[],
): Promise<Lane> {
  const creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  const auth: AtlasAuth = { kind: 'serviceAccount', ...creds };
  const sim: RunningSimulator = await startSimulator({
    seed: DEMO_SEED,
    timeScale: 0.05,
    auth: { serviceAccounts: [creds] },
    // Benches measure the product, not Atlas's token buckets (the fault-mode window is their limit).
    rateLimits: { enabled: false },
  });
  cleanups.push(() => sim.stop());
  const dataConverter: DataConverter | undefined = meter && { payloadCodecs: [meter], failureConverterPath };
  const taskQueue = `bench-codec-${meter ? 'on' : 'off'}-${randomUUID().slice(0, 8)}`;
  const worker = await startBenchWorker({
    address,
    taskQueue,
    atlasUrl: sim.url,
    auth,
    code,
    maxConcurrentActivities: 10,
    workerOptions: dataConverter ? { dataConverter } : {},
  });
  cleanups.unshift(worker.stop);
  const clientConnection = await Connection.connect({ address });
  cleanups.push(() => clientConnection.close());
  return {
    taskQueue,
    client: new Client({ connection: clientConnection, ...(dataConverter ? { dataConverter } : {}) }),
    meter,
  };
}

async function onePipeline(l: Lane) {
  const before = { payloads: l.meter?.payloads ?? 0, ms: l.meter?.ms ?? 0 };
  const t0 = performance.now();
  const handle = await l.client.workflow.start(backupPipeline, {
    taskQueue: l.taskQueue,
    workflowId: `bench-codec-${randomUUID().slice(0, 8)}`,
    args: [request],
  });
  const result = (await handle.result()) as PipelineResult;
  const wallMs = performance.now() - t0;
  if (result.outcome !== 'completed') throw new Error(`pipeline ${result.workflowId} ended ${result.outcome}`);
  const history = await handle.fetchHistory();
  return {
    wallMs,
    historyEvents: history.events?.length ?? 0,
    historyPayloads: storedPayloads(history),
    codecPayloads: (l.meter?.payloads ?? 0) - before.payloads,
    codecMs: (l.meter?.ms ?? 0) - before.ms,
  };
}

async function perPipeline(address: string) {
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    const [withConverter, plain] = await Promise.all([bundleWorkflows({ failureConverterPath }), bundleWorkflows()]);
    const on = await lane(address, withConverter, new MeteredCodec(codec), cleanups);
    const off = await lane(address, plain, undefined, cleanups);
    const figures = {
      on: [] as Awaited<ReturnType<typeof onePipeline>>[],
      off: [] as Awaited<ReturnType<typeof onePipeline>>[],
    };
    for (let i = 0; i < runs; i++) {
      // Side by side, alternating which goes first, so machine load hits both alike.
      const [a, b] = i % 2 === 0 ? [on, off] : [off, on];
      const [ra, rb] = await Promise.all([onePipeline(a), onePipeline(b)]);
      figures.on.push(a === on ? ra : rb);
      figures.off.push(a === on ? rb : ra);
      const o = figures.on.at(-1)!;
      const withCodec =
        `codec on ${round(o.wallMs)} ms wall, ` +
        `${o.codecPayloads} payloads through the codec in ${round(o.codecMs, 2)} ms`;
      log(`  run ${i + 1}/${runs}: ${withCodec} | codec off ${round(figures.off.at(-1)!.wallMs)} ms wall`);
    }
    return figures;
  } finally {
    for (const c of cleanups) await c().catch((e: unknown) => console.error(`cleanup: ${(e as Error).message}`));
  }
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const small = { ...request, groupId, clusterName: replicaSet };
const large = { ...small, notes: Array.from({ length: 100 }, (_, i) => `note ${i}: ${'x'.repeat(88)}`) };
log(`per payload (${iterations} iterations after warm-up):`);
const payloads = { small: await perPayload(small), large: await perPayload(large) };
for (const [name, p] of Object.entries(payloads))
  log(
    `  ${name} (${p.bytes} B): encode ${p.encodeP50Us} µs + decode ${p.decodeP50Us} µs; ` +
      `round trip p50 ${p.roundTripP50Us} µs, p95 ${p.roundTripP95Us} µs`,
  );

let server: RunningDevServer | undefined;
try {
  log(
    'per pipeline (snapshot → export → download restore, timeScale 0.05): ' +
      'starting a Temporal dev server and bundling the workflows…',
  );
  server = await startDevServer();
  const f = await perPipeline(server.address);
  const pipeline = {
    runs,
    historyEvents: f.on.map((r) => r.historyEvents),
    historyPayloads: f.on.map((r) => r.historyPayloads),
    codecPayloads: f.on.map((r) => r.codecPayloads),
    codecMsPerPipeline: round(mean(f.on.map((r) => r.codecMs)), 2),
    codecUsPerPayload: round((mean(f.on.map((r) => r.codecMs)) * 1000) / mean(f.on.map((r) => r.codecPayloads)), 1),
    wallMsOn: round(mean(f.on.map((r) => r.wallMs))),
    wallMsOff: round(mean(f.off.map((r) => r.wallMs))),
  };
  if (json) {
    console.log(
      JSON.stringify({
        bench: 'codec',
        cipher: 'AES-256-GCM',
        iterations,
        perPayload: payloads,
        perPipeline: pipeline,
      }),
    );
  } else {
    const payloadsLine =
      `${pipeline.historyPayloads.join('/')} payloads stored in its history, ` +
      `${pipeline.codecPayloads.join('/')} through the codec (worker + client)`;
    const codecWork = `${pipeline.codecMsPerPipeline} ms of codec work (${pipeline.codecUsPerPayload} µs per payload)`;
    const wall =
      `wall ${pipeline.wallMsOn} ms with the codec, ${pipeline.wallMsOff} ms without ` +
      '(machine noise dominates the difference)';
    console.log(`\nper pipeline, mean of ${runs}: ${payloadsLine}, ${codecWork}; ${wall}`);
  }
} finally {
  await server?.stop();
}
