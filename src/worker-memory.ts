// The worker's memory knobs: a workflow bundle built ahead of time instead of webpack bundling
// inside every worker at start (which costs RSS for the worker's whole life), and a bounded workflow cache
// (cached runs are live state; evicted ones replay their history when they wake up).
//
//   ATLAS_BACKUP_WORKFLOW_BUNDLE   path of a bundle (bundleWorkflowCode output) to load; "none" bundles
//                                  at start. Default: dist/workflow-bundle.js when running from dist/
//                                  (`npm run build` writes it), else bundle at start.
//   WORKER_MAX_CACHED_WORKFLOWS    runs kept in the sticky cache (default 120).
//   NODE_OPTIONS=--max-old-space-size=<MB>  caps the V8 heap so garbage is collected before RSS grows;
//                                  see docs/operations/deployment.md, "Worker memory".
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkerOptions } from '@temporalio/worker';
import { ConfigError } from './config.js';

export const DEFAULT_MAX_CACHED_WORKFLOWS = 120;

/** dist/workflow-bundle.js beside the built worker; never used from src/ (tests bundle fresh code). */
export const prebuiltBundlePath = import.meta.url.endsWith('.ts')
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
