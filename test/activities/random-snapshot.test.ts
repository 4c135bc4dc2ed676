// The restore test's random pick among recent snapshots (pure: the list and the workflow's draw in).
import { describe, expect, it } from 'vitest';
import { randomRecent } from '../../src/activities/dr.js';

const now = Date.parse('2026-12-07T00:00:00Z');
const day = 86_400_000;
const snap = (id: string, daysAgo: number, completed = true) => ({
  id,
  completed,
  status: completed ? 'completed' : 'failed',
  timestamp: new Date(now - daysAgo * day).toISOString(),
});
const list = [snap('a', 0.5), snap('b', 2), snap('c', 3, false), snap('d', 6), snap('e', 9)];

describe('random recent snapshot', () => {
  it('picks only completed snapshots within the window, the same one for the same draw', () => {
    const within7 = [0, 0.34, 0.67, 0.999].map((draw) => randomRecent(list, { withinDays: 7, draw }, now)?.id);
    expect(within7).toEqual(['d', 'b', 'a', 'a']);
    expect(randomRecent(list, { withinDays: 7, draw: 0.5 }, now)).toEqual(
      randomRecent(list, { withinDays: 7, draw: 0.5 }, now),
    );
  });

  it('finds nothing when no completed snapshot is recent enough', () => {
    expect(randomRecent(list, { withinDays: 7, draw: 0.5 }, now + 30 * day)).toBeUndefined();
  });
});
