// Export poll delays: close to the estimated completion; no progress → the policy's backoff decides.
import { describe, expect, it } from 'vitest';
import { exportPollDelayMs, nextExportMemo } from '../../src/activities/polling.js';

const polling = { initialIntervalSeconds: 2, maximumIntervalSeconds: 60, backoffCoefficient: 1.5 };

describe('export poll delays', () => {
  it('polls an export close to its estimated completion', () => {
    const now = Date.parse('2026-01-01T00:01:40Z');
    // 10 of 40 collections in 100 s → 30 left ≈ 300 s, capped at the 60 s maximum.
    expect(
      exportPollDelayMs(
        polling,
        { exportedCollections: 10, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' },
        now,
      ),
    ).toBe(60_000);
    // 36 of 40 in 100 s, one read: the finish lies between now (36 done in a flash, just now) and
    // 111.7 s (36 done at the slowest rate createdAt allows, less 5 s of clock slack). A read in the
    // middle of that window halves it: 5.8 s.
    expect(
      exportPollDelayMs(
        polling,
        { exportedCollections: 36, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' },
        now,
      ),
    ).toBeCloseTo(5_808, -1);
    // Almost done → never sooner than the initial interval.
    expect(
      exportPollDelayMs(
        polling,
        { exportedCollections: 399, totalCollections: 400, createdAt: '2026-01-01T00:00:00Z' },
        now,
      ),
    ).toBe(2000);
  });

  it('leaves the delay to the retry policy when an export reports no progress yet', () => {
    expect(
      exportPollDelayMs(
        polling,
        { exportedCollections: 0, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' },
        Date.now(),
      ),
    ).toBeUndefined();
    expect(exportPollDelayMs(polling, {}, Date.now())).toBeUndefined();
  });

  it('excludes the time the export sat Queued: measured from the last read that saw it queued', () => {
    const created = Date.parse('2026-01-01T00:00:00Z');
    // Queued for 60 s, then 2 s per collection: at 70 s, 5 of 10 exported.
    const queuedRead = nextExportMemo(undefined, { state: 'Queued', totalCollections: 10 }, created + 59_000);
    const createdAt = '2026-01-01T00:00:00Z';
    const job = { state: 'InProgress', exportedCollections: 5, totalCollections: 10, createdAt };
    const now = created + 70_000;
    const memo = nextExportMemo(queuedRead, job, now);
    // Started after 59 s: 5 collections in at most 11 s, so done by 81 s; the middle of [70, 81] s.
    // From createdAt alone the start could be 0 s: done by 145 s, the middle of that window is 37.5 s away.
    expect(exportPollDelayMs(polling, job, now, memo)).toBeCloseTo(5_475, -1);
    expect(exportPollDelayMs(polling, job, now)).toBeCloseTo(37_475, -1);
  });

  it('measures the rate between its own reads, on the worker clock, once progress moved', () => {
    const t0 = 1_000_000;
    // Atlas's createdAt is whole seconds and the worker clock may be off: it must not matter.
    const skewed = { createdAt: '2000-01-01T00:00:00Z', totalCollections: 40, state: 'InProgress' };
    let memo = nextExportMemo(undefined, { ...skewed, exportedCollections: 4 }, t0);
    memo = nextExportMemo(memo, { ...skewed, exportedCollections: 24 }, t0 + 20_000);
    // 20 collections in 19.95..21.05 s: the finish lies 34.2..36.8 s after t0. Wider than the 2 s
    // initial interval: read in its middle, 15.5 s from now; with a 4 s initial interval, at its end.
    const job = { ...skewed, exportedCollections: 24 };
    expect(exportPollDelayMs(polling, job, t0 + 20_000, memo)).toBeCloseTo(15_542, -1);
    const slower = { ...polling, initialIntervalSeconds: 4 };
    expect(exportPollDelayMs(slower, job, t0 + 20_000, memo)).toBeCloseTo(16_884, -1);
    expect(memo.spans).toEqual([
      [4, t0, t0],
      [24, t0 + 20_000, t0 + 20_000],
    ]);
  });
});
