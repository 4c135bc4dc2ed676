// Snapshot and restore poll delays around the job's expected end (the cluster's last such job), and
// learning that duration from a history's event times and activity names. Pure functions.
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { expectedEndPollDelayMs } from '../../src/activities/expected-end.js';
import { stepDurationMs } from '../../src/runs/learned-durations.js';

const polling = { initialIntervalSeconds: 4, maximumIntervalSeconds: 40, backoffCoefficient: 2 };

/** The elapsed times (ms after creation) of every read until `endMs`, first delay from 0. */
function readsUntil(endMs: number, expectedMs: number, p = polling): number[] {
  const reads: number[] = [];
  let t = expectedEndPollDelayMs(p, 0, expectedMs);
  for (;;) {
    reads.push(t);
    if (t >= endMs) return reads;
    t += expectedEndPollDelayMs(p, t, expectedMs);
  }
}

describe('poll delays around the expected end', () => {
  it('reads a 10-minute job ending as expected at most twice more than the plain backoff, seeing it on its end', () => {
    const reads = readsUntil(600_000, 600_000);
    expect(reads.slice(0, 4)).toEqual([4_000, 12_000, 28_000, 60_000]); // the policy's own doubling
    expect(reads.at(-1)).toBe(600_000);
    // The plain backoff (reads 4, 12, 28, 60, 100, ... s) first sees it at 620 s, after 18 reads; the
    // two reads more (at 590 and 595 s, halving towards the end) buy seeing it 20 s sooner.
    const plain: number[] = [];
    for (let t = 0, gap = 4_000; plain.at(-1) === undefined || plain.at(-1)! < 600_000; gap = Math.min(gap * 2, 40_000))
      plain.push((t += gap));
    expect([plain.length, plain.at(-1)]).toEqual([18, 620_000]);
    expect(reads.length).toBeLessThanOrEqual(plain.length + 2);
  });

  it('keeps every gap on the way within the initial and the maximum interval', () => {
    for (const e of [9_000, 61_000, 600_000, 3_600_000]) {
      const reads = readsUntil(e, e);
      expect(reads.at(-1)).toBe(e);
      for (let i = 1; i < reads.length; i++) {
        expect(reads[i]! - reads[i - 1]!).toBeGreaterThanOrEqual(4_000);
        expect(reads[i]! - reads[i - 1]!).toBeLessThanOrEqual(40_000);
      }
    }
  });

  it('run after run of an as-long job, a first expectation\u2019s lateness drops below two initial intervals', () => {
    const job = 600_000;
    let expected = job + 30_000; // learned from a run on the plain backoff, seen 30 s late
    const lateness: number[] = [];
    for (let run = 0; run < 6; run++) {
      const seenAt = readsUntil(job, expected).at(-1)!;
      lateness.push(seenAt - job);
      expected = seenAt; // what the next run learns: when this one was seen finished
    }
    expect(lateness.at(-1)).toBeLessThan(8_000);
    expect(Math.max(...lateness)).toBeLessThanOrEqual(40_000);
    expect(lateness.every((l) => l >= 0)).toBe(true);
  });

  it('never reads sooner than the initial interval near the expected end', () => {
    const e = 600_000;
    for (let t = e - 10_000; t <= e + 10_000; t += 500) {
      expect(expectedEndPollDelayMs(polling, t, e)).toBeGreaterThanOrEqual(4_000);
    }
  });

  it('after the expected end, backs off from the initial interval by the coefficient up to the maximum', () => {
    const e = 100_000;
    expect(expectedEndPollDelayMs(polling, e, e)).toBe(4_000);
    expect(expectedEndPollDelayMs(polling, e + 4_000, e)).toBe(4_000);
    expect(expectedEndPollDelayMs(polling, e + 8_000, e)).toBe(8_000);
    expect(expectedEndPollDelayMs(polling, e + 16_000, e)).toBe(16_000);
    expect(expectedEndPollDelayMs(polling, e + 30_000, e)).toBe(30_000);
    expect(expectedEndPollDelayMs(polling, e + 300_000, e)).toBe(40_000);
  });

  it('sees a job late by about how wrong the expectation was, either way', () => {
    // Ends 60 s earlier than expected: seen within the maximum interval, as without an expectation.
    const early = readsUntil(540_000, 600_000);
    expect(early.at(-1)! - 540_000).toBeLessThanOrEqual(40_000);
    // Ends 60 s later than expected: the backoff restarted at E sees it within the gap it had reached.
    const late = readsUntil(660_000, 600_000);
    expect(late.at(-1)! - 660_000).toBeLessThanOrEqual(40_000);
  });

  it('a coefficient of 1 reads at the initial interval throughout, as without an expectation', () => {
    const fixed = { ...polling, backoffCoefficient: 1 };
    for (const t of [0, 100_000, 599_000, 600_000, 700_000])
      expect(expectedEndPollDelayMs(fixed, t, 600_000)).toBe(4_000);
  });
});

/** A history event as fetchHistory returns it (Long ids, Timestamp times): only what stepDurationMs reads. */
function event(id: number, atMs: number, what: { scheduled?: string; starts?: number; completes?: number }) {
  return proto.temporal.api.history.v1.HistoryEvent.fromObject({
    eventId: id,
    eventTime: { seconds: Math.floor(atMs / 1000), nanos: (atMs % 1000) * 1e6 },
    ...(what.scheduled ? { activityTaskScheduledEventAttributes: { activityType: { name: what.scheduled } } } : {}),
    ...(what.starts ? { activityTaskStartedEventAttributes: { scheduledEventId: what.starts, attempt: 9 } } : {}),
    ...(what.completes ? { activityTaskCompletedEventAttributes: { scheduledEventId: what.completes } } : {}),
  });
}

describe('learning a step duration from a history', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const history = [
    event(5, t0, { scheduled: 'takeSnapshot' }),
    event(6, t0 + 10, { starts: 5 }),
    event(7, t0 + 1_250, { completes: 5 }),
    event(11, t0 + 1_300, { scheduled: 'awaitSnapshot' }),
    // The last attempt's start (the read that saw it finished), recorded with its completion.
    event(12, t0 + 601_700, { starts: 11 }),
    event(13, t0 + 601_750, { completes: 11 }),
    event(17, t0 + 601_800, { scheduled: 'startRestore' }),
    event(18, t0 + 601_850, { starts: 17 }),
    event(19, t0 + 602_000, { completes: 17 }),
    event(21, t0 + 602_100, { scheduled: 'awaitRestore' }),
  ];

  it('takes the wait\u2019s scheduling to its last attempt\u2019s start: event times and activity names only', () => {
    expect(stepDurationMs(history, 'awaitSnapshot')).toBe(600_400);
  });

  it('has nothing to learn from a run whose wait did not complete', () => {
    expect(stepDurationMs(history, 'awaitRestore')).toBeUndefined();
    expect(stepDurationMs([...history, event(22, t0 + 700_000, { starts: 21 })], 'awaitRestore')).toBeUndefined();
    expect(stepDurationMs([], 'awaitSnapshot')).toBeUndefined();
  });
});
