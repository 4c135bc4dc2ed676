// How long the same cluster's last snapshot and restore took, learned from Temporal itself: the newest
// completed backupPipeline runs of the cluster (visibility, by the AtlasProject/AtlasCluster search
// attributes) and their histories' event times and activity names — no payload is decoded, so it
// works with encrypted payloads, and it costs no Atlas request. A job's duration is taken from its
// wait being scheduled (right after the create answered) to the start of the wait's last attempt
// (the read that saw it finished): the wait measures its own elapsed time from the same scheduling,
// so a read landing on the expectation repeats that read's moment instead of adding the create's and
// the read's own latency run after run. It overstates the job by the earlier run's detection delay.
import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { completedRunsQuery } from './query.js';

/** The waits whose duration is learned. */
export type LearnedStep = 'awaitSnapshot' | 'awaitRestore';

/** How many of the newest completed runs to look through for one that ran the step. */
const RUNS_LOOKED_AT = 3;

export { completedRunsQuery } from './query.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

const msOf = (t: HistoryEvent['eventTime']) =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined;

/**
 * The step's duration in one history: its wait's scheduling to the start of its last attempt (the
 * last such wait, should a run have two), undefined when the run's wait did not complete.
 */
export function stepDurationMs(events: HistoryEvent[], step: LearnedStep): number | undefined {
  const scheduledAt = new Map<string, number | undefined>();
  const startedAt = new Map<string, number | undefined>();
  let duration: number | undefined;
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes?.activityType?.name === step)
      scheduledAt.set(String(e.eventId), msOf(e.eventTime));
    const started = e.activityTaskStartedEventAttributes;
    if (started) startedAt.set(String(started.scheduledEventId), msOf(e.eventTime));
    const id = String(e.activityTaskCompletedEventAttributes?.scheduledEventId);
    const [from, to] = [scheduledAt.get(id), startedAt.get(id)];
    if (from !== undefined && to !== undefined && to > from) duration = to - from;
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
