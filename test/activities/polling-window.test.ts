// The export's finish window (activities/export-window.ts) and the poll loop built on it, in virtual
// time against the simulator's own export lifecycle: pure functions, no Temporal, no HTTP.
import { describe, expect, it } from 'vitest';
import { finishWindow, finishWindowOfRecent, type CountSpan } from '../../src/activities/export-window.js';
import { exportPollDelayMs, nextExportMemo, type ExportPollMemo } from '../../src/activities/polling.js';
import { exportProgress } from '../../src/simulator/model/exports.js';
import type { ExportJob } from '../../src/simulator/model/types.js';
import { mulberry32 } from '../../src/simulator/random.js';

const CREATED = 1_700_000_000_000;
const exportJob = (queuedMs: number, perCollectionMs: number, totalCollections: number) =>
  ({ id: 'e', createdAt: CREATED, queuedMs, perCollectionMs, totalCollections, outcome: 'success' }) as ExportJob;
const finishOf = (j: ExportJob) => j.createdAt + j.queuedMs + j.totalCollections * j.perCollectionMs;

/** awaitExport's loop: read, remember, wait the estimate (or the policy's backoff); returns how late it saw it done. */
function detectionLatencyMs(job: ExportJob): number {
  const polling = { initialIntervalSeconds: 4, maximumIntervalSeconds: 40, backoffCoefficient: 2 };
  const createdAt = new Date(Math.floor(job.createdAt / 1000) * 1000).toISOString();
  let memo: ExportPollMemo = {};
  let t = job.createdAt + 1_000;
  for (let attempt = 1; attempt < 10_000; attempt++) {
    const atlas = exportProgress(job, t);
    if (atlas.state === 'Successful') return t - atlas.finishedAt!;
    const exported = atlas.state === 'Queued' ? undefined : atlas.exported;
    const { totalCollections } = job;
    const sample = { state: atlas.state, exportedCollections: exported, totalCollections, createdAt };
    memo = nextExportMemo(memo, sample, t);
    const backoff = Math.min(4 * 2 ** (attempt - 1), 40) * 1000;
    t += exportPollDelayMs(polling, sample, t, memo) ?? backoff;
  }
  throw new Error('the poll loop never saw the export done');
}

describe('export finish window', () => {
  it('always holds the true finish, whatever the rate and the phase of the reads', () => {
    const random = mulberry32(7);
    let windows = 0;
    for (let n = 0; n < 60; n++) {
      // Exports of 1-60 minutes, 1-200 collections (bench/export-estimate.ts's mix).
      const totalMs = (1 + random() * 59) * 60_000;
      const collections = 1 + Math.floor(random() * 200);
      const job = exportJob(random() * 60_000, totalMs / collections, collections);
      const finish = finishOf(job);
      let memo: ExportPollMemo = {};
      for (let t = CREATED + 1_000; t < finish; t += 1_000 + random() * 39_000) {
        const p = exportProgress(job, t);
        memo = nextExportMemo(memo, { state: p.state, exportedCollections: p.exported }, t);
        const w = finishWindow(memo.spans!, job.totalCollections, memo.lastQueuedAtMs ?? CREATED);
        if (!w) continue;
        windows++;
        expect(w.earliestMs).toBeLessThanOrEqual(finish + 1);
        expect(w.latestMs).toBeGreaterThanOrEqual(finish - 1);
      }
    }
    expect(windows).toBeGreaterThan(500);
  });

  it('narrows to well under one read gap as reads fall at different phases of the collections', () => {
    // 7 s per collection, read every 20 s: after 6 minutes the window is under 3 s wide.
    const job = exportJob(0, 7_000, 60);
    let memo: ExportPollMemo = {};
    for (let t = CREATED + 1_000; t < CREATED + 360_000; t += 20_000) {
      const p = exportProgress(job, t);
      memo = nextExportMemo(memo, { state: p.state, exportedCollections: p.exported }, t);
    }
    const w = finishWindow(memo.spans!, 60, CREATED)!;
    expect(w.latestMs - w.earliestMs).toBeLessThan(3_000);
    // Within a millisecond: the searches stop at a micro-second of time per collection.
    expect(w.earliestMs).toBeLessThanOrEqual(finishOf(job) + 1);
    expect(w.latestMs).toBeGreaterThanOrEqual(finishOf(job) - 1);
  });

  it('sees a slow-collection export done within seconds, not up to a read gap late', () => {
    // Few long collections, reads 40 s apart (the default cap): the estimate from the last count
    // change alone was 8-24 s late on these (bench/export-estimate.ts's worst cases).
    expect(detectionLatencyMs(exportJob(100_000, 366_400, 9))).toBeLessThan(5_000);
    expect(detectionLatencyMs(exportJob(20_000, 92_700, 33))).toBeLessThan(5_000);
    expect(detectionLatencyMs(exportJob(200_000, 50_700, 37))).toBeLessThan(5_000);
  });

  it('falls back to the newest reads that agree when the rate changes', () => {
    // 1 s per collection for counts 1-5 (read as they happen), then 10 s each from count 5 on.
    const fast: CountSpan[] = [1, 2, 3, 4, 5].map((c) => [c, c * 1_000, c * 1_000 + 900]);
    const slow: CountSpan[] = [6, 7, 8].map((c) => [c, 5_000 + (c - 5) * 10_000, 5_000 + (c - 5) * 10_000 + 9_000]);
    const spans = [...fast, ...slow];
    expect(finishWindow(spans, 10, 0)).toBeUndefined();
    const w = finishWindowOfRecent(spans, 10, 0)!;
    // At 10 s per collection from 5 s: done at 55 s.
    expect(w.earliestMs).toBeLessThanOrEqual(55_000);
    expect(w.latestMs).toBeGreaterThanOrEqual(55_000);
  });

  it('keeps memos small: a span per count, the oldest and the newest 119 of them', () => {
    const older = { firstProgress: { atMs: 1, exported: 3 } };
    let memo: ExportPollMemo = nextExportMemo(older, { exportedCollections: 3 }, 10);
    // A memo from an older worker (other fields) starts the spans afresh.
    expect(memo.spans).toEqual([[3, 10, 10]]);
    memo = nextExportMemo(memo, { exportedCollections: 3 }, 20);
    expect(memo.spans).toEqual([[3, 10, 20]]);
    for (let c = 4; c < 300; c++) memo = nextExportMemo(memo, { exportedCollections: c }, c * 100);
    expect(memo.spans).toHaveLength(120);
    expect(memo.spans![0]).toEqual([3, 10, 20]);
    expect(memo.spans!.at(-1)).toEqual([299, 29_900, 29_900]);
  });
});
