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
    // 36 of 40 in 100 s → 3.5 left (half of the running one is done, on average) ≈ 9.7 s.
    expect(
      exportPollDelayMs(
        polling,
        { exportedCollections: 36, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' },
        now,
      ),
    ).toBeCloseTo(9_722, -1);
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
    // (10 - 5 - 0.5) × (11 s / 5) ≈ 9.9 s; from createdAt it was (4.5 × 14 s) = 63 s, past the job's end.
    expect(exportPollDelayMs(polling, job, now, memo)).toBeCloseTo(9_900, -1);
    expect(exportPollDelayMs(polling, job, now)).toBe(60_000);
  });

  it('measures the rate between its own reads, on the worker clock, once progress moved', () => {
    const t0 = 1_000_000;
    // Atlas's createdAt is whole seconds and the worker clock may be off: it must not matter.
    const skewed = { createdAt: '2000-01-01T00:00:00Z', totalCollections: 40, state: 'InProgress' };
    let memo = nextExportMemo(undefined, { ...skewed, exportedCollections: 4 }, t0);
    memo = nextExportMemo(memo, { ...skewed, exportedCollections: 24 }, t0 + 20_000);
    // 20 collections in 20 s → 1 s each; 15.5 left.
    expect(exportPollDelayMs(polling, { ...skewed, exportedCollections: 24 }, t0 + 20_000, memo)).toBeCloseTo(15_500);
    expect(memo.firstProgress).toEqual({ atMs: t0, exported: 4 });
  });
});
