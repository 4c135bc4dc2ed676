// Where the worker runs. A process started without V8 heap flags gets heap limits sized from the
// machine's memory for its main thread, too late to change once code runs; so such a worker runs in
// a worker thread started with WORKER_THREAD_LIMITS, and the main thread only checks the
// configuration, relays SIGINT/SIGTERM (threads get no process signals) and reports how the thread
// ended. With heap flags of its own (the Docker image sets NODE_OPTIONS) the worker runs in-process.
// This module stays light: the main thread never loads the Temporal worker when it runs a thread.
import { constants } from 'node:os';
import { Worker as Thread, type ResourceLimits } from 'node:worker_threads';
import { codecKeysFromEnv } from './codec/keys.js';
import { ConfigError, loadWorkerConfig, processEnv, type WorkerConfig } from './config.js';
import { notifyConfigFromEnv, type NotifyWorkerConfig } from './notify/config.js';
import { tracesUrl } from './telemetry/otel-env.js';
import {
  bundlesAtStart,
  maxCachedWorkflowsFromEnv,
  runsFromSource,
  workerThreadLimits,
  workflowBundleFromEnv,
} from './worker-memory.js';

/** What the thread posts when the worker stopped with an error (a ConfigError carries its problems). */
export interface ThreadFailure {
  failed: { message: string; problems?: string[] };
}

/** What the main thread posts to have the worker shut down gracefully. */
export const SHUTDOWN = 'shutdown';

/** The signals the SDK's Runtime shuts a worker down on; the main thread relays them to the thread. */
const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'];

/** `atlas-backup worker` and `node src/worker.ts`: configuration from the environment only. */
export async function runWorkerFromEnv(env: NodeJS.ProcessEnv = processEnv()): Promise<void> {
  checkWorkerEnv(env);
  const limits = workerThreadLimits(env);
  if (limits) return runInThread(env, limits);
  const { runWorkerInProcess } = await import('./worker.js');
  return runWorkerInProcess(env);
}

/**
 * Every configuration error runWorkerInProcess would meet before connecting, thrown the same way
 * (ConfigError naming each variable), so none is found only inside the thread. runWorkerInProcess
 * takes its worker and webhook configuration from here too.
 */
export function checkWorkerEnv(env: NodeJS.ProcessEnv): { config: WorkerConfig; notify: NotifyWorkerConfig } {
  const config = loadWorkerConfig(env);
  const notify = notifyConfigFromEnv(env);
  if (notify.problems.length) throw new ConfigError(notify.problems);
  const keys = codecKeysFromEnv(env);
  // The bundle setting is read only when the worker would load a bundle (as runWorkerInProcess does).
  if (!keys && !tracesUrl(env) && !bundlesAtStart(env)) workflowBundleFromEnv(env);
  maxCachedWorkflowsFromEnv(env);
  return { config, notify: notify.config };
}

/** The thread's entry module; from a checkout, tsx is registered in the thread first (hooks are per thread). */
function threadEntry(): URL {
  if (!runsFromSource) return new URL('./worker-thread-entry.js', import.meta.url);
  const entry = new URL('./worker-thread-entry.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = [
    `import { register } from ${JSON.stringify(tsx)};`,
    'register();',
    `await import(${JSON.stringify(entry)});`,
  ];
  return new URL(`data:text/javascript,${encodeURIComponent(code.join('\n'))}`);
}

/** This process's Node options minus --input-type (for `node -e` code, refused with a file entry). */
function threadExecArgv(argv: string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input-type') i++;
    else if (!argv[i]!.startsWith('--input-type=')) kept.push(argv[i]!);
  }
  return kept;
}

/**
 * Runs the worker in a thread with `limits` and resolves when it ended cleanly. The first shutdown
 * signal asks the thread to shut the worker down gracefully; a second one exits at once.
 */
function runInThread(env: NodeJS.ProcessEnv, limits: ResourceLimits): Promise<void> {
  const thread = new Thread(threadEntry(), {
    // A thread's environment turns an undefined value into the string "undefined": only the variables set.
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
    execArgv: threadExecArgv(),
    resourceLimits: limits,
    workerData: { limits },
  });
  let asked = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!asked) {
      asked = true;
      thread.postMessage(SHUTDOWN);
      return;
    }
    stopRelaying();
    process.exit(128 + (constants.signals[signal] ?? 0));
  };
  const stopRelaying = () => SHUTDOWN_SIGNALS.forEach((s) => process.off(s, onSignal));
  SHUTDOWN_SIGNALS.forEach((s) => process.on(s, onSignal));
  let failure: Error | undefined;
  thread.on('message', (m: ThreadFailure) => {
    const { message, problems } = m.failed;
    failure = problems ? new ConfigError(problems) : new Error(message);
  });
  thread.on('error', (err: Error & { code?: string }) => {
    failure =
      err.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new Error(
            `the worker thread ran out of heap (old space ${limits.maxOldGenerationSizeMb} MB): ${err.message}; ` +
              'start the worker with NODE_OPTIONS=--max-old-space-size=<MB> to run it in-process with a larger heap',
          )
        : err;
  });
  return new Promise((resolve, reject) => {
    thread.once('exit', (code) => {
      stopRelaying();
      if (failure) reject(failure);
      else if (code !== 0) reject(new Error(`the worker thread exited with code ${code}`));
      else resolve();
    });
  });
}
