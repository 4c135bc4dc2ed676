// How a run ends when it does not complete: telling the run's own cancellation apart from a
// failure, and turning a failure into the ApplicationFailure that ends the run.
import { ActivityFailure, ApplicationFailure, CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import type { z } from 'zod';
import { formatIssues, type LaterRule, type RunStatus } from '../contract/index.js';

/**
 * Validates a run's input on entry: a start from any client (CLI, UI, Schedule, another SDK) meets
 * the same rules, and a bad one fails the run at once, naming every field. Rules added after the
 * first release apply only under their patch, so a replayed older run is judged as it was then.
 */
export function parseWorkflowInput<S extends z.ZodType>(
  schema: S,
  laterRules: LaterRule<z.output<S>>[],
  request: unknown,
  workflow: string,
): z.output<S> {
  const parsed = schema.safeParse(request);
  const problems = parsed.success
    ? laterRules.filter((r) => patched(r.patchId)).flatMap((r) => r.problems(parsed.data).map((p) => p.message))
    : formatIssues(parsed.error);
  if (problems.length) {
    throw ApplicationFailure.create({
      type: 'InvalidInput',
      nonRetryable: true,
      message: `Invalid ${workflow} input: ${problems.join('; ')}`,
    });
  }
  return parsed.data as z.output<S>;
}

/**
 * A cancel that arrives while an activity attempt is failing retryably ends that activity as a
 * failure with retryState CANCEL_REQUESTED, not as a cancellation: it is still the run's cancel.
 */
export const wasCancelled = (err: unknown): boolean =>
  isCancellation(err) ||
  (err instanceof ActivityFailure && err.retryState === 'CANCEL_REQUESTED') ||
  CancellationScope.current().consideredCancelled;

/**
 * Records the failure (message, Atlas errorCode or failure type, step) in the run's status and
 * returns the non-retryable failure that ends the run, carrying the run's summary in its details.
 */
export function runFailure(
  err: unknown,
  status: RunStatus<string>,
  run: { what: string; defaultType: string; summary: () => unknown },
): ApplicationFailure {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const type = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
  const step = status.steps.at(-1)?.name;
  status.lastError = { message, type, step };
  return ApplicationFailure.create({
    type: type ?? run.defaultType,
    nonRetryable: true,
    message: `${run.what} failed at step ${step ?? 'start'}: ${message}`,
    details: [run.summary()],
  });
}
