// Disaster-recovery activities: pick the snapshot to restore (a given one, or the newest completed
// one by listing), confirm a point-in-time source exists, and verify the target is back to IDLE.
// Restores themselves are restores.ts; every kind-specific call goes through the SOURCES table.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AtlasClient } from '../atlas/index.js';
import type {
  DescribeSourceInput,
  SelectedSnapshot,
  SelectSnapshotInput,
  SourceDescription,
  SourceRef,
  VerifiedTarget,
  VerifyTargetInput,
} from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import { pollOnce } from './core.js';
import { terminalFailure } from './failures.js';
import { SOURCES, type Candidate } from './sources.js';

/** The newest completed candidate; ties and missing timestamps fall back to list order (newest first). */
export function newestCompleted(candidates: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!c.completed) continue;
    if (!best || (c.timestamp && best.timestamp && Date.parse(c.timestamp) > Date.parse(best.timestamp))) best = c;
  }
  return best;
}

/** What to do when a source has no completed snapshot: only dedicated clusters take on-demand ones. */
const NO_SNAPSHOT_ADVICE: Record<SourceRef['kind'], string> = {
  dedicated: 'Take an on-demand snapshot and wait for it, or restore a point in time, then run again.',
  serverless:
    'Serverless instances have no on-demand snapshots and no point-in-time restore: ' +
    'wait for the next scheduled snapshot, then run again.',
  flex:
    'Flex clusters have no on-demand snapshots and no point-in-time restore: ' +
    'wait for the next daily snapshot Atlas takes, then run again.',
};

const where = (src: SourceRef) => `${src.kind} cluster '${src.clusterName}' in project ${src.groupId}`;

/**
 * One of the completed candidates taken within `withinDays` of `now`, picked by `draw` in [0, 1):
 * the same list and draw give the same snapshot on every attempt.
 */
export function randomRecent(
  candidates: Candidate[],
  random: { withinDays: number; draw: number },
  now = Date.now(),
): Candidate | undefined {
  const from = now - random.withinDays * 86_400_000;
  const recent = candidates
    .filter((c) => c.completed && c.timestamp && Date.parse(c.timestamp) >= from)
    .sort((a, b) => Date.parse(a.timestamp!) - Date.parse(b.timestamp!) || a.id.localeCompare(b.id));
  return recent[Math.min(recent.length - 1, Math.floor(random.draw * recent.length))];
}

/** A given snapshot must be completed; else the newest completed one of the list (or a random recent one). */
function choose(
  source: SourceRef,
  candidates: Candidate[],
  snapshotId?: string,
  random?: { withinDays: number; draw: number },
): { chosen: Candidate; count: number } {
  if (snapshotId) {
    const snap = candidates[0]!;
    if (snap.completed) return { chosen: snap, count: 1 };
    const message =
      `Snapshot ${snapshotId} of ${where(source)} is ${snap.status}, not completed: ` +
      'only a completed snapshot can be restored. ' +
      'Pick a completed snapshot (or what.latest), or wait for this one and run again.';
    throw terminalFailure('SnapshotNotCompleted', message, {
      resource: 'snapshot',
      id: snapshotId,
      state: snap.status,
    });
  }
  const best = random ? randomRecent(candidates, random) : newestCompleted(candidates);
  if (best) return { chosen: best, count: candidates.filter((c) => c.completed).length };
  const within = random ? ` taken within the last ${random.withinDays} days` : '';
  const none = candidates.some((c) => c.completed) ? `none${within}` : 'none completed';
  const message =
    `No completed snapshot of ${where(source)}${within} to restore (${candidates.length} listed, ${none}). ` +
    NO_SNAPSHOT_ADVICE[source.kind];
  throw terminalFailure('NoCompletedSnapshot', message, {
    resource: 'snapshot',
    listed: candidates.length,
    states: candidates.map((c) => c.status),
  });
}

export function drActivities(client: AtlasClient) {
  return {
    async selectDrSnapshot(input: SelectSnapshotInput): Promise<SelectedSnapshot> {
      const { source, snapshotId, random } = input;
      const calls = new AttemptCalls(client, source);
      let sharded = false;
      if (source.kind === 'dedicated') {
        const cluster = await calls.call('getCluster', {
          path: { groupId: source.groupId, clusterName: source.clusterName },
        });
        sharded = (cluster.clusterType ?? 'REPLICASET') !== 'REPLICASET';
      }
      const { chosen, count } = choose(
        source,
        await SOURCES[source.kind].snapshots(calls, source, sharded, snapshotId),
        snapshotId,
        random,
      );
      return {
        snapshotId: chosen.id,
        snapshotTimestamp: chosen.timestamp,
        snapshotType: chosen.snapshotType,
        sharded,
        candidates: count,
        requests: calls.requests,
        attempts: Context.current().info.attempt,
      };
    },

    /** A point-in-time restore has no snapshot to check: confirm the source cluster exists instead. */
    async describeDrSource(input: DescribeSourceInput): Promise<SourceDescription> {
      const { groupId, clusterName } = input.source;
      const calls = new AttemptCalls(client, input.source);
      const c = await calls.call('getCluster', { path: { groupId, clusterName } });
      return {
        clusterType: c.clusterType ?? 'REPLICASET',
        stateName: c.stateName,
        requests: calls.requests,
        attempts: Context.current().info.attempt,
      };
    },

    /** One getCluster per attempt; anything but IDLE is "not finished yet" (retry-as-poll). */
    async verifyTargetIdle(input: VerifyTargetInput): Promise<VerifiedTarget> {
      const { groupId, clusterName, restoreJobId } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      let via: VerifiedTarget['via'] = 'getCluster';
      let connectionString: string | undefined;
      const polled = await pollOnce(
        'cluster',
        clusterName,
        `target cluster '${clusterName}' in project ${groupId} after restore job ${restoreJobId}`,
        {},
        async () => {
          try {
            const cluster = await calls.call('getCluster', { path: { groupId, clusterName } });
            const state = cluster.stateName ?? 'UNKNOWN';
            connectionString = cluster.connectionStrings?.standard;
            return state === 'IDLE' ? { state, done: { facts: {} } } : { state };
          } catch (err) {
            // Flex targets have no getCluster; their restore job reaching COMPLETED is the check.
            if (!(err instanceof ApplicationFailure && err.type === 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API'))
              throw err;
            via = 'flexRestoreJob';
            return { state: 'COMPLETED', done: { facts: {} } };
          }
        },
      );
      return {
        stateName: polled.state,
        via,
        ...(connectionString ? { connectionString } : {}),
        attempts: polled.attempts,
      };
    },
  };
}
