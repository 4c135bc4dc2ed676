// `atlas-backup demo`: everything on embedded defaults — a Temporal dev server, the Atlas simulator
// (auth on, credentials made up at run time), an in-process worker — then one backupPipeline for the
// demo cluster with an export and a restore, shown with the live view, ending with a summary and,
// with the data plane on, the restore's verification (a canary and the source's manifest checked on
// the target as a temporary read-only user) and the restored cluster's collections and counts next
// to the source's. `--collections` then drops those collections on the source and recovers them
// from the pipeline's snapshot (demo-recovery.ts). Everything it started is stopped before it
// returns, also on Ctrl-C.
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { codecKeys, createEncryptionCodec, encryptedDataConverter } from '../../codec/index.js';
import { startCodecServer, type RunningCodecServer } from '../../codec/server.js';
import { freePort, startDevServer, type RunningDevServer } from '../../devserver/dev-server.js';
import {
  dataPlaneUnavailable,
  DEMO_DATA,
  DEMO_IDS,
  DEMO_SEED,
  startSimulator,
  type RunningSimulator,
} from '../../simulator/index.js';
import { buildWorker, type BuiltWorker } from '../../worker.js';
import type { BackupPipelineRequest, PipelineResult } from '../../contract/index.js';
import { UsageError } from '../errors.js';
import { followRun } from '../live.js';
import { startBackup } from '../../runs/index.js';
import type { AtlasClient } from '../../atlas/index.js';
import { compareData, DemoUsers } from './demo-data.js';
import { checkDemoCollections, recoverCollections } from './demo-recovery.js';
import { summarize } from './summary.js';

export interface DemoOptions {
  timeScale: number;
  restore: 'download' | 'automated' | 'none';
  export: boolean;
  /** Real data in the clusters (FerretDB), when installed. */
  data: boolean;
  ui: boolean;
  json: boolean;
  /** After the pipeline: drop these collections on the source and recover them from its snapshot. */
  collections?: string[];
  /** Where the live view and progress messages go (stderr with --json, so stdout stays JSON). */
  log?: NodeJS.WriteStream;
}

const TASK_QUEUE = 'atlas-backup-demo';

const pollSeconds = (timeScale: number) => Math.max(0.05, Math.min(0.5, 0.25 * timeScale));

/** `verify`: the restore is checked against the source (only with data, into the restore target). */
export function demoRequest(
  o: Pick<DemoOptions, 'restore' | 'export' | 'timeScale'>,
  verify = false,
): BackupPipelineRequest {
  const poll = pollSeconds(o.timeScale);
  return {
    groupId: DEMO_IDS.projectId,
    clusterName: DEMO_IDS.replicaSet,
    snapshot: { description: 'atlas-backup demo snapshot', retentionInDays: 1 },
    ...(o.export
      ? { export: { exportBucketId: DEMO_IDS.bucketId, customData: [{ key: 'source', value: 'atlas-backup demo' }] } }
      : {}),
    ...(o.restore === 'download' ? { restore: { deliveryType: 'download' as const } } : {}),
    ...(o.restore === 'automated'
      ? {
          restore: {
            deliveryType: 'automated' as const,
            targetGroupId: DEMO_IDS.targetProjectId,
            targetClusterName: DEMO_IDS.restoreTarget,
            // The demo's own target, named as the consent the restore needs.
            overwrite: DEMO_IDS.restoreTarget,
            consentBy: 'atlas-backup demo',
            // A canary document written before the snapshot, and the source's manifest, looked for on the target.
            ...(verify ? { verify: { canary: true } } : {}),
          },
        }
      : {}),
    polling: { initialIntervalSeconds: poll, maximumIntervalSeconds: poll * 2, backoffCoefficient: 1.5 },
    retry: { initialIntervalSeconds: 0.2, maximumIntervalSeconds: 2, backoffCoefficient: 2 },
  };
}

const demoDocuments = () =>
  Object.values(DEMO_DATA)
    .flatMap((collections) => Object.values(collections))
    .reduce((a, b) => a + b, 0);

/** Everything the demo starts, stopped in reverse order whatever happened. */
class DemoStack {
  dev?: RunningDevServer;
  sim?: RunningSimulator;
  built?: BuiltWorker;
  running?: Promise<void>;
  connection?: Connection;
  codecServer?: RunningCodecServer;
  private atlasClient?: AtlasClient;
  private demoUsers?: DemoUsers;
  readonly creds = {
    clientId: `mdb_sa_id_${randomBytes(8).toString('hex')}`,
    clientSecret: `mdb_sa_sk_${randomBytes(24).toString('hex')}`,
  };
  // Payloads encrypted with a key made up for this run: Temporal stores only ciphertext.
  readonly codec = createEncryptionCodec(
    codecKeys([{ id: `demo-${randomBytes(4).toString('hex')}`, key: randomBytes(32) }]),
  );
  readonly dataConverter = encryptedDataConverter(this.codec);

