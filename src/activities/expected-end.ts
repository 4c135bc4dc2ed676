// When to read a snapshot or restore job again, knowing how long the same cluster's last such job
// took. Atlas gives these jobs no progress, so only an expectation of their duration can bring a
// read close to their end. Pure, so it is unit-tested directly (test/activities/expected-end.test.ts).
//
// The shape is symmetric around the expected end E (ms after the job was created):
// - before E, each gap is the remaining time × (coefficient − 1) / coefficient (half of it at the
//   default 2) while both parts stay at least the initial interval, then one gap lands exactly on E:
//   about log2(E / initial) reads on the way, and a job that ends early is seen late by at most about
//   half of how early it ended;
// - from E on, the gap grows with the time past E (× (coefficient − 1), the policy's own doubling)
//   from the initial interval up to the maximum: a job that ends late is seen late by about how late
//   it ended, never by more than the maximum interval (today's backoff, restarted at E).
// E is learned as the moment the cluster's last job was SEEN finished, so it is never early for a
// job as long as the last one: the read at E sees it, late by at most the gap before E (under two
// initial intervals) once the expectation has settled; a first expectation from the plain backoff
// (up to the maximum interval late) is halved by each later run's reads before it.
// So detection is about as late as the expectation is wrong, and a coefficient of 1 polls at the
// initial interval throughout, as it does without an expectation. Before E the gaps may exceed the
// maximum interval: the expectation stands in for progress data.
import type { PollingSpec } from '../contract/index.js';

/** What a waiting attempt leaves to the next (heartbeat details), when the job has an expectation. */
export interface ExpectedEndMemo {
  /** When the wait was scheduled (right after the create answered). */
  sinceMs: number;
  /** How long the job is expected to take, from the wait's scheduling to being seen finished. */
  expectedMs: number;
}

export const isExpectedEndMemo = (x: unknown): x is ExpectedEndMemo =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as ExpectedEndMemo).sinceMs === 'number' &&
  typeof (x as ExpectedEndMemo).expectedMs === 'number' &&
  (x as ExpectedEndMemo).expectedMs > 0;

/** The delay before the next read, `elapsedMs` after the job was created and expected to take `expectedMs`. */
export function expectedEndPollDelayMs(polling: PollingSpec, elapsedMs: number, expectedMs: number): number {
  const initial = polling.initialIntervalSeconds * 1000;
  const maximum = polling.maximumIntervalSeconds * 1000;
  const k = polling.backoffCoefficient;
  if (k <= 1) return initial;
  const remaining = expectedMs - elapsedMs;
  const part = (remaining * (k - 1)) / k;
  if (part >= initial && remaining - part >= initial) return part;
  if (remaining >= initial) return remaining; // too close to split: the next read is at E
  if (remaining > 0) return initial;
  return Math.min(maximum, Math.max(initial, -remaining * (k - 1)));
}
