// Input rules beyond each field's own type: limits Atlas and Temporal can represent, consent and
// download targets. The input schemas apply them, so every edge (CLI, library, schedules) and the
// workflows themselves judge a start by the same rules, naming each field.

/** What a rule reports: the field's dotted path and the message that names it and the rule. */
export interface RuleProblem {
  path: string;
  message: string;
}

/** Atlas's `int32` fields (the spec's format) reject anything above this. */
export const INT32_MAX = 2 ** 31 - 1;
/** Temporal's durations are whole milliseconds: a shorter interval is refused when the step starts. */
export const MIN_SECONDS = 0.001;

/** Each given number at `path` must be at most INT32_MAX. */
export function int32Problems(fields: Record<string, number | undefined>): RuleProblem[] {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v > INT32_MAX)
    .map(([path]) => ({ path, message: `${path} must be at most ${INT32_MAX} (Atlas stores it as a 32-bit integer)` }));
}

/** Each given interval must be at least MIN_SECONDS. */
export function secondsProblems(fields: Record<string, number | undefined>): RuleProblem[] {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined && v < MIN_SECONDS)
    .map(([path]) => ({
      path,
      message: `${path} must be at least ${MIN_SECONDS} seconds (Temporal counts whole milliseconds)`,
    }));
}

interface Backoff {
  initialIntervalSeconds: number;
  maximumIntervalSeconds: number;
}

/** The seconds of a backoff, and its cap not below its start. */
export function backoffProblems(prefix: string, b: Backoff): RuleProblem[] {
  const problems = secondsProblems({
    [`${prefix}.initialIntervalSeconds`]: b.initialIntervalSeconds,
    [`${prefix}.maximumIntervalSeconds`]: b.maximumIntervalSeconds,
  });
  if (b.maximumIntervalSeconds < b.initialIntervalSeconds) {
    problems.push({
      path: `${prefix}.maximumIntervalSeconds`,
      message: `${prefix}.maximumIntervalSeconds must be >= ${prefix}.initialIntervalSeconds`,
    });
  }
  return problems;
}

/**
 * Export customData limits. Atlas's spec gives none; these keep the export request far below the
 * request size Atlas's gateway and our simulator accept (1 MiB) and the run's input far below
 * Temporal's payload limit (2 MB), which a 3 MB value hit as an unexplained "Failed to start".
 */
export const CUSTOM_DATA_KEY_MAX = 255;
export const CUSTOM_DATA_VALUE_MAX = 4096;

/** Each entry's key and value within the limits, naming the entry. */
export function customDataProblems(entries: { key: string; value: string }[] | undefined): RuleProblem[] {
  const problems: RuleProblem[] = [];
  (entries ?? []).forEach((e, i) => {
    const at = `export.customData.${i}`;
    if (e.key.length > CUSTOM_DATA_KEY_MAX)
      problems.push({ path: `${at}.key`, message: `${at}.key must be at most ${CUSTOM_DATA_KEY_MAX} characters` });
    if (e.value.length > CUSTOM_DATA_VALUE_MAX)
      problems.push({
        path: `${at}.value`,
        message: `${at}.value must be at most ${CUSTOM_DATA_VALUE_MAX} characters`,
      });
  });
  return problems;
}

/** Each step's overall deadline is a Temporal duration too: at least MIN_SECONDS. */
export function stepDeadlineProblems(t: {
  snapshotSeconds: number;
  exportSeconds: number;
  restoreSeconds: number;
}): RuleProblem[] {
  return secondsProblems({
    'timeouts.snapshotSeconds': t.snapshotSeconds,
    'timeouts.exportSeconds': t.exportSeconds,
    'timeouts.restoreSeconds': t.restoreSeconds,
  });
}

/** Why a download restore takes no target: the one wording `backup` and `dr` both refuse it with. */
export const DOWNLOAD_HAS_NO_TARGET =
  'must be omitted when deliveryType is download (Atlas hands out download links instead of restoring into a cluster)';

/** Each given target field of a download restore is refused, naming the field. */
export function downloadTargetProblems(
  deliveryType: string | undefined,
  fields: Record<string, string | undefined>,
): RuleProblem[] {
  if (deliveryType !== 'download') return [];
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([path]) => ({ path, message: `${path} ${DOWNLOAD_HAS_NO_TARGET}` }));
}

/** Adds a rule's problems to a zod refinement, naming each field. */
export function addProblems(
  ctx: { addIssue(issue: { code: 'custom'; path: string[]; message: string }): void },
  problems: RuleProblem[],
): void {
  for (const p of problems) ctx.addIssue({ code: 'custom', path: p.path.split('.'), message: p.message });
}
