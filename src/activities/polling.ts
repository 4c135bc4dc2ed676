// When to read a running export again: close to its estimated completion. Pure, so it is
// unit-tested directly. Every other wait uses the poll retry policy's backoff (the workflow's
// pollOptions), so backoff is computed in one place: Temporal.
//
// The export rate is measured on the worker's clock between this step's own reads, which each
// poll attempt leaves to the next in its heartbeat details (ExportPollMemo): that excludes the time
// the job sat Queued before it started, and Atlas's whole-second `createdAt` against our clock.
// Only until two reads with different counts exist does the estimate fall back to createdAt, and
// then from the last moment the job was seen still Queued, if any. The count is whole collections:
// it is taken to have moved half way between the read that saw it and the one before (or one
// collection's time before, if that is later).
import type { PollingSpec } from '../contract/index.js';

export interface ExportProgressSample {
  exportedCollections?: number;
  totalCollections?: number;
  /** When the job was created (ISO). */
  createdAt?: string;
  /** Atlas state of this read (Queued, InProgress...). */
  state?: string;
}

/** The read that first saw the export's count at `exported`, and the read before it. */
interface CountMark {
  atMs: number;
  exported: number;
  afterMs?: number;
}

/** What one poll attempt of an export leaves to the next (heartbeat details). */
export interface ExportPollMemo {
  /** The first count seen above zero: the rate is measured from it. */
  firstProgress?: CountMark;
  /** The latest count and when it was reached. */
  current?: CountMark;
  lastReadAtMs?: number;
  /** The last read that saw the job still Queued (its start is after this). */
  lastQueuedAtMs?: number;
}

const isMemo = (x: unknown): x is ExportPollMemo => typeof x === 'object' && x !== null;

/** The memo after a read at `nowMs` that saw `job`, carrying the earlier ones forward. */
export function nextExportMemo(previous: unknown, job: ExportProgressSample, nowMs: number): ExportPollMemo {
  const memo: ExportPollMemo = isMemo(previous) ? { ...previous } : {};
  if (job.state === 'Queued') memo.lastQueuedAtMs = nowMs;
  const done = job.exportedCollections ?? 0;
  if (done > 0 && done !== memo.current?.exported) {
    memo.current = { atMs: nowMs, exported: done, afterMs: memo.lastReadAtMs };
    if (!memo.firstProgress || done < memo.firstProgress.exported) memo.firstProgress = memo.current;
  }
  memo.lastReadAtMs = nowMs;
  return memo;
}

/**
 * Milliseconds per collection, from our own reads when they show progress (both counts are seen
 * late by a similar amount, so it cancels), else from the job's start.
 */
function msPerCollection(current: CountMark, createdAt: string | undefined, memo: ExportPollMemo) {
  const first = memo.firstProgress;
  if (first && current.exported > first.exported && current.atMs > first.atMs) {
    return (current.atMs - first.atMs) / (current.exported - first.exported);
  }
  const created = createdAt ? Date.parse(createdAt) : NaN;
  const started = Math.max(Number.isFinite(created) ? created : -Infinity, memo.lastQueuedAtMs ?? -Infinity);
  if (!Number.isFinite(started) || current.atMs <= started) return undefined;
  return (current.atMs - started) / current.exported;
}

/**
 * For a running export, estimate when it finishes — from when its count last moved, at the measured
 * rate — and poll at that moment (never sooner than the initial interval, never later than the
 * maximum). Without progress to go on, undefined: the policy's backoff decides.
 */
export function exportPollDelayMs(
  polling: PollingSpec,
  job: ExportProgressSample,
  nowMs: number,
  memo: ExportPollMemo = {},
): number | undefined {
  const { exportedCollections: done, totalCollections: total } = job;
  if (!done || !total || done >= total) return undefined;
  const current: CountMark = memo.current?.exported === done ? memo.current : { atMs: nowMs, exported: done };
  const perCollection = msPerCollection(current, job.createdAt, memo);
  if (perCollection === undefined) return undefined;
  // The count moved after the read before and within one collection's time: take the middle.
  const from = Math.max(current.afterMs ?? -Infinity, current.atMs - perCollection);
  const reached = (from + current.atMs) / 2;
  const remaining = reached + (total - done) * perCollection - nowMs;
  return Math.min(Math.max(remaining, polling.initialIntervalSeconds * 1000), polling.maximumIntervalSeconds * 1000);
}
