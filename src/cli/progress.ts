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

/** One line: "  export      [████░░░░] 40% 4/10 collections". */
export function exportBarLine(progress: ExportProgress, width = 80): string {
  const ratio =
    progress.totalCollections > 0 ? Math.min(1, progress.exportedCollections / progress.totalCollections) : 0;
  const params = {
    progress: ratio,
    eta: 0,
    startTime: Date.now(),
    stopTime: null,
    total: progress.totalCollections,
    value: progress.exportedCollections,
    maxWidth: width,
  };
  return (cliProgress.Format.Formatter as unknown as (o: object, p: object, payload: object) => string)(
    OPTIONS,
    params,
    {},
  );
}
