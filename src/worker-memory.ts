// The worker's memory knobs: a workflow bundle built ahead of time instead of webpack bundling
// inside every worker at start (which costs RSS for the worker's whole life), and a bounded workflow cache
// (cached runs are live state; evicted ones replay their history when they wake up).
//
//   ATLAS_BACKUP_WORKFLOW_BUNDLE   path of a bundle (bundleWorkflowCode output) to load; "none" bundles
//                                  at start. Default: dist/workflow-bundle.js when running from dist/
//                                  (`npm run build` writes it); from a checkout's src/, a bundle made in
//                                  a child process once per code change (checkoutBundle).
//   WORKER_MAX_CACHED_WORKFLOWS    runs kept in the sticky cache (default 1000).
//   NODE_OPTIONS=--max-old-space-size=<MB>  caps the V8 heap so garbage is collected before RSS grows;
//                                  see docs/operations/deployment.md, "Worker memory". Without such
//                                  flags the worker runs in a worker thread with WORKER_THREAD_LIMITS and
//                                  the workflow threads get the Docker image's limits (capWorkflowThreadHeaps).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { WORKER_THREAD_LIMITS, workerThreadLimits } from '../bin/worker-thread.js';
import { ConfigError } from './config.js';

/**
 * A worker holds as many runs as it serves at once: an evicted run replays its whole history, in a
 * fresh activation, every time it wakes. With the workflow modules preloaded (WORKFLOW_BUNDLER_OPTIONS)
 * a cached pipeline run holds about 52 KB of the workflow thread's heap, so a thousand fit well
 * inside the thread's 160 MB cap.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

/** This worker runs from a checkout's src/ (under tsx), not from dist/. */
export const runsFromSource = import.meta.url.endsWith('.ts');

/** dist/workflow-bundle.js beside the built worker; never used from src/ (tests bundle fresh code). */
export const prebuiltBundlePath = runsFromSource
  ? undefined
  : fileURLToPath(new URL('./workflow-bundle.js', import.meta.url));

/** The workflow bundle to load, or undefined to bundle workflowsPath at start. */
export function workflowBundleFromEnv(env: NodeJS.ProcessEnv): WorkerOptions['workflowBundle'] {
  const given = env.ATLAS_BACKUP_WORKFLOW_BUNDLE?.trim();
  if (given === 'none') return undefined;
  if (given) {
    if (!existsSync(given))
      throw new ConfigError([
        'ATLAS_BACKUP_WORKFLOW_BUNDLE: no such file; build one with `npm run build` or set it to "none"',
      ]);
    return { codePath: given };
  }
  return prebuiltBundlePath && existsSync(prebuiltBundlePath) ? { codePath: prebuiltBundlePath } : undefined;
}

export function maxCachedWorkflowsFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.WORKER_MAX_CACHED_WORKFLOWS?.trim();
  if (!raw) return DEFAULT_MAX_CACHED_WORKFLOWS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000)
    throw new ConfigError(['WORKER_MAX_CACHED_WORKFLOWS: must be a whole number from 1 to 100000']);
  return n;
}

/** Whether the worker should bundle in-process at start: only when ATLAS_BACKUP_WORKFLOW_BUNDLE says "none". */
export const bundlesAtStart = (env: NodeJS.ProcessEnv) => env.ATLAS_BACKUP_WORKFLOW_BUNDLE?.trim() === 'none';

const root = new URL('../', import.meta.url);

/**
 * From a checkout (src/ under tsx): the workflows bundled by scripts/bundle-workflows.mjs in a child
 * process into node_modules/.cache/atlas-backup/, named by a hash of the workflow code, the lockfile
 * and `recipe` (the bundler options: another preload is another bundle), so the next start with the
 * same code loads it at once. Webpack's heap, which a worker bundling in its own process keeps as RSS
 * for its whole life, leaves with the child.
 */
export async function checkoutBundle(
  codeDirs: string[],
  cacheDir = fileURLToPath(new URL('node_modules/.cache/atlas-backup/', root)),
  recipe = '',
): Promise<{ codePath: string }> {
  // Loaded here: the process that only starts the worker thread never needs its protobuf modules.
  const { workflowCodeHash } = await import('./worker-deployment.js');
  const lock = join(fileURLToPath(root), 'package-lock.json');
  const hash = createHash('sha256').update(recipe);
  if (existsSync(lock)) hash.update(readFileSync(lock));
  const deps = hash.digest('hex').slice(0, 8);
  const codePath = join(cacheDir, `workflow-bundle-${workflowCodeHash(codeDirs)}-${deps}.js`);
  if (existsSync(codePath)) return { codePath };
  mkdirSync(cacheDir, { recursive: true });
  const script = fileURLToPath(new URL('scripts/bundle-workflows.mjs', root));
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--src', codePath], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0 || !existsSync(codePath))
    throw new Error(
      `bundling the workflows failed (exit ${code}); ATLAS_BACKUP_WORKFLOW_BUNDLE=none bundles in-process:\n${stderr}`,
    );
  return { codePath };
}

/** The V8 limits the Docker image gives every isolate (NODE_OPTIONS in the Dockerfile). */
export const WORKFLOW_THREAD_V8_FLAGS = ['--max-old-space-size=160', '--max-semi-space-size=4'];

/**
 * Gives the workflow threads, which hold the cached runs, the Docker image's heap limits when the
 * process was started without heap flags of its own: V8 reads its flags when an isolate is made, so
 * flags set now apply to the threads the worker starts later (this process's own heap is already
 * sized). Without a cap, V8 sizes a heap from the machine's memory and lets garbage pile up as RSS.
 * Returns whether it set them.
 */
export function capWorkflowThreadHeaps(env: NodeJS.ProcessEnv, execArgv: string[] = process.execArgv): boolean {
  const flags = workflowThreadHeapFlags(env, execArgv);
  for (const flag of flags) setFlagsFromString(flag);
  return flags.length > 0;
}

/** The flags capWorkflowThreadHeaps sets: none when the process was given heap flags of its own. */
export function workflowThreadHeapFlags(env: NodeJS.ProcessEnv, execArgv: string[]): string[] {
  return workerThreadLimits(env, execArgv) ? WORKFLOW_THREAD_V8_FLAGS : [];
}

// The worker thread's limits and the heap-flag check live in plain JavaScript, which the bin's main
// thread loads without TypeScript (bin/worker-thread.js); the Docker image's flags are set with
// NODE_OPTIONS, so its workers run in-process.
export { WORKER_THREAD_LIMITS, workerThreadLimits };
