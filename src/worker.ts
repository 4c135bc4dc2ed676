// The worker: builds the Atlas client from config (credentials stay in this process), registers
// the activities and workflows, and runs until SIGINT/SIGTERM (the SDK drains in-flight tasks).
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isMainThread, type ResourceLimits } from 'node:worker_threads';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { AtlasClient } from './atlas/index.js';
import { createActivities } from './activities/index.js';
import { SleepAwareSlots } from './activities/sleep-slots.js';
import { dataConverterFromEnv } from './codec/index.js';
import { ConfigError, type WorkerConfig } from './config.js';
import { atlasObserver, DEFAULT_TELEMETRY, installRuntime, startWorkerTelemetry } from './telemetry/index.js';
import type { NotifyWorkerConfig } from './notify/config.js';
import type { Tracing } from './telemetry/tracing.js';
import { tracesUrl } from './telemetry/otel-env.js';
import { connectionOptions } from './temporal-connection.js';
import {
  bundlesAtStart,
  capWorkflowThreadHeaps,
  checkoutBundle,
  runsFromSource,
  maxCachedWorkflowsFromEnv,
  workflowBundleFromEnv,
  WORKFLOW_THREAD_V8_FLAGS,
} from './worker-memory.js';
import { becomeCurrentIfNone, defaultBuildId, deploymentOptions } from './worker-deployment.js';
import { paceInterceptor, paceSinks, startPacer } from './worker-pace.js';
import type { BucketPacer } from './client/bucket-pace.js';
import { checkWorkerEnv, runWorkerFromEnv } from './worker-thread.js';

