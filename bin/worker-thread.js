// The worker thread a worker started without V8 heap flags runs in (docs/operations/deployment.md,
// "Worker memory"). A process's main isolate is sized from the machine's memory before any code runs;
// a worker thread's heap limits are set when it starts. Plain JavaScript, so that bin/atlas-backup.js
// can hand `atlas-backup worker` to a thread without loading TypeScript (tsx and its loader thread)
// or the CLI in the process's main thread, which then only relays signals; src/worker-thread.ts
// starts its thread (`node src/worker.ts`, library callers) with the same code. Types: worker-thread.d.ts.
import { constants } from 'node:os';
import { parentPort, Worker as Thread, workerData } from 'node:worker_threads';

/**
 * The worker thread's heap. The old space holds the activities' state, the connection and the Atlas
 * client; at the worker's design load they use well under half of 256 MB, which leaves the collector
 * room to work without full collections back to back. The young generation is three semi-spaces:
 * 12 MB gives 4 MB ones, the Docker image's --max-semi-space-size, instead of V8's 16 MB (short-lived
 * garbage is collected sooner, by more and cheaper scavenges). At the limit V8 first collects
 * everything it can; if the live data still does not fit, Node stops the thread
 * (ERR_WORKER_OUT_OF_MEMORY) and the worker exits 1 naming the limit: Temporal hands its runs' tasks
 * to other workers (or to this one once restarted), nothing is lost.
 */
export const WORKER_THREAD_LIMITS = Object.freeze({ maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 12 });

/** What the main thread posts to have the worker shut down gracefully. */
const SHUTDOWN = 'shutdown';

/** The signals the SDK's Runtime shuts a worker down on; the main thread relays them to the thread. */
const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'];

/** The key of workerData that marks the worker's thread and carries its limits. */
const MARK = 'atlasBackupWorkerThread';

/** Whether the process was started with V8 heap flags (command line or NODE_OPTIONS). */
function heapFlagsGiven(env, execArgv) {
  const given = [...execArgv, env.NODE_OPTIONS ?? ''].join(' ');
  return /--max-old-space-size|--max-semi-space-size/.test(given);
}

/** The limits of the worker thread to run the worker in; undefined: run it in this thread (heap flags given). */
export function workerThreadLimits(env, execArgv = process.execArgv) {
  return heapFlagsGiven(env, execArgv) ? undefined : WORKER_THREAD_LIMITS;
}

/** In the worker's thread (started by runInThread): its heap limits; elsewhere undefined. */
export function ownThreadLimits() {
  return workerData?.[MARK]?.limits;
}

/**
 * The global options of `atlas-backup` that take no value (src/cli/program.ts); every other one takes
 * one. test/cli/worker-start.test.ts checks this list against the CLI's.
 */
export const GLOBAL_SWITCHES = ['-v', '--verbose', '-V', '--version', '-h', '--help'];

/** The command `args` (process.argv after the script) names: the first word that is no option or option value. */
export function commandOf(args) {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') return args[i + 1];
    if (!arg.startsWith('-')) return arg;
    if (!arg.includes('=') && !GLOBAL_SWITCHES.includes(arg)) i++;
  }
  return undefined;
}

/**
 * The code a thread starts with: registers tsx first when `tsxApi` is given (module hooks are per
 * thread), then imports `module` and calls its export `call` (if any).
 */
export function threadEntry(module, { tsxApi, call } = {}) {
  const code = [];
  if (tsxApi) code.push(`import { register } from ${JSON.stringify(tsxApi)};`, 'register();');
  code.push(`const m = await import(${JSON.stringify(module)});`);
  if (call) code.push(`m[${JSON.stringify(call)}]();`);
  return new URL(`data:text/javascript,${encodeURIComponent(code.join('\n'))}`);
}

/** This process's Node options minus --input-type (for `node -e` code, refused with a file entry). */
function threadExecArgv(argv = process.execArgv) {
  const kept = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--input-type') i++;
    else if (!argv[i].startsWith('--input-type=')) kept.push(argv[i]);
  }
  return kept;
}

/**
 * Runs `entry` in a thread with `limits` and resolves with its exit code. The first shutdown signal
 * posts SHUTDOWN to the thread (the worker shuts down gracefully); a second one exits the process at
 * once with 128 + the signal's number. Rejects with the thread's uncaught error; running out of heap
 * names the limit and what to do. `onMessage` gets what the thread posts.
 */
export function runInThread(entry, { env, limits, argv, onMessage }) {
  const thread = new Thread(entry, {
    // A thread's environment turns an undefined value into the string "undefined": only the variables set.
    env: Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)),
    execArgv: threadExecArgv(),
    resourceLimits: limits,
    workerData: { [MARK]: { limits } },
    ...(argv ? { argv } : {}),
  });
  let asked = false;
  const onSignal = (signal) => {
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
  if (onMessage) thread.on('message', onMessage);
  let failure;
  thread.on('error', (err) => {
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
      else resolve(code);
    });
  });
}

/** In the worker's thread: settles once the main thread relays a shutdown signal. */
export function shutdownRequested() {
  return new Promise((resolve) => parentPort?.on('message', (m) => m === SHUTDOWN && resolve()));
}
