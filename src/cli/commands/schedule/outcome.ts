// What a trigger or backfill did: Temporal takes manual actions asynchronously and answers the request
// before deciding, so this compares the schedule's counters (actions taken, skipped by the overlap
// policy) before and after, polling describe() until they account for every requested action (bounded).
import type { ScheduleDescription, ScheduleHandle } from '@temporalio/client';
import { formatDuration } from './cron.js';

export interface Outcome {
  /** Workflow ids the request started. */
  started: string[];
  /** Actions the overlap policy skipped. */
  skipped: number;
  /** Requested actions neither started nor skipped when the wait ended (buffered, or not processed yet). */
  pending: number;
  /** The schedule's running workflows at the end. */
  running: string[];
}

const startedIds = (d: ScheduleDescription) =>
  d.info.recentActions.flatMap((a) => (a.action.type === 'startWorkflow' ? [a.action.workflow.workflowId] : []));

/** Waits (at most `timeoutMs`) until `expected` actions after `before` were started or skipped. */
export async function outcomeOf(
  handle: ScheduleHandle,
  before: ScheduleDescription,
  expected: number,
  timeoutMs = 20_000,
): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Set(startedIds(before));
  for (;;) {
    const d = await handle.describe();
    const taken = d.info.numActionsTaken - before.info.numActionsTaken;
    const skipped = d.info.numActionsSkippedOverlap - before.info.numActionsSkippedOverlap;
    if (taken + skipped >= expected || Date.now() > deadline) {
      return {
        started: startedIds(d)
          .filter((w) => !seen.has(w))
          .slice(-Math.max(taken, 0)),
        skipped,
        pending: Math.max(expected - taken - skipped, 0),
        running: d.info.runningActions.map((a) => a.workflow.workflowId),
      };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** One line for humans: what started, what the overlap policy skipped and why, what is still pending. */
export function describeOutcome(o: Outcome, timeoutMs = 20_000): string {
  const parts: string[] = [];
  if (o.started.length) parts.push(`started ${o.started.join(', ')}`);
  if (o.skipped)
    parts.push(
      `${o.skipped} skipped by the overlap policy` +
        (o.running.length ? ` (still running: ${o.running.join(', ')})` : ''),
    );
  if (o.pending)
    parts.push(
      `${o.pending} not started or skipped after ${formatDuration(timeoutMs)} ` +
        '(buffered by the overlap policy or not processed yet: see schedule describe)',
    );
  return parts.join('; ') || 'nothing to do';
}
