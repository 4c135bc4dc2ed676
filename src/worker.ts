// The worker: builds the Atlas client from config (credentials stay in this process), registers
// the activities and workflows, and runs until SIGINT/SIGTERM (the SDK drains in-flight tasks).
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { AtlasClient } from './atlas/index.js';
import { createActivities } from './activities/index.js';
import { dataConverterFromEnv } from './codec/index.js';
import { ConfigError, loadWorkerConfig, type WorkerConfig, processEnv } from './config.js';
import { atlasObserver, DEFAULT_TELEMETRY, installRuntime, startWorkerTelemetry } from './telemetry/index.js';
import { notifyConfigFromEnv, type NotifyWorkerConfig } from './notify/config.js';
import { startTracingFromEnv, type Tracing } from './telemetry/tracing.js';
import { connectionOptions } from './temporal-connection.js';
import { maxCachedWorkflowsFromEnv, workflowBundleFromEnv } from './worker-memory.js';

/** The workflow bundle's entry point, next to this file (.ts under tsx, .js when built). */
export const workflowsPath = fileURLToPath(
  new URL(`./workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/**
 * How every workflow bundle is made (worker start, `npm run build`, tests, benches): the contract's
 * shared module is preloaded once per workflow context, so its schemas are built once instead of in
 * every run (src/contract/shared.ts).
 */
export const WORKFLOW_BUNDLER_OPTIONS = {
  preloadModules: [
    fileURLToPath(new URL(`./contract/shared${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)),
  ],
};

export interface BuildWorkerOptions {
  config: WorkerConfig;
  /** Reuse an existing connection (tests); otherwise one is opened from config. */
  connection?: NativeConnection;
  /** A prebuilt workflow bundle (tests build it once); otherwise workflowsPath is bundled. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /** Payload encryption (dataConverterFromEnv in src/codec); the clients must use the same keys. */
  dataConverter?: DataConverter;
  /** Webhook default and signing secrets (notifyConfigFromEnv); none: only runs' own `notify`, unsigned refused. */
  notify?: NotifyWorkerConfig;
  /** OpenTelemetry (startTracingFromEnv): workflow, activity and Atlas HTTP spans. */
  tracing?: Tracing;
  /** Extra Worker options (tests shorten shutdown grace time, for example). */
  workerOptions?: Partial<WorkerOptions>;
}

export interface BuiltWorker {
  worker: Worker;
  atlas: AtlasClient;
  connection: NativeConnection;
  /** Closes what this module opened (Atlas pool, and the connection if it opened it). */
  close(): Promise<void>;
}

export async function buildWorker(options: BuildWorkerOptions): Promise<BuiltWorker> {
  const { config } = options;
  const atlas = new AtlasClient({
    baseUrl: config.atlas.baseUrl,
    auth: config.atlas.auth,
    headersTimeoutMs: config.atlas.timeoutMs,
    bodyTimeoutMs: config.atlas.timeoutMs,
    // Request metrics and logs only for a worker configured for telemetry (runWorkerFromEnv).
    ...(config.telemetry ? { observer: atlasObserver() } : {}),
    commitHorizonMs: config.atlas.commitHorizonMs,
  });
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptions(config.temporal)));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS }),
    activities: createActivities(atlas, options.notify),
    maxConcurrentActivityTaskExecutions: config.maxConcurrentActivities,
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.tracing ? { plugins: [options.tracing.plugin] } : {}),
    ...options.workerOptions,
  });
  return {
    worker,
    atlas,
    connection,
    async close() {
      await atlas.close();
      if (!options.connection) await connection.close();
    },
  };
}

/** `atlas-backup worker` and `node src/worker.ts`: configuration from the environment only. */
export async function runWorkerFromEnv(env: NodeJS.ProcessEnv = processEnv()): Promise<void> {
  const config = loadWorkerConfig(env);
  const notify = notifyConfigFromEnv(env);
  if (notify.problems.length) throw new ConfigError(notify.problems);
  const dataConverter = dataConverterFromEnv(env);
  // Before any connection: the Runtime (JSON logs, metrics exporter) cannot be replaced later.
  if (!installRuntime(config.telemetry ?? DEFAULT_TELEMETRY) && config.telemetry?.metricsAddress) {
    throw new ConfigError([
      'WORKER_METRICS_ADDRESS: this process already has a Temporal Runtime (a worker or connection was made ' +
        'before runWorkerFromEnv), so metrics cannot be served: start the worker in a process of its own',
    ]);
  }
  const tracing = startTracingFromEnv(env);
  // A prebuilt bundle lacks the codec's failure converter and the tracing interceptors: such workers bundle at start.
  const workflowBundle = dataConverter || tracing ? undefined : workflowBundleFromEnv(env);
  const workerOptions = { maxCachedWorkflows: maxCachedWorkflowsFromEnv(env) };
  const built = await buildWorker({
    config,
    dataConverter,
    notify: notify.config,
    tracing,
    workflowBundle,
    workerOptions,
  });
  const telemetry = startWorkerTelemetry(config, built.connection, dataConverter);
  const payloads = dataConverter ? 'payloads encrypted' : 'payloads in clear (set ATLAS_BACKUP_CODEC_KEYS to encrypt)';
  const temporal = `${config.temporal.address} (namespace ${config.temporal.namespace})`;
  const atlas = `${config.atlas.baseUrl} (${config.atlas.auth.kind} auth)`;
  console.log(`atlas-backup worker: task queue '${config.taskQueue}' on ${temporal}, Atlas at ${atlas}, ${payloads}`);
  if (tracing) console.log(`atlas-backup worker: traces to ${tracing.endpoint} (OTLP/HTTP)`);
  const bundle = workflowBundle && 'codePath' in workflowBundle ? workflowBundle.codePath : 'bundled at start';
  console.log(`atlas-backup worker: workflows ${bundle}, cache ${workerOptions.maxCachedWorkflows} runs`);
  try {
    await built.worker.run();
  } finally {
    telemetry.stop();
    await built.close();
    await tracing?.shutdown();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWorkerFromEnv().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `atlas-backup worker stopped: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
