// When to read a snapshot or restore job again, knowing how long the same cluster's last such job
// took. Atlas gives these jobs no progress, so only an expectation of their duration can bring a
// read close to their end. Pure, so it is unit-tested directly (test/activities/expected-end.test.ts).
//
// The shape, with E the expected end (ms after the wait was scheduled):
// - before E, the policy's own backoff (each gap grows with the time waited, by the coefficient,
//   from the initial interval up to the maximum); within one gap of E the time left is halved while
//   both halves stay at least the initial interval, and one read lands exactly on E. The maximum
//   interval holds throughout, so a job that ends early is seen within it, as without an
//   expectation, and the reads cost what the plain backoff costs plus two or three;
// - from E on, the gap grows with the time past E (× (coefficient − 1), the policy's own doubling)
//   from the initial interval up to the maximum: a job that ends late is seen late by about how late
//   it ended, never by more than the maximum interval (today's backoff, restarted at E).
// E is learned as the moment the cluster's last job was SEEN finished, so it is never early for a
// job as long as the last one: the read at E sees it at once; a first expectation learned from the
// plain backoff (up to the maximum interval late) shrinks run by run as later runs see their jobs
// sooner. So detection is about as late as the expectation is wrong, and a coefficient of 1 polls at
// the initial interval throughout, as it does without an expectation.
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
  if (remaining > 0) {
    // The retry policy's gap after a read `elapsedMs` in (initial × k^n after the n-th read).
    const gap = Math.min(maximum, initial + elapsedMs * (k - 1));
    if (remaining > gap + initial) return gap;
    // Within one gap of E: halve the time left (by the coefficient) while both parts stay at least
    // the initial interval, then land on E. The reads just before E are what let the next run learn
    // an earlier end when this job ends before its expectation.
    const part = (remaining * (k - 1)) / k;
    if (part >= initial && remaining - part >= initial) return Math.min(part, maximum);
    return Math.min(Math.max(remaining, initial), maximum);
  }
  return Math.min(maximum, Math.max(initial, -remaining * (k - 1)));
}