// package.json sits one level up from both src/worker.ts and dist/worker.js.
const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The workflow bundle's entry point, next to this file (.ts under tsx, .js when built). */
export const workflowsPath = fileURLToPath(
  new URL(`./workflows/index${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/**
 * How every workflow bundle is made (worker start, `npm run build`, tests, benches): the workflows,
 * and with them the contract and zod, are preloaded once per workflow context and shared by all its
 * runs, instead of evaluated again for every run (a cached run then holds only its own state). The
 * SDK deep-freezes a preloaded module's exports, which is why the contract exports its schemas as
 * functions (src/contract/shared.ts) and no workflow module keeps a run's data at module level.
 */
export const WORKFLOW_BUNDLER_OPTIONS = { preloadModules: [workflowsPath] };

/** The build id of this code: the package version and a hash of the workflow code (workflows and contract). */
const workflowCodeDirs = [dirname(workflowsPath), fileURLToPath(new URL('./contract', import.meta.url))];
export const codeBuildId = () => defaultBuildId(version, workflowCodeDirs);

/** The deployment a configured worker joins, with its build id (given, else computed from the code). */
export function deploymentOf(config: WorkerConfig): { deploymentName: string; buildId: string } | undefined {
  if (!config.deployment) return undefined;
  return { deploymentName: config.deployment.name, buildId: config.deployment.buildId ?? codeBuildId() };
}

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
  let pacer: BucketPacer | undefined;
  const atlas = new AtlasClient({
    baseUrl: config.atlas.baseUrl,
    auth: config.atlas.auth,
    headersTimeoutMs: config.atlas.timeoutMs,
    bodyTimeoutMs: config.atlas.timeoutMs,
    // Request metrics and logs only for a worker configured for telemetry (runWorkerFromEnv).
    ...(config.telemetry ? { observer: atlasObserver() } : {}),
    commitHorizonMs: config.atlas.commitHorizonMs,
    onRateLimit: (seen) => pacer?.noteRateLimit(seen),
  });
  const connection = options.connection ?? (await NativeConnection.connect(connectionOptions(config.temporal)));
  if (config.pacing) pacer = await startPacer(config, connection, atlas);
  const given = options.workerOptions?.interceptors;
  const deployment = deploymentOf(config);
  const slots = new SleepAwareSlots(config.maxConcurrentActivities);
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath, bundlerOptions: WORKFLOW_BUNDLER_OPTIONS }),
    // A project Atlas reports unlimited needs no pacing. Without a pacer the operator's pace may hold: keys stay.
    activities: createActivities(atlas, options.notify, (groupId) => pacer?.unlimited(groupId) ?? false),
    // The SDK's fixed defaults, except activities: a wait sleeping before its first read holds no working slot.
    tuner: {
      workflowTaskSlotSupplier: { type: 'fixed-size', numSlots: 40 },
      activityTaskSlotSupplier: slots.supplier(),
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
    },
    ...(deployment && { workerDeploymentOptions: deploymentOptions(deployment.deploymentName, deployment.buildId) }),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : {}),
    ...(options.tracing ? { plugins: [options.tracing.plugin] } : {}),
    ...options.workerOptions,
    // The slots' and pacer's interceptors beside any the caller gives (tests and benches add their own).
    interceptors: {
      ...given,
      activity: [slots.interceptor(), ...(pacer ? [paceInterceptor(pacer)] : []), ...(given?.activity ?? [])],
    },
    // Registered even without a pacer: the workflows call it either way.
    sinks: { ...options.workerOptions?.sinks, ...paceSinks(pacer) },
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

// Chooses between runWorkerInProcess and a worker thread with heap limits (src/worker-thread.ts).
export { runWorkerFromEnv };

export interface InProcessOptions {
  /** Shut down gracefully once this settles (a worker thread's stand-in for SIGINT/SIGTERM). */
  stop?: Promise<void>;
  /** The heap limits of the worker thread this runs in, for the start-up line. */
  threadLimits?: ResourceLimits;
}

/**
 * The worker in this thread, configured from the environment only (runWorkerFromEnv chooses between
 * this and a worker thread). Without `stop`, SIGINT/SIGTERM shut it down (the SDK's Runtime).
 */
export async function runWorkerInProcess(env: NodeJS.ProcessEnv, options: InProcessOptions = {}): Promise<void> {
  const { config, notify } = checkWorkerEnv(env);
  const dataConverter = dataConverterFromEnv(env);
  // Before any connection: the Runtime (JSON logs, metrics exporter) cannot be replaced later.
  if (!installRuntime(config.telemetry ?? DEFAULT_TELEMETRY) && config.telemetry?.metricsAddress) {
    throw new ConfigError([
      'WORKER_METRICS_ADDRESS: this process already has a Temporal Runtime (a worker or connection was made ' +
        'before runWorkerFromEnv), so metrics cannot be served: start the worker in a process of its own',
    ]);
  }
  // OpenTelemetry's SDK loads only when traces are exported (OTEL_EXPORTER_OTLP_*).
  const tracing = tracesUrl(env) ? (await import('./telemetry/tracing.js')).startTracingFromEnv(env) : undefined;
  // A prebuilt bundle lacks the codec's failure converter and the tracing interceptors: such workers bundle at start.
  const workflowBundle =
    dataConverter || tracing || bundlesAtStart(env)
      ? undefined
      : (workflowBundleFromEnv(env) ??
        (runsFromSource
          ? await checkoutBundle(workflowCodeDirs, undefined, JSON.stringify(WORKFLOW_BUNDLER_OPTIONS))
          : undefined));
  const workerOptions = { maxCachedWorkflows: maxCachedWorkflowsFromEnv(env) };
  const capped = capWorkflowThreadHeaps(env);
  const built = await buildWorker({
    config,
    dataConverter,
    notify,
    tracing,
    workflowBundle,
    workerOptions,
  });
  const telemetry = startWorkerTelemetry(config, built.connection, dataConverter, built.atlas);
  const payloads = dataConverter ? 'payloads encrypted' : 'payloads in clear (set ATLAS_BACKUP_CODEC_KEYS to encrypt)';
  const temporal = `${config.temporal.address} (namespace ${config.temporal.namespace})`;
  const atlas = `${config.atlas.baseUrl} (${config.atlas.auth.kind} auth)`;
  console.log(`atlas-backup worker: task queue '${config.taskQueue}' on ${temporal}, Atlas at ${atlas}, ${payloads}`);
  if (tracing) console.log(`atlas-backup worker: traces to ${tracing.endpoint} (OTLP/HTTP)`);
  const bundle = workflowBundle && 'codePath' in workflowBundle ? workflowBundle.codePath : 'bundled at start';
  const heap = capped ? `, workflow threads ${WORKFLOW_THREAD_V8_FLAGS.join(' ')}` : '';
  const limits = options.threadLimits;
  const thread = limits
    ? `, in a worker thread (heap: old space ${limits.maxOldGenerationSizeMb} MB, ` +
      `young ${limits.maxYoungGenerationSizeMb} MB)`
    : '';
  console.log(
    `atlas-backup worker: workflows ${bundle}, cache ${workerOptions.maxCachedWorkflows} runs${heap}${thread}`,
  );
  const deployment = deploymentOf(config);
  console.log(
    deployment
      ? `atlas-backup worker: Worker Deployment '${deployment.deploymentName}', build ${deployment.buildId}`
      : 'atlas-backup worker: unversioned (set --deployment-name to pin runs to the build that started them)',
  );
  try {
    const running = options.stop ? built.worker.runUntil(options.stop) : built.worker.run();
    if (deployment) void firstBuildBecomesCurrent(built, config, deployment);
    await running;
  } finally {
    telemetry.stop();
    await built.close();
    await tracing?.shutdown();
  }
}

/** A deployment's first build makes itself current; later builds wait for `atlas-backup deployment`. */
async function firstBuildBecomesCurrent(
  built: BuiltWorker,
  config: WorkerConfig,
  { deploymentName, buildId }: { deploymentName: string; buildId: string },
): Promise<void> {
  const target = {
    service: built.connection.workflowService,
    namespace: config.temporal.namespace,
    deploymentName,
    identity: `atlas-backup worker ${buildId}`,
  };
  const made = await becomeCurrentIfNone(target, buildId).catch((err: unknown) => {
    console.error(`atlas-backup worker: could not check the deployment's current build: ${(err as Error).message}`);
    return false;
  });
  if (made) console.log(`atlas-backup worker: build ${buildId} is current in '${deploymentName}' (its first build)`);
  else console.log(`atlas-backup worker: unless it is current already: atlas-backup deployment set-current ${buildId}`);
}

// Only in the main thread: the worker thread imports this module too, with the same process.argv.
if (isMainThread && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runWorkerFromEnv().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `atlas-backup worker stopped: ${(err as Error).message}`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  });
}
