// The worker's side of pacing by Atlas's buckets: a BucketPacer on the worker's own Atlas client and
// task queue, and an activity interceptor that makes sure a project's buckets are known (learned
// once, then refreshed in the background) before the first Atlas activity of that project runs.
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { AtlasClient } from './atlas/index.js';
import { BucketPacer } from './client/bucket-pace.js';
import type { WorkerConfig } from './config.js';

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

type Interceptors = NonNullable<WorkerOptions['interceptors']>;

export function paceInterceptors(pacer: BucketPacer, given?: Interceptors): Interceptors {
  return {
    ...given,
    activity: [
      (ctx) => ({
        inbound: {
          execute: async (input, next) => {
            if (!ctx.info.isLocal) await Promise.all(projectsOf(input.args[0]).map((g) => pacer.ensure(g)));
            return next(input);
          },
        },
      }),
      ...(given?.activity ?? []),
    ],
  };
}
