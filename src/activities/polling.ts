// When to read a running export again: close to its estimated completion. Pure, so it is
// unit-tested directly. Every other wait uses the poll retry policy's backoff (the workflow's
// pollOptions), so backoff is computed in one place: Temporal.
//
// Each poll attempt leaves what it read to the next in its heartbeat details (ExportPollMemo): per
// count seen, the first and last read that saw it, on the worker's clock. From those, export-window.ts
// bounds when the export can finish (Atlas counts whole collections, so every read narrows it), and
// the next read goes where the window says: its end when it is narrow, else its middle. Queue time
// and Atlas's whole-second `createdAt` against our clock only bound the start loosely.
import type { PollingSpec } from '../contract/index.js';
import { finishWindowOfRecent, type CountSpan } from './export-window.js';

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
  /** Per count seen in progress, oldest first: [count, first read that saw it, last read that saw it]. */
  spans?: CountSpan[];
  lastReadAtMs?: number;
  /** The last read that saw the job still Queued (its start is after this). */
  lastQueuedAtMs?: number;
}

/** Spans kept: the oldest (the longest baseline for the rate) and the newest. */
const MAX_SPANS = 120;
/** How far the worker's clock may be behind Atlas's when `createdAt` bounds the start. */
const CLOCK_SLACK_MS = 5_000;

const isMemo = (x: unknown): x is ExportPollMemo => typeof x === 'object' && x !== null;
const isSpans = (x: unknown): x is CountSpan[] =>
  Array.isArray(x) && x.every((s) => Array.isArray(s) && s.length === 3 && s.every((n) => typeof n === 'number'));

/** The memo after a read at `nowMs` that saw `job`, carrying the earlier ones forward. */
export function nextExportMemo(previous: unknown, job: ExportProgressSample, nowMs: number): ExportPollMemo {
  const memo: ExportPollMemo = isMemo(previous) ? { ...previous } : {};
  // A memo from an older worker (other fields) starts the spans afresh.
  let spans = isSpans(memo.spans) ? [...memo.spans] : [];
  if (job.state === 'Queued') memo.lastQueuedAtMs = nowMs;
  else if (job.exportedCollections !== undefined) {
    const count = job.exportedCollections;
    const last = spans.at(-1);
    if (last && last[0] === count) spans[spans.length - 1] = [count, last[1], nowMs];
    // A count going down contradicts everything before it.
    else if (last && last[0] > count) spans = [[count, nowMs, nowMs]];
    else spans.push([count, nowMs, nowMs]);
    if (spans.length > MAX_SPANS) spans.splice(1, 1);
  }
  memo.spans = spans;
  memo.lastReadAtMs = nowMs;
  return memo;
}

/**
 * For a running export, the delay to its next read: at the end of the window its finish lies in
 * when that is narrower than the initial interval, else at its middle (a read there halves it);
 * never sooner than the initial interval, never later than the maximum. Without
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
  const spans = isSpans(memo.spans) && memo.spans.length > 0 ? memo.spans : [[done, nowMs, nowMs] as CountSpan];
  const created = job.createdAt ? Date.parse(job.createdAt) - CLOCK_SLACK_MS : -Infinity;
  const startsAfter = Math.max(Number.isFinite(created) ? created : -Infinity, memo.lastQueuedAtMs ?? -Infinity);
  const window = finishWindowOfRecent(spans, total, startsAfter);
  if (!window) return undefined;
  const minMs = polling.initialIntervalSeconds * 1000;
  const width = window.latestMs - window.earliestMs;
  // A read in the middle that finds it not done leaves the next no sooner than minMs later: past the
  // end of a window narrower than that anyway, so such a window is read at its end, once.
  const at = width <= minMs ? window.latestMs : (window.earliestMs + window.latestMs) / 2;
  return Math.min(Math.max(at - nowMs, minMs), polling.maximumIntervalSeconds * 1000);
}
