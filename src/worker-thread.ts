// Where the worker runs. A process started without V8 heap flags gets heap limits sized from the
// machine's memory for its main thread, too late to change once code runs; so such a worker runs in
// a worker thread started with WORKER_THREAD_LIMITS (bin/worker-thread.js, plain JavaScript that
// bin/atlas-backup.js uses too). Started here (`node src/worker.ts`, library callers), the main
// thread checks the configuration first, then relays SIGINT/SIGTERM (threads get no process signals)
// and reports how the thread ended; started by the bin, the thread runs the CLI, which checks it.
// With heap flags of its own (the Docker image sets NODE_OPTIONS) the worker runs in-process.
// This module stays light: the main thread never loads the Temporal worker when it runs a thread.
import type { ResourceLimits } from 'node:worker_threads';
import {
  ownThreadLimits,
  runInThread,
  shutdownRequested,
  threadEntry,
  workerThreadLimits,
} from '../bin/worker-thread.js';
import { codecKeysFromEnv } from './codec/keys.js';
import { ConfigError, loadWorkerConfig, processEnv, type WorkerConfig } from './config.js';
import { notifyConfigFromEnv, type NotifyWorkerConfig } from './notify/config.js';
import { tracesUrl } from './telemetry/otel-env.js';
import { bundlesAtStart, maxCachedWorkflowsFromEnv, runsFromSource, workflowBundleFromEnv } from './worker-memory.js';

/** What the thread posts when the worker stopped with an error (a ConfigError carries its problems). */
export interface ThreadFailure {
  failed: { message: string; problems?: string[] };
}

/** `atlas-backup worker` and `node src/worker.ts`: configuration from the environment only. */
export async function runWorkerFromEnv(env: NodeJS.ProcessEnv = processEnv()): Promise<void> {
  // In the worker's thread (bin/atlas-backup.js started it, or the branch below): run here until
  // the main thread relays a shutdown signal.
  const own = ownThreadLimits();
  if (own) {
    const { runWorkerInProcess } = await import('./worker.js');
    return runWorkerInProcess(env, { stop: shutdownRequested(), threadLimits: own });
  }
  checkWorkerEnv(env);
  const limits = workerThreadLimits(env);
  if (limits) return runEntryInThread(env, limits);
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
function entryOfThread(): URL {
  const entry = new URL(`./worker-thread-entry.${runsFromSource ? 'ts' : 'js'}`, import.meta.url).href;
  return threadEntry(entry, runsFromSource ? { tsxApi: import.meta.resolve('tsx/esm/api') } : {});
}

/** Runs the worker in a thread with `limits` and resolves when it ended cleanly; rejects with its failure. */
async function runEntryInThread(env: NodeJS.ProcessEnv, limits: ResourceLimits): Promise<void> {
  let failure: Error | undefined;
  const code = await runInThread(entryOfThread(), {
    env,
    limits,
    onMessage: (m) => {
      const { message, problems } = (m as ThreadFailure).failed;
      failure = problems ? new ConfigError(problems) : new Error(message);
    },
  });
  if (failure) throw failure;
  if (code !== 0) throw new Error(`the worker thread exited with code ${code}`);
}
