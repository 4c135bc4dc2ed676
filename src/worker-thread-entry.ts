// The worker thread's entry when src/worker-thread.ts starts the thread (`node src/worker.ts`, library
// callers of runWorkerFromEnv): runs the worker in this thread until the main thread relays a
// shutdown signal, then exits with the worker's outcome. A failure is posted to the main thread, which
// reports it exactly as an in-process worker would. (bin/atlas-backup.js runs the CLI in its thread.)
import { parentPort } from 'node:worker_threads';
import { ConfigError, processEnv } from './config.js';
import { runWorkerFromEnv, type ThreadFailure } from './worker-thread.js';

const port = parentPort;
if (!port) throw new Error('src/worker-thread-entry is the worker thread of runWorkerFromEnv, not a program');
try {
  await runWorkerFromEnv(processEnv());
  // Ends this thread only; what the worker left open (the message port, pools) must not keep it alive.
  process.exit(0);
} catch (err) {
  const failure: ThreadFailure = {
    failed: {
      message: err instanceof Error ? err.message : String(err),
      ...(err instanceof ConfigError ? { problems: err.problems } : {}),
    },
  };
  port.postMessage(failure);
  process.exit(1);
}
