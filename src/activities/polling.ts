// When to read a running export again: close to its estimated completion. Pure, so it is
// unit-tested directly. Every other wait uses the poll retry policy's backoff (the workflow's
// pollOptions), so backoff is computed in one place: Temporal.
import type { PollingSpec } from '../contract/index.js';

export interface ExportProgressSample {
  exportedCollections?: number;
  totalCollections?: number;
  /** When the job was created (ISO); the export rate is measured from it. */
  createdAt?: string;
}

/**
 * For a running export, estimate when it finishes from exportedCollections/totalCollections and
 * poll close to that moment (never sooner than the initial interval, never later than the maximum).
 * Without progress to go on, undefined: the policy's backoff decides.
 */
export function exportPollDelayMs(polling: PollingSpec, job: ExportProgressSample, nowMs: number): number | undefined {
  const { exportedCollections: done, totalCollections: total, createdAt } = job;
  const started = createdAt ? Date.parse(createdAt) : NaN;
  if (!done || !total || done >= total || !Number.isFinite(started) || nowMs <= started) return undefined;
  const msPerCollection = (nowMs - started) / done;
  const remaining = (total - done) * msPerCollection;
  return Math.min(Math.max(remaining, polling.initialIntervalSeconds * 1000), polling.maximumIntervalSeconds * 1000);
}
