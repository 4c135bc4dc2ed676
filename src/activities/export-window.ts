// When a running export can finish, from what the step's own reads saw. Pure; unit-tested.
//
// Atlas reports whole collections. If the export started at s and takes p per collection, a read at
// t that saw count c means s + c·p ≤ t < s + (c+1)·p, and a read that saw it Queued means t < s.
// Every read so far narrows (s, p), and the finish s + N·p lies in a window that narrows with them:
// reads a fixed gap apart fall at different phases of the collections, so over many collections
// the window gets much tighter than one read gap. This is a linear program in two variables,
// solved exactly enough by searches over p: for a given p, s lies in (low(p), high(p)], where high
// is a minimum of lines in p (concave) and low a maximum of lines (convex).

/** [count, first read that saw it, last read that saw it], worker-clock ms. */
export type CountSpan = [count: number, firstAtMs: number, lastAtMs: number];

export interface FinishWindow {
  earliestMs: number;
  latestMs: number;
}

/**
 * A read's worker time is taken after Atlas answered, so "not yet at t" is only known for a little
 * before t: the ms allowed for the answer's way back.
 */
const ANSWER_SLACK_MS = 50;
/** Upper bound of the time per collection searched: a week (the longest step deadline). */
const MAX_PER_COLLECTION_MS = 7 * 86_400_000;
const ITERATIONS = 100;

/** argmax of a concave function on [a, b] (ternary search; piecewise linear is fine). */
function argmax(f: (x: number) => number, a: number, b: number): number {
  for (let i = 0; i < ITERATIONS && b - a > 1e-6; i++) {
    const m1 = a + (b - a) / 3;
    const m2 = b - (b - a) / 3;
    if (f(m1) < f(m2)) a = m1;
    else b = m2;
  }
  return (a + b) / 2;
}

/** The x in [a, b] where `ok` turns from false to true (ok monotone on [a, b]; ok(b) holds). */
function boundary(ok: (x: number) => boolean, a: number, b: number): number {
  if (ok(a)) return a;
  for (let i = 0; i < ITERATIONS && b - a > 1e-6; i++) {
    const m = (a + b) / 2;
    if (ok(m)) b = m;
    else a = m;
  }
  return b;
}

/**
 * The window the export's finish lies in, given its in-progress reads (oldest first) and a moment
 * it had surely not started by (the last read that saw it Queued, or its creation). Undefined when
 * the reads bound nothing yet (no collection done) or contradict a constant time per collection.
 */
export function finishWindow(spans: CountSpan[], total: number, startsAfterMs: number): FinishWindow | undefined {
  if (!spans.some(([c]) => c > 0)) return undefined;
  const high = (p: number) => {
    let h = Infinity;
    for (const [c, first] of spans) h = Math.min(h, first - c * p);
    return h;
  };
  const low = (p: number) => {
    let l = startsAfterMs;
    for (const [c, , last] of spans) l = Math.max(l, last - ANSWER_SLACK_MS - (c + 1) * p);
    return l;
  };
  const room = (p: number) => high(p) - low(p);
  // No collection took longer than from the start bound to the read that saw it done.
  let pMax = MAX_PER_COLLECTION_MS;
  for (const [c, first] of spans) if (c > 0) pMax = Math.min(pMax, (first - startsAfterMs) / c);
  const pMin = 1e-3;
  if (!(pMax > pMin)) return undefined;
  const pBest = argmax(room, pMin, pMax);
  if (room(pBest) < 0) return undefined;
  // The feasible times per collection: an interval around pBest (room is concave).
  const pLo = boundary((p) => room(p) >= 0, pMin, pBest);
  const pHi = -boundary((q) => room(-q) >= 0, -pMax, -pBest);
  const latest = (p: number) => high(p) + total * p;
  const earliest = (p: number) => low(p) + total * p;
  return {
    earliestMs: earliest(argmax((p) => -earliest(p), pLo, pHi)),
    latestMs: latest(argmax(latest, pLo, pHi)),
  };
}

/**
 * The window from all the reads if they agree; else without the start bound (a worker clock far off
 * Atlas's, or another worker's, can contradict it); else from the newest reads that agree, the
 * oldest dropped first (the rate changed). A segment's start is then extrapolated back at its own
 * rate and may lie before the export's: the start bound goes too.
 */
export function finishWindowOfRecent(
  spans: CountSpan[],
  total: number,
  startsAfterMs: number,
): FinishWindow | undefined {
  const all = finishWindow(spans, total, startsAfterMs) ?? finishWindow(spans, total, -Infinity);
  if (all) return all;
  for (let from = 1; from < spans.length; from++) {
    const recent = spans.slice(from);
    if (!recent.some(([c]) => c > 0)) return undefined;
    const w = finishWindow(recent, total, -Infinity);
    if (w) return w;
  }
  return undefined;
}
