// The export progress bar of the live view. The status block above it is redrawn in place, so the
// bar is rendered to a string with cli-progress's formatter instead of letting a bar own the cursor.
import cliProgress from 'cli-progress';
import type { ExportProgress } from '../contract/index.js';

const BAR_SIZE = 30;
const OPTIONS = {
  format: '  export      [{bar}] {percentage}% {value}/{total} collections',
  barsize: BAR_SIZE,
  barCompleteString: cliProgress.Presets.shades_classic.barCompleteChar.repeat(BAR_SIZE),
  barIncompleteString: cliProgress.Presets.shades_classic.barIncompleteChar.repeat(BAR_SIZE),
  barGlue: '',
  autopadding: false,
  autopaddingChar: ' ',
  align: 'left',
};

/** When Atlas's count was read and when the export began (its create answered), for an estimate. */
export interface ReadTimes {
  readAtMs: number;
  startedAtMs: number;
  nowMs?: number;
}

/**
 * Collections done by now, from the last read's count and the rate since the export began: Atlas is
 * read only now and then (an export's reads are spaced by its own estimate), so between reads the
 * count it said is stale. Never the total: only Atlas says an export finished. Undefined without a
 * rate (nothing done at the read).
 */
export function estimatedCollections(progress: ExportProgress, t: ReadTimes): number | undefined {
  const { exportedCollections: done, totalCollections: total } = progress;
  const sinceStart = t.readAtMs - t.startedAtMs;
  if (done <= 0 || done >= total || sinceStart <= 0) return undefined;
  const perMs = done / sinceStart;
  const now = t.nowMs ?? Date.now();
  return Math.max(done, Math.min(total - 1, Math.floor(done + perMs * Math.max(0, now - t.readAtMs))));
}

const ageText = (ms: number) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 60_000)} min`);

/**
 * One line: "  export      [████░░░░] 40% 4/10 collections"; with read times, the estimate between
 * reads, labelled with the age of Atlas's own count: "~6/10 collections (estimated; Atlas: 4/10, 40 s ago)".
 */
export function exportBarLine(progress: ExportProgress, width = 80, times?: ReadTimes): string {
  const total = progress.totalCollections;
  const estimate = times && estimatedCollections(progress, times);
  const value = estimate ?? progress.exportedCollections;
  const ratio = total > 0 ? Math.min(1, value / total) : 0;
  const age = times && ageText(Math.max(0, (times.nowMs ?? Date.now()) - times.readAtMs));
  const said = `${progress.exportedCollections}/${total}`;
  const label =
    estimate !== undefined
      ? `~${estimate}/${total} collections (estimated; Atlas: ${said}, ${age} ago)`
      : `${said} collections${age ? ` (read ${age} ago)` : ''}`;
  const params = {
    progress: ratio,
    eta: 0,
    startTime: Date.now(),
    stopTime: null,
    total,
    value,
    maxWidth: width,
  };
  return (cliProgress.Format.Formatter as unknown as (o: object, p: object, payload: object) => string)(
    { ...OPTIONS, format: OPTIONS.format.replace('{value}/{total} collections', label) },
    params,
    {},
  );
}
