// How long the same cluster's last snapshot and restore took, learned from Temporal itself: the newest
// completed backupPipeline runs of the cluster (visibility, by the AtlasProject/AtlasCluster search
// attributes) and their histories' event times and activity names — no payload is decoded, so it
// works with encrypted payloads, and it costs no Atlas request. A job's duration is taken from its
// create completing to its wait completing: that is what the waiting step measures too (the wait
// starts right after the create), and it overstates the job by the earlier run's detection delay.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** The waits whose duration is learned, each with the create that starts its job. */
export const LEARNED_STEPS = {
  awaitSnapshot: 'takeSnapshot',
  awaitRestore: 'startRestore',
} as const;
export type LearnedStep = keyof typeof LEARNED_STEPS;

/** How many of the newest completed runs to look through for one that ran the step. */
const RUNS_LOOKED_AT = 3;

const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const completedRunsQuery = (groupId: string, clusterName: string) =>
  "WorkflowType = 'backupPipeline' AND ExecutionStatus = 'Completed' AND " +
  `AtlasProject = ${quote(groupId)} AND AtlasCluster = ${quote(clusterName)}`;

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const msOf = (t: HistoryEvent['eventTime']) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined;

/**
 * The step's duration in one history: its create's completion to its wait's completion (the last
 * such pair, should a run have two), undefined when the run did not complete both.
 */
export function stepDurationMs(events: HistoryEvent[], step: LearnedStep): number | undefined {
  const typeOf = new Map<string, string>();
  let createdAt: number | undefined;
  let duration: number | undefined;
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name) typeOf.set(String(e.eventId), scheduled.activityType.name);
    const completed = e.activityTaskCompletedEventAttributes;
    if (!completed) continue;
    const type = typeOf.get(String(completed.scheduledEventId));
    const at = msOf(e.eventTime);
    if (type === LEARNED_STEPS[step]) createdAt = at;
    else if (type === step && createdAt !== undefined && at !== undefined && at > createdAt) duration = at - createdAt;
  }
  return duration;
}

/**
 * The step's duration in the newest completed run of the cluster that ran it, if any. Never fails
 * the caller: without visibility (search attributes not registered) there is simply no expectation.
 */
export async function learnedDurationMs(
  client: Client,
  groupId: string,
  clusterName: string,
  step: LearnedStep,
): Promise<number | undefined> {
  let looked = 0;
  const query = completedRunsQuery(groupId, clusterName);
  for await (const run of client.workflow.list({ query, pageSize: RUNS_LOOKED_AT })) {
    const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
    const ms = stepDurationMs(history.events ?? [], step);
    if (ms !== undefined) return ms;
    if (++looked >= RUNS_LOOKED_AT) break;
  }
  return undefined;
}
