// Poll delays: backoff for jobs without progress, completion estimates for exports.
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, exportPollDelayMs } from '../../src/activities/polling.js';

const polling = { initialIntervalSeconds: 2, maximumIntervalSeconds: 60, backoffCoefficient: 1.5 };

describe('poll delays', () => {
  it('backs off from the initial interval to the cap', () => {
    expect([1, 2, 3].map((a) => backoffDelayMs(a, polling))).toEqual([2000, 3000, 4500]);
    expect(backoffDelayMs(50, polling)).toBe(60_000);
  });

  it('polls an export close to its estimated completion', () => {
    const now = Date.parse('2026-01-01T00:01:40Z');
    // 10 of 40 collections in 100 s → 30 left ≈ 300 s, capped at the 60 s maximum.
    expect(exportPollDelayMs(3, polling, { exportedCollections: 10, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' }, now)).toBe(60_000);
    // 36 of 40 in 100 s → 4 left ≈ 11.1 s.
    expect(exportPollDelayMs(3, polling, { exportedCollections: 36, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' }, now)).toBeCloseTo(11_111, -1);
    // Almost done → never sooner than the initial interval.
    expect(exportPollDelayMs(3, polling, { exportedCollections: 399, totalCollections: 400, createdAt: '2026-01-01T00:00:00Z' }, now)).toBe(2000);
  });

  it('falls back to backoff when an export reports no progress yet', () => {
    expect(exportPollDelayMs(2, polling, { exportedCollections: 0, totalCollections: 40, createdAt: '2026-01-01T00:00:00Z' }, Date.now())).toBe(3000);
    expect(exportPollDelayMs(1, polling, {}, Date.now())).toBe(2000);
  });
});
