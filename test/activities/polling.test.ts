// Export poll delays: close to the estimated completion; no progress → the policy's backoff decides.
import { describe, expect, it } from 'vitest';
import { exportPollDelayMs } from '../../src/activities/polling.js';

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
    // 36 of 40 in 100 s → 4 left ≈ 11.1 s.
    expect(
      exportPollDelayMs(
        polling,
        { exportedCollections: 36, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' },
        now,
      ),
    ).toBeCloseTo(11_111, -1);
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
});
