// How long to wait before the next status check of a running Atlas job. Pure, so it is unit-tested
// directly. The waiting activity hands the result to Temporal as the retry delay of its benign
// "not finished" failure: the retry policy is the poll loop.
import type { PollingSpec } from '../workflows/inputs.js';

/** Exponential backoff from initialIntervalSeconds to maximumIntervalSeconds, by attempt (1-based). */
export function backoffDelayMs(attempt: number, polling: PollingSpec): number {
  const ms = polling.initialIntervalSeconds * 1000 * polling.backoffCoefficient ** Math.max(0, attempt - 1);
  return Math.min(ms, polling.maximumIntervalSeconds * 1000);
}

export interface ExportProgressSample {
  exportedCollections?: number;
  totalCollections?: number;
  /** When the job was created (ISO); the export rate is measured from it. */
  createdAt?: string;
}

/**
 * For a running export, estimate when it finishes from exportedCollections/totalCollections and
 * poll close to that moment (never sooner than the initial interval, never later than the maximum).
 * Without progress to go on, fall back to backoff.
 */
export function exportPollDelayMs(attempt: number, polling: PollingSpec, job: ExportProgressSample, nowMs: number): number {
  const { exportedCollections: done, totalCollections: total, createdAt } = job;
  const started = createdAt ? Date.parse(createdAt) : NaN;
  if (!done || !total || done >= total || !Number.isFinite(started) || nowMs <= started) {
    return backoffDelayMs(attempt, polling);
  }
  const msPerCollection = (nowMs - started) / done;
  const remaining = (total - done) * msPerCollection;
  return Math.min(Math.max(remaining, polling.initialIntervalSeconds * 1000), polling.maximumIntervalSeconds * 1000);
}