  constructor(private readonly say: (line: string) => void) {}

  /** A dev server; with the UI, a codec server on 127.0.0.1 the UI decrypts payloads through. */
  async startTemporal(ui: boolean): Promise<RunningDevServer> {
    this.say(`Starting a local Temporal dev server${ui ? ' with its Web UI' : ''}…`);
    if (ui) {
      const token = randomBytes(24).toString('hex');
      const uiPort = await freePort();
      const corsOrigins = [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
      this.codecServer = await startCodecServer({ codec: this.codec, token, corsOrigins });
      this.dev = await startDevServer({ ui: true, uiPort, uiCodecEndpoint: `${this.codecServer.url}/${token}` });
    } else {
      this.dev = await startDevServer({ ui: false });
    }
    const uiNote = this.dev.uiUrl ? `, UI at ${this.dev.uiUrl} (decrypting through a local codec server)` : '';
    this.say(`  Temporal at ${this.dev.address} (pid ${this.dev.pid})${uiNote}`);
    this.say(`  Payloads encrypted with AES-256-GCM (key '${this.codec.currentKeyId}', made up for this run)`);
    return this.dev;
  }

  /** The simulator, with service-account credentials made up for this run, and a worker for it. */
  async startAtlasAndWorker(dev: RunningDevServer, timeScale: number, withData: boolean): Promise<boolean> {
    const creds = this.creds;
    const why = withData ? dataPlaneUnavailable() : 'off by --no-data';
    const documents = demoDocuments().toLocaleString('en-US');
    if (why) this.say(`  Data: off: ${why}; clusters are job records only`);
    else this.say(`  Data: on, seeding ${DEMO_IDS.replicaSet} with ${documents} documents (FerretDB)…`);
    this.sim = await startSimulator({
      seed: why ? DEMO_SEED : { ...DEMO_SEED, data: { [DEMO_IDS.replicaSet]: DEMO_DATA } },
      auth: { serviceAccounts: [creds] },
      timeScale,
      // SCRAM on, as on Atlas: verification signs in as the temporary users it makes.
      data: why ? false : { auth: true },
    });
    this.say(`  Atlas simulator at ${this.sim.url} (service-account auth, time scale ${timeScale})`);
    this.say('Starting a worker (bundling the workflows)…');
    quietRuntime();
    this.built = await buildWorker({
      config: {
        temporal: { address: dev.address, namespace: dev.namespace },
        taskQueue: TASK_QUEUE,
        atlas: { baseUrl: this.sim.url, auth: { kind: 'serviceAccount', ...creds }, timeoutMs: 10_000 },
        maxConcurrentActivities: 20,
      },
      dataConverter: this.dataConverter,
      workerOptions: { shutdownGraceTime: '2s' },
    });
    this.running = this.built.worker.run();
    return Boolean(this.sim.dataDir);
  }

  /** The demo's own database users (through the Admin API, as a user would make them), deleted by stop(). */
  async users(): Promise<DemoUsers> {
    if (!this.demoUsers) {
      const { AtlasClient } = await import('../../atlas/index.js');
      this.atlasClient = new AtlasClient({ baseUrl: this.sim!.url, auth: { kind: 'serviceAccount', ...this.creds } });
      this.demoUsers = new DemoUsers(this.atlasClient);
    }
    return this.demoUsers;
  }

  /** The restored cluster's collections and counts beside the source's, through the driver. */
  async showData(say: (line: string) => void, sourceAccess: 'read' | 'readWrite'): Promise<boolean> {
    const users = await this.users();
    const source = await users.client({ groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet }, sourceAccess);
    const target = await users.client(
      { groupId: DEMO_IDS.targetProjectId, clusterName: DEMO_IDS.restoreTarget },
      'read',
    );
    const { lines, ok } = await compareData(source, target);
    say(`\nData in ${DEMO_IDS.restoreTarget} after the restore, read with the mongodb driver:`);
    for (const line of lines) say(line);
    return ok;
  }

  async client(dev: RunningDevServer): Promise<Client> {
    this.connection = await Connection.connect({ address: dev.address });
    return new Client({ connection: this.connection, namespace: dev.namespace, dataConverter: this.dataConverter });
  }

  async stop(): Promise<void> {
    if (this.built?.worker.getState() === 'RUNNING') this.built.worker.shutdown();
    await this.running?.catch(() => undefined);
    await this.built?.close().catch(() => undefined);
    await this.demoUsers?.close();
    await this.atlasClient?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await this.sim?.stop();
    await this.dev?.stop();
    await this.codecServer?.close().catch(() => undefined);
  }
}

/** Bad options are refused (exit 2) before anything starts. */
function checkOptions(o: DemoOptions): void {
  if (!(o.timeScale > 0) || o.timeScale > 100) {
    throw new UsageError(
      '--time-scale must be a number > 0 and <= 100 (1 = default simulator durations, 0.5 = twice as fast)',
    );
  }
  if (o.collections) {
    const why = o.data ? dataPlaneUnavailable() : 'off by --no-data';
    if (why) throw new UsageError(`--collections needs the demo's data (FerretDB), which is ${why}`);
    checkDemoCollections(o.collections);
  }
}

export async function runDemo(o: DemoOptions): Promise<number> {
  checkOptions(o);
  const log = o.log ?? (o.json ? process.stderr : process.stdout);
  const say = (line: string) => log.write(`${line}\n`);
  const stack = new DemoStack(say);
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const dev = await stack.startTemporal(o.ui);
    const withData = await stack.startAtlasAndWorker(dev, o.timeScale, o.data);
    const client = await stack.client(dev);
    const code = await demoRuns(o, { client, stack, withData, log, signal: interrupted.signal });
    if (o.ui && dev.uiUrl && !interrupted.signal.aborted) {
      say(`\nThe Temporal UI stays up at ${dev.uiUrl} — press Ctrl-C to stop everything.`);
      await new Promise<void>((resolve) =>
        interrupted.signal.addEventListener('abort', () => resolve(), { once: true }),
      );
    }
    return code;
  } finally {
    await stack.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

interface Started {
  client: Client;
  stack: DemoStack;
  withData: boolean;
  log: NodeJS.WriteStream;
  signal: AbortSignal;
}

/** The pipeline, its data beside the source's, and the collection recovery: the exit code. */
async function demoRuns(o: DemoOptions, { client, stack, withData, log, signal }: Started): Promise<number> {
  const say = (line: string) => log.write(`${line}\n`);
  const verify = withData && o.restore === 'automated';
  const handle = await startBackup(client, demoRequest(o, verify), { taskQueue: TASK_QUEUE });
  const exportPart = o.export ? ', export to the demo bucket' : '';
  const what = `${exportPart}${o.restore !== 'none' ? `, ${o.restore} restore${verify ? ' (verified)' : ''}` : ''}`;
  say(`Started ${handle.workflowId}: snapshot of ${DEMO_IDS.replicaSet}${what}\n`);
  const outcome = await followRun(client, handle, { out: log, signal });
  if (outcome.stopped) {
    say('\nInterrupted: cancelling the demo run and stopping everything.');
    await handle.cancel().catch(() => undefined);
    return 1;
  }
  const result = outcome.result as PipelineResult | undefined;
  const { executionStatus } = outcome.status;
  if (!o.json) say(`\n${summarize(outcome.status, result, outcome.failure)}`);
  const completed = executionStatus === 'COMPLETED' && result?.outcome === 'completed';
  const access = o.collections ? 'readWrite' : 'read';
  const dataOk = verify && completed ? await stack.showData(say, access) : true;
  const snapshotId = result?.snapshot?.id;
  const recovery =
    o.collections && completed && snapshotId && !signal.aborted
      ? await recoverCollections(
          { client, taskQueue: TASK_QUEUE, users: await stack.users(), poll: pollSeconds(o.timeScale), log, signal },
          o.collections,
          snapshotId,
        )
      : undefined;
  if (o.json) {
    const json = { workflowId: handle.workflowId, executionStatus, failure: outcome.failure, result };
    const recovered = recovery ? { collectionRecovery: recovery.json } : {};
    process.stdout.write(`${JSON.stringify({ ...json, status: outcome.status, ...recovered }, null, 2)}\n`);
  }
  return completed && dataOk && (o.collections ? recovery?.ok === true : true) ? 0 : 1;
}

/** The demo's screen is the live view: the SDK's and webpack's INFO lines would drown it. */
function quietRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Already installed (a second demo in the same process): keep the existing runtime.
  }
}
