// The worker's side of pacing by Atlas's buckets: a BucketPacer on the worker's own Atlas client and
// task queue; a workflow sink through which a run announces the projects it is about to schedule
// paced activities of, so their buckets are learned (once, then refreshed in the background) before
// the server dispatches the first of them; and an activity interceptor that makes sure of it again
// before a project's Atlas activity runs.
import type { ActivityInterceptorsFactory, InjectedSinks, NativeConnection } from '@temporalio/worker';
import type { AtlasClient } from './atlas/index.js';
import { BucketPacer } from './client/bucket-pace.js';
import type { WorkerConfig } from './config.js';
import type { PacingSinks } from './contract/index.js';

export async function startPacer(
  config: WorkerConfig,
  connection: NativeConnection,
  atlas: AtlasClient,
): Promise<BucketPacer | undefined> {
  if (!config.pacing) return undefined;
  const pacer = new BucketPacer({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    atlas,
    ...config.pacing,
    log: (line) => console.error(`atlas-backup worker: ${line}`),
  });
  // A server without task-queue config, or one this worker may not configure, leaves runs unpaced
  // (429s are still retried after Retry-After): the worker runs on and says why.
  try {
    const learning = await pacer.start();
    console.error(
      learning
        ? `atlas-backup worker: pacing each project by Atlas's buckets (listRateLimits), ` +
            `${Math.round(config.pacing.headroom * 100)}% headroom left to other clients`
        : "atlas-backup worker: the operator's per-project pace is in force (setup --project-requests-per-minute)",
    );
    return pacer;
  } catch (err) {
    console.error(`atlas-backup worker: pacing by Atlas's limits is off: ${(err as Error).message}`);
    return undefined;
  }
}

/** The projects an activity input names: its own, and a restore's target. */
export function projectsOf(input: unknown): string[] {
  if (!input || typeof input !== 'object') return [];
  const o = input as { groupId?: unknown; targetGroupId?: unknown; target?: { groupId?: unknown } };
  return [o.groupId, o.targetGroupId, o.target?.groupId].filter((g): g is string => typeof g === 'string');
}

/**
 * The activity interceptor that holds a project's first activity until its buckets are known: the
 * fallback for tasks the server handed out before the workflow announced their project (a run
 * scheduled by another worker, or resumed from history on this one).
 */
export function paceInterceptor(pacer: BucketPacer): ActivityInterceptorsFactory {
  return (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        if (!ctx.info.isLocal) await Promise.all(projectsOf(input.args[0]).map((g) => pacer.ensure(g)));
        return next(input);
      },
    },
  });
}

/**
 * How long a workflow task waits for its project's buckets to be learned: well inside the task's
 * 10 s timeout. Past it the task completes anyway, and the activity interceptor holds the project's
 * first activities until the buckets are known.
 */
export const LEARN_WAIT_MS = 5_000;

/**
 * The workflows' pacing sink (contract PacingSinks): a workflow about to schedule a project's paced
 * activities waits, in its workflow task, until this worker has learned the project's buckets and
 * written its keys' weights, so the server paces the project's first tasks by its own buckets rather
 * than the default. The SDK completes a workflow task only once its sink calls have returned. Without
 * a pacer (ATLAS_PACE=off, or a server without task-queue config) it does nothing.
 */
export function paceSinks(pacer?: BucketPacer): InjectedSinks<PacingSinks> {
  return {
    atlasPacing: {
      project: {
        fn: async (_info, groupId) => {
          if (!pacer) return;
          let timer: NodeJS.Timeout | undefined;
          const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, LEARN_WAIT_MS)));
          await Promise.race([pacer.ensure(groupId), waited]).finally(() => clearTimeout(timer));
        },
        callDuringReplay: false,
      },
    },
  };
}
