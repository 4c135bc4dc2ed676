// A fleet's reports stay under Temporal's payload limit however many clusters it has: unit tests of
// the pure fold (src/workflows/fleet-reports.ts), and the largest fleets (MAX_FLEET_CLUSTERS, listed or
// discovered) with every continue-as-new input built by the workflow's own carryProgress (what
// fleetBackup passes to continueAsNew), each one measured against the 2 MB limit.
import { describe, expect, it } from 'vitest';
import {
  MAX_FLEET_CLUSTERS,
  type FleetClusterOutcome,
  type FleetClusterReport,
  type FleetTarget,
} from '../../src/contract/index.js';
import {
  carryProgress,
  foldReports,
  type FleetProgress,
  REPORTS_BUDGET_CHARS,
  reportsBudget,
  STATE_BUDGET_CHARS,
} from '../../src/workflows/fleet-reports.js';

const hex = (i: number, tag: number) => (tag.toString(16) + i.toString(16)).padStart(24, '0');
const target = (i: number): FleetTarget => ({ groupId: hex(i % 50, 0xa), clusterName: `cluster-${i}` });

function report(i: number, outcome: FleetClusterOutcome): FleetClusterReport {
  const t = target(i);
  return {
    ...t,
    outcome,
    workflowId: `backup-${t.clusterName}-${t.groupId}-20261124T101500000Z`,
    ...(outcome === 'completed' ? { snapshotId: hex(i, 0xb), exportJobId: hex(i, 0xc), durationSeconds: 812.4 } : {}),
    ...(outcome === 'failed' ? { error: `snapshot failed: ${'x'.repeat(280)}` } : {}),
  };
}

const chars = (x: unknown) => JSON.stringify(x).length;

describe('foldReports', () => {
  it('leaves reports under the budget as they are', () => {
    const reports = [report(1, 'completed'), report(2, 'failed')];
    const out = foldReports(reports, undefined, 10_000);
    expect(out.reports).toBe(reports);
    expect(out.folded).toBeUndefined();
  });

  it('over the budget: folds completed reports first, oldest first, to half the budget; failures stay listed', () => {
    const reports = Array.from({ length: 100 }, (_, i) => report(i, i % 10 === 0 ? 'failed' : 'completed'));
    const budget = chars(reports) - 1;
    const out = foldReports(reports, { count: 3, byOutcome: { completed: 3 } }, budget);
    expect(chars(out.reports)).toBeLessThanOrEqual(budget / 2);
    expect(out.reports.filter((r) => r.outcome === 'failed')).toHaveLength(10);
    // The oldest completed ones went; the newest are still listed.
    expect(out.reports.at(-1)).toEqual(reports.at(-1));
    expect(out.reports.some((r) => r.clusterName === 'cluster-1')).toBe(false);
    const foldedNow = out.folded!.count - 3;
    expect(out.reports.length + foldedNow).toBe(100);
    expect(out.folded!.byOutcome).toEqual({ completed: 3 + foldedNow });
  });

  it('folds failures too when nothing else is left to fold, and counts them by outcome', () => {
    const reports = Array.from({ length: 40 }, (_, i) => report(i, i < 5 ? 'cancelled' : 'failed'));
    const out = foldReports(reports, undefined, 2_000);
    expect(chars(out.reports)).toBeLessThanOrEqual(1_000);
    expect(out.folded!.byOutcome.cancelled).toBe(5);
    expect(out.folded!.count + out.reports.length).toBe(40);
    expect(out.reports.every((r) => r.outcome === 'failed')).toBe(true);
  });

  it('a budget of nothing folds every report', () => {
    const out = foldReports([report(1, 'completed'), report(2, 'failed')], undefined, 0);
    expect(out.reports).toEqual([]);
    expect(out.folded).toEqual({ count: 2, byOutcome: { completed: 1, failed: 1 } });
  });
});

describe(`the largest fleets (${MAX_FLEET_CLUSTERS} clusters), batches of 1,000, one in ten failing`, () => {
  /** Each continue-as-new input's JSON size and the result's, and the final fold. */
  function runFleet(listed: boolean) {
    const all = Array.from({ length: MAX_FLEET_CLUSTERS }, (_, i) => target(i));
    // Listed: the request holds every cluster, and the queue a copy; discovered: the queue alone.
    const request = listed ? { targets: { clusters: all } } : { targets: { projects: ['x'] } };
    let state: FleetProgress = { queue: [...all], reports: [], run: 1, startedAt: '2026-11-24T10:15:00.000Z' };
    let next = 0;
    const sizes: number[] = [];
    for (;;) {
      // One run: 1,000 children started, and each reported (one in ten failed).
      state.queue = state.queue.slice(1_000);
      for (let i = 0; i < 1_000; i++, next++)
        state.reports.push(report(next, next % 10 === 0 ? 'failed' : 'completed'));
      if (!state.queue.length) break;
      // 100 children still running are carried to the next run, as the workflow carries them.
      const running = Array.from({ length: 100 }, (_, i) => ({
        ...target(next + i),
        workflowId: `backup-cluster-${next + i}-${hex(i, 0xa)}-20261124T101500000Z`,
        startedAtMs: 1_795_000_000_000,
      }));
      const carried = carryProgress(request, state, running);
      sizes.push(chars([request, carried]));
      state = { ...carried, running: undefined, run: carried.run + 1 };
    }
    const result = foldReports(state.reports, state.folded, reportsBudget(state.discovery));
    sizes.push(chars({ clusters: result.reports, folded: result.folded, counts: {} }));
    return { sizes, result };
  }

  for (const listed of [true, false]) {
    it(`${listed ? 'listed' : 'discovered'}: every continue-as-new input and the result stay under 2 MB`, () => {
      const { sizes, result } = runFleet(listed);
      expect(Math.max(...sizes)).toBeLessThan(STATE_BUDGET_CHARS + 100_000);
      expect(Math.max(...sizes)).toBeLessThan(2 * 1024 * 1024);
      // Every cluster listed or counted.
      expect(result.reports.length + (result.folded?.count ?? 0)).toBe(MAX_FLEET_CLUSTERS);
      expect(result.folded!.byOutcome.completed).toBeGreaterThan(0);
      const failedListed = result.reports.filter((r) => r.outcome === 'failed').length;
      expect(failedListed + (result.folded!.byOutcome.failed ?? 0)).toBe(MAX_FLEET_CLUSTERS / 10);
      // Discovered, the queue leaves room to list every failure; listed, the request and its queue
      // copy squeeze the early runs' budget, so some failures are only counted.
      if (!listed) expect(failedListed).toBe(MAX_FLEET_CLUSTERS / 10);
      else expect(failedListed).toBeGreaterThan(0);
      expect(chars(result.reports)).toBeLessThanOrEqual(REPORTS_BUDGET_CHARS);
    });
  }

  it('without folding, the same fleet would pass the limit (the test measures something)', () => {
    const reports = Array.from({ length: MAX_FLEET_CLUSTERS }, (_, i) =>
      report(i, i % 10 === 0 ? 'failed' : 'completed'),
    );
    expect(chars(reports)).toBeGreaterThan(2 * 1024 * 1024);
  });
});
