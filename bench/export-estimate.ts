// Export detection latency of the export poll estimate (issue 11 point 14), in virtual time: the
// awaitExport poll loop (Temporal's retry backoff, or the estimate's nextRetryDelay when there is
// one) against the simulator's own export lifecycle (src/simulator/model/exports.ts), over a mix of
// exports of 1–60 minutes with 0–5 minutes of queue, Atlas's whole-second createdAt and a worker
// clock up to ±2 s off. Compares today's estimator with the one before it. Runs in under a second,
// so it can cover hundreds of exports; end to end figures are bench/pipeline.ts's.
//
//   node --import tsx bench/export-estimate.ts [--json] [--exports 500]
import { exportPollDelayMs, nextExportMemo, type ExportPollMemo } from '../src/activities/polling.js';
import { pollingSchema } from '../src/contract/index.js';
import { exportProgress } from '../src/simulator/model/exports.js';
import type { ExportJob } from '../src/simulator/model/types.js';
import { mulberry32 } from '../src/simulator/random.js';

const json = process.argv.includes('--json');
/** The pipeline's default polling (the contract's defaults). */
const DEFAULT_POLLING = pollingSchema().parse({});
const i = process.argv.indexOf('--exports');
const count = i >= 0 ? Number(process.argv[i + 1]) : 500;
if (!Number.isInteger(count) || count < 1 || count > 100_000) throw new Error('--exports must be 1..100000');

/** The estimator before issue 11 point 14: rate measured from createdAt, queue time included. */
function before(job: { exportedCollections?: number; totalCollections?: number; createdAt?: string }, now: number) {
  const { exportedCollections: done, totalCollections: total, createdAt } = job;
  const started = createdAt ? Date.parse(createdAt) : NaN;
  if (!done || !total || done >= total || !Number.isFinite(started) || now <= started) return undefined;
  const remaining = (total - done) * ((now - started) / done);
  const p = DEFAULT_POLLING;
  return Math.min(Math.max(remaining, p.initialIntervalSeconds * 1000), p.maximumIntervalSeconds * 1000);
}

type Estimator = 'before' | 'now';

/** Polls one export as awaitExport does; returns detection latency (ms) and the number of reads. */
function pollLoop(job: ExportJob, skewMs: number, estimator: Estimator) {
  const p = DEFAULT_POLLING;
  const createdAt = new Date(Math.floor(job.createdAt / 1000) * 1000).toISOString();
  let t = job.createdAt + 1_000; // the first poll follows the create by about a second
  let memo: ExportPollMemo = {};
  for (let attempt = 1; ; attempt++) {
    const atlas = exportProgress(job, t);
    if (atlas.state === 'Successful') return { latencyMs: t - atlas.finishedAt!, reads: attempt };
    const workerNow = t + skewMs;
    const sample = {
      state: atlas.state,
      exportedCollections: atlas.state === 'Queued' ? undefined : atlas.exported,
      totalCollections: job.totalCollections,
      createdAt,
    };
    memo = nextExportMemo(memo, sample, workerNow);
    const estimate = estimator === 'now' ? exportPollDelayMs(p, sample, workerNow, memo) : before(sample, workerNow);
    const backoff = Math.min(
      p.initialIntervalSeconds * p.backoffCoefficient ** (attempt - 1),
      p.maximumIntervalSeconds,
    );
    t += estimate ?? backoff * 1000;
  }
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const round = (x: number) => Math.round(x * 10) / 10;

const random = mulberry32(14);
const jobs = Array.from({ length: count }, (_, n) => {
  const totalMs = (1 + random() * 59) * 60_000;
  const totalCollections = 1 + Math.floor(random() * 200);
  const job = {
    id: `e${n}`,
    createdAt: 1_700_000_000_000 + Math.floor(random() * 1000),
    queuedMs: random() * 300_000,
    perCollectionMs: totalMs / totalCollections,
    totalCollections,
    outcome: 'success',
  } as unknown as ExportJob;
  return { job, skewMs: (random() * 2 - 1) * 2_000 };
});

const figures = Object.fromEntries(
  (['before', 'now'] as Estimator[]).map((e) => {
    const runs = jobs.map(({ job, skewMs }) => pollLoop(job, skewMs, e));
    const lat = runs.map((r) => r.latencyMs / 1000);
    const reads = runs.map((r) => r.reads);
    return [
      e,
      {
        detectionP50Seconds: round(pct(lat, 0.5)),
        detectionP90Seconds: round(pct(lat, 0.9)),
        readsPerExportMean: round(reads.reduce((a, b) => a + b, 0) / reads.length),
      },
    ];
  }),
);
const targets = { p50: 5, p90: 15 };
const out = { bench: 'export-estimate', exports: count, polling: DEFAULT_POLLING, figures, targets };
if (json) console.log(JSON.stringify(out));
else {
  console.log(`${count} exports of 1–60 min (queued 0–5 min), default polling ${JSON.stringify(DEFAULT_POLLING)}`);
  for (const [e, f] of Object.entries(figures)) {
    console.log(
      `${e.padEnd(7)} detection p50 ${f.detectionP50Seconds} s, p90 ${f.detectionP90Seconds} s; ` +
        `${f.readsPerExportMean} reads per export`,
    );
  }
  console.log('targets: p50 ≤ 5 s, p90 ≤ 15 s');
}
