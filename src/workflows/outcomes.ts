// How a run ends when it does not complete: telling the run's own cancellation apart from a
// failure, and turning a failure into the ApplicationFailure that ends the run.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  isCancellation,
  upsertMemo,
} from '@temporalio/workflow';
import type { z } from 'zod';
import { formatIssues, RESULT_MEMO, type RunStatus } from '../contract/index.js';

/**
 * Validates a run's input on entry: a start from any client (CLI, UI, Schedule, another SDK) meets
 * the same rules (the schema's), and a bad one fails the run at once, naming every field.
 */
export function parseWorkflowInput<S extends z.ZodType>(schema: S, request: unknown, workflow: string): z.output<S> {
  const parsed = schema.safeParse(request);
  if (!parsed.success) {
    throw ApplicationFailure.create({
      type: 'InvalidInput',
      nonRetryable: true,
      message: `Invalid ${workflow} input: ${formatIssues(parsed.error).join('; ')}`,
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

/** The deadline that bounds a step: the input field that sets it, its seconds, the Atlas job it waits on. */
export interface StepDeadline {
  field: string;
  seconds: number;
  /** e.g. "Restore job 6b0…": what keeps running in Atlas after we stop waiting. */
  job?: string;
}

/** Ran past its deadline: Temporal ended the step's activity with retry state TIMEOUT. */
const pastDeadline = (err: unknown): boolean => err instanceof ActivityFailure && err.retryState === 'TIMEOUT';

/**
 * Which deadline ended the step, and truthfully how: Temporal also ends a step before its deadline
 * when the next attempt would start after it, so "ran past" is said only when it did.
 */
export function deadlineMessage(
  step: { startedAt: string } | undefined,
  d: StepDeadline,
  last: string,
  nowMs = Date.now(),
): string {
  // Whole seconds down: a step stopped at 14.6 s of 15 did not run past its deadline.
  const ran = step ? Math.floor((nowMs - Date.parse(step.startedAt)) / 1000) : undefined;
  const keeps = d.job ? ` ${d.job} keeps running in Atlas: check it there before starting another run.` : '';
  const limit = `${d.field} = ${d.seconds} s`;
  const how =
    ran === undefined
      ? `the step ran out of its deadline (${limit})`
      : ran >= d.seconds
        ? `the step ran past its deadline (${limit}, ran ${ran} s)`
        : `the step stopped ${d.seconds - ran} s short of its deadline (${limit}, ran ${ran} s): ` +
          'its next read would have come after it';
  const raise = `Raise ${d.field} if the job needs longer.`;
  return `${how};${keeps} ${raise} Last seen: ${last}`;
}

/** The Atlas state a failed wait last saw (its "not finished" details), if it says one. */
export function lastSeenState(cause: unknown): string | undefined {
  const details = cause instanceof ApplicationFailure ? cause.details?.[0] : undefined;
  const state = (details as { state?: unknown } | undefined)?.state;
  return typeof state === 'string' ? state : undefined;
}

/**
 * Records the failure (message, Atlas errorCode or failure type, step) in the run's status and
 * returns the non-retryable failure that ends the run, carrying the run's summary in its details.
 * A step that ran past its deadline says which deadline, how long it ran, and what keeps running.
 */
export function runFailure(
  err: unknown,
  status: RunStatus<string>,
  run: {
    what: string;
    defaultType: string;
    summary: () => unknown;
    deadline?: (step: string) => StepDeadline | undefined;
  },
): ApplicationFailure {
  const cause = err instanceof ActivityFailure && err.cause ? err.cause : err;
  const record = status.steps.at(-1);
  const step = record?.name;
  const deadline = pastDeadline(err) && step ? run.deadline?.(step) : undefined;
  const last = cause instanceof Error ? cause.message : String(cause);
  const message = deadline ? deadlineMessage(record, deadline, last) : last;
  const causeType = cause instanceof ApplicationFailure ? (cause.type ?? undefined) : undefined;
  // The state the message's "Last seen" names is the run's and the step's last Atlas state too.
  const seen = lastSeenState(cause);
  if (seen !== undefined) {
    status.lastAtlasState = seen;
    if (record) record.atlasState = seen;
  }
  const type = deadline ? 'StepDeadlineExceeded' : causeType;
  status.lastError = { message, type, step };
  return ApplicationFailure.create({
    type: type ?? run.defaultType,
    nonRetryable: true,
    message: `${run.what} failed at step ${step ?? 'start'}: ${message}`,
    details: [run.summary()],
  });
}

/**
 * A cancelled run, after its cleanup, ends Cancelled in Temporal: a cancellation carries no details,
 * so its summary goes to the memo first.
 */
export function cancelledEnding(summary: unknown, message: string): CancelledFailure {
  upsertMemo({ [RESULT_MEMO]: summary });
  return new CancelledFailure(message);
}
