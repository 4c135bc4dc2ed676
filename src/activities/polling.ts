// When to read a running export again: close to its estimated completion. Pure, so it is
// unit-tested directly. Every other wait uses the poll retry policy's backoff (the workflow's
// pollOptions), so backoff is computed in one place: Temporal.
//
// The export rate is measured on the worker's clock between this step's own reads, which each
// poll attempt leaves to the next in its heartbeat details (ExportPollMemo): that excludes the time
// the job sat Queued before it started, and Atlas's whole-second `createdAt` against our clock.
// Only until two reads with different progress exist does the estimate fall back to createdAt,
// and then from the last moment the job was seen still Queued, if any.
import type { PollingSpec } from '../contract/index.js';

export interface ExportProgressSample {
  exportedCollections?: number;
  totalCollections?: number;
  /** When the job was created (ISO). */
  createdAt?: string;
  /** Atlas state of this read (Queued, InProgress...). */
  state?: string;
}

/** What one poll attempt of an export leaves to the next (heartbeat details). */
export interface ExportPollMemo {
  /** The first read that saw collections exported: the rate is measured from it. */
  firstProgress?: { atMs: number; exported: number };
  /** The last read that saw the job still Queued (its start is after this). */
  lastQueuedAtMs?: number;
}

const isMemo = (x: unknown): x is ExportPollMemo => typeof x === 'object' && x !== null;

/** The memo after a read at `nowMs` that saw `job`, carrying the earlier one forward. */
export function nextExportMemo(previous: unknown, job: ExportProgressSample, nowMs: number): ExportPollMemo {
  const memo: ExportPollMemo = isMemo(previous) ? { ...previous } : {};
  if (job.state === 'Queued') memo.lastQueuedAtMs = nowMs;
  const done = job.exportedCollections ?? 0;
  if (done > 0 && (!memo.firstProgress || done < memo.firstProgress.exported)) {
    memo.firstProgress = { atMs: nowMs, exported: done };
  }
  return memo;
}

/** Milliseconds per collection, from our own reads when they show progress, else from the job's start. */
function msPerCollection(done: number, nowMs: number, createdAt: string | undefined, memo: ExportPollMemo) {
  const first = memo.firstProgress;
  if (first && done > first.exported && nowMs > first.atMs) return (nowMs - first.atMs) / (done - first.exported);
  const created = createdAt ? Date.parse(createdAt) : NaN;
  const started = Math.max(Number.isFinite(created) ? created : -Infinity, memo.lastQueuedAtMs ?? -Infinity);
  if (!Number.isFinite(started) || nowMs <= started) return undefined;
  return (nowMs - started) / done;
}

/**
 * For a running export, estimate when it finishes and poll close to that moment (never sooner than
 * the initial interval, never later than the maximum). A read's count is whole collections, so on
 * average half a collection of the current one is already done: the estimate counts it. Without
 * progress to go on, undefined: the policy's backoff decides.
 */
export function exportPollDelayMs(
  polling: PollingSpec,
  job: ExportProgressSample,
  nowMs: number,
  memo: ExportPollMemo = {},
): number | undefined {
  const { exportedCollections: done, totalCollections: total } = job;
  if (!done || !total || done >= total) return undefined;
  const perCollection = msPerCollection(done, nowMs, job.createdAt, memo);
  if (perCollection === undefined) return undefined;
  const remaining = (total - done - 0.5) * perCollection;
  return Math.min(Math.max(remaining, polling.initialIntervalSeconds * 1000), polling.maximumIntervalSeconds * 1000);
}
