// A fleet's per-cluster reports travel in every continue-as-new input and in its result, both
// payloads under Temporal's 2 MB limit (blob size), at about 200 bytes a cluster (a failure's error
// up to 300 more). Past their budget (REPORTS_BUDGET_CHARS, less when the request and the queue of
// an explicit list of many clusters take much of STATE_BUDGET_CHARS) they are folded: reports leave
// the list and are counted by outcome instead (completed ones first, failures last, oldest first)
// down to half the budget, so a large fleet continues as new and returns. A folded cluster's own
// run keeps its details: its backupPipeline child, found by the FleetId search attribute. Pure, so
// it is unit-tested directly (test/workflows/fleet-reports.test.ts).
import type {
  FleetChild,
  FleetClusterOutcome,
  FleetClusterReport,
  FleetResult,
  FleetTarget,
  FoldedReports,
} from '../contract/index.js';

/** What a run hands the next one through continue-as-new. */
export interface FleetProgress {
  queue: FleetTarget[];
  reports: FleetClusterReport[];
  /** Reports no longer listed, counted: the state stays under the payload limit. */
  folded?: FoldedReports;
  run: number;
  startedAt: string;
  discovery?: FleetResult['discovery'];
  /** Children still running when the previous run continued as new (they keep their slots). */
  running?: FleetChild[];
}

/** JSON characters of reports the fleet keeps listed (about 4,000 clusters' reports). */
export const REPORTS_BUDGET_CHARS = 1_000_000;
/**
 * JSON characters a continue-as-new input may take in all (the request, the queue, the carried runs
 * and the reports): Temporal refuses payloads over 2 MB, and this leaves room for encryption's overhead.
 */
export const STATE_BUDGET_CHARS = 1_500_000;

/** The reports' budget beside `others` (the rest of a payload, JSON): whatever the state leaves them. */
export const reportsBudget = (...others: unknown[]): number =>
  Math.max(
    0,
    Math.min(
      REPORTS_BUDGET_CHARS,
      STATE_BUDGET_CHARS - others.reduce<number>((n, o) => n + JSON.stringify(o ?? null).length, 0),
    ),
  );

/** Which reports leave the list first. */
const FOLD_ORDER: FleetClusterOutcome[] = ['completed', 'already-running', 'not-started', 'cancelled', 'failed'];

const charsOf = (r: FleetClusterReport) => JSON.stringify(r).length + 1;

/**
 * The reports to keep listed and the updated fold, `budget` characters at most (as JSON). Under the
 * budget nothing changes; over it, reports are folded until half the budget is left, so the next
 * few continue-as-new inputs carry the list as it is.
 */
export function foldReports(
  reports: FleetClusterReport[],
  folded: FoldedReports | undefined,
  budget = REPORTS_BUDGET_CHARS,
): { reports: FleetClusterReport[]; folded: FoldedReports | undefined } {
  const sizes = reports.map(charsOf);
  let total = sizes.reduce((a, b) => a + b, 2);
  if (total <= budget) return { reports, folded };
  const next: FoldedReports = { count: folded?.count ?? 0, byOutcome: { ...folded?.byOutcome } };
  const drop = new Set<number>();
  for (const outcome of FOLD_ORDER) {
    for (let i = 0; i < reports.length && total > budget / 2; i++) {
      if (reports[i]!.outcome !== outcome) continue;
      drop.add(i);
      total -= sizes[i]!;
      next.count++;
      next.byOutcome[outcome] = (next.byOutcome[outcome] ?? 0) + 1;
    }
  }
  return { reports: reports.filter((_, i) => !drop.has(i)), folded: next };
}

/**
 * The next run's input beside `request`: `state` with its reports folded to what the request, the
 * queue and the children still running leave them, and those children (they keep their slots).
 */
export function carryProgress(request: unknown, state: FleetProgress, running: FleetChild[]): FleetProgress {
  const { reports, folded } = foldReports(
    state.reports,
    state.folded,
    reportsBudget(request, state.queue, running, state.discovery),
  );
  state.reports = reports;
  if (folded) state.folded = folded;
  return { ...state, ...(running.length ? { running } : {}) };
}
