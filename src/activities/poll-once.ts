// Poll-once: one status read of an Atlas job per activity attempt; the retry policy is the poll loop
// ("not finished" is a benign retryable failure carrying when to read next). Its pieces: the first
// attempt after the workflow's own create, the read's verdict, and the choice of the next read (the
// shifted backoff, or the job's expected end learned from the cluster's last run).
import { Context } from '@temporalio/activity';
import type { AwaitedResource, PollDetails, PollingSpec, TerminalFailureType } from '../contract/index.js';
import { expectedEndPollDelayMs, isExpectedEndMemo } from './expected-end.js';
import { notFinished, terminalFailure } from './failures.js';
import { sleepOffSlot } from './sleep-slots.js';

/** What one status read of an Atlas job found. */
export interface PollVerdict {
  state: string;
  /** Finished: the step's result. */
  done?: { finishedAt?: string; facts: Record<string, unknown> };
  /** Over without success: the step fails with this type and message. */
  terminal?: { type: TerminalFailureType; message: string; details?: Record<string, unknown> };
  /** Export or collection restore progress, shown by status views while the job runs. */
  progress?: {
    exportedCollections?: number;
    totalCollections?: number;
    restoredDocuments?: number;
    totalDocuments?: number;
  };
  /** A better moment for the next read than the policy's backoff (an export's estimate). */
  nextPollMs?: number;
}

/** How a wait reads beyond the policy's backoff (snapshot and restore waits; exports estimate instead). */
export interface PollShape {
  /** The workflow's own create just answered with this state: the first attempt does not read again. */
  created?: { state?: string };
  polling?: PollingSpec;
  /** The job's expected duration (the cluster's last one), looked up once by that first attempt. */
  expect?: () => Promise<number | undefined>;
}

/** A wait's shape from its input: skip the first read only after the workflow's own create. */
export function shapeOf(
  input: { created?: { state?: string }; polling?: PollingSpec },
  expect?: () => Promise<number | undefined>,
): PollShape {
  if (!input.created) return {};
  return { created: input.created, polling: input.polling, ...(expect ? { expect } : {}) };
}

/**
 * A delay chosen from an expectation stops short of the step's deadline (scheduleToClose): Temporal
 * gives up on a retry due after it, so a long gap there would end the step before its last read.
 */
function beforeDeadline(delayMs: number): number {
  const { scheduledTimestampMs, scheduleToCloseTimeoutMs } = Context.current().info;
  if (!scheduleToCloseTimeoutMs) return Math.round(delayMs);
  const left = scheduledTimestampMs + scheduleToCloseTimeoutMs - Date.now();
  return Math.max(1, Math.round(Math.min(delayMs, left - DEADLINE_MARGIN_MS)));
}
/** Room for the last read itself before the deadline. */
const DEADLINE_MARGIN_MS = 2_000;

/** What a wait with an expectation to learn carries between attempts (heartbeat details). */
interface WaitMemo {
  /** When the wait was scheduled: the learned duration is measured from it (src/runs/learned-durations.ts). */
  sinceMs: number;
  expectedMs?: number;
  /** The lookup was made and found nothing: the plain backoff goes on. */
  looked?: true;
}
const waitMemoOf = (x: unknown): WaitMemo | undefined =>
  typeof (x as WaitMemo | undefined)?.sinceMs === 'number' ? (x as WaitMemo) : undefined;

/**
 * The job's expectation, looked up once the wait has outlasted the backoff's ramp (its gap has
 * reached the maximum interval): before that the reads follow the plain backoff anyway, and jobs
 * that end within the ramp (most of a fleet's) never cost a lookup. None when the lookup fails.
 */
async function expectationOf(shape: PollShape, memo: WaitMemo): Promise<WaitMemo> {
  if (memo.expectedMs !== undefined || memo.looked || !shape.expect || !shape.polling) return memo;
  const { initialIntervalSeconds: initial, maximumIntervalSeconds: max, backoffCoefficient: k } = shape.polling;
  if (initial + ((Date.now() - memo.sinceMs) / 1000) * (k - 1) < max && k > 1) return memo;
  try {
    const expectedMs = await shape.expect();
    return expectedMs !== undefined && expectedMs > 0
      ? { sinceMs: memo.sinceMs, expectedMs }
      : { ...memo, looked: true };
  } catch (err) {
    // Only a better poll moment is lost: the policy's backoff still finds the job's end.
    Context.current().log.warn('No expected duration for this wait', { error: (err as Error).message });
    return { ...memo, looked: true };
  }
}

/** Where the poll is: the resource, its id and the label its messages use. */
interface Polled {
  resource: PollDetails['resource'];
  id: string;
  label: string;
}

/**
 * A just-created job's first attempt. The job is not read at once (the create's answer said it had
 * just started): the attempt waits one initial interval itself, then reads, so each paced activity
 * task still makes one Atlas request (src/client/project-pace.ts). An interval too long for one
 * attempt's timeout ends the first attempt without a read instead, and the retry policy's interval
 * brings the next. The interval counts from the wait's scheduling: time the task spent queued (behind
 * a project's pace) is time waited, so a task dispatched late reads at once. Returns whether this
 * wait's attempts wait in-attempt (true) or skipped the first read (false).
 */
async function firstAttemptWait(p: Polled, shape: PollShape): Promise<boolean> {
  const ctx = Context.current();
  const firstWaitMs = (shape.polling?.initialIntervalSeconds ?? 0) * 1000;
  const waitsInAttempt = firstWaitMs > 0 && firstWaitMs <= (ctx.info.startToCloseTimeoutMs ?? 0) / 2;
  if (shape.created === undefined || ctx.info.attempt !== 1) return waitsInAttempt;
  const state = shape.created.state ?? 'created';
  if (!waitsInAttempt)
    throw notFinished(`${p.label} was just created (${state}): first read to come`, undefined, {
      resource: p.resource,
      id: p.id,
      state,
    });
  const queuedMs = ctx.info.scheduledTimestampMs ? Math.max(0, Date.now() - ctx.info.scheduledTimestampMs) : 0;
  if (firstWaitMs > queuedMs) await sleepOffSlot(firstWaitMs - queuedMs);
  return waitsInAttempt;
}

/**
 * After a first attempt that waited in-attempt, it made the policy's first two reads' worth of
 * waiting (its wait, then its read): the policy's delays, one step on, keep the reads where the plain
 * backoff puts them.
 */
function backoffOneStepOn(polling: PollingSpec, attempts: number): number {
  const { initialIntervalSeconds: initial, maximumIntervalSeconds: max, backoffCoefficient: k } = polling;
  return Math.min(max, initial * k ** attempts) * 1000;
}

/** The next read chosen from the job's expected end, when the wait carries an expectation (else undefined). */
async function expectedEndDelayMs(shape: PollShape): Promise<number | undefined> {
  const ctx = Context.current();
  // Measured from the wait's first scheduling, as the learned duration is (src/runs/learned-durations.ts):
  // every attempt knows it, so only what a lookup found needs a heartbeat (each is a server write).
  const carried =
    waitMemoOf(ctx.info.heartbeatDetails) ??
    (shape.expect ? { sinceMs: ctx.info.scheduledTimestampMs || Date.now() } : undefined);
  if (!carried || !shape.polling) return undefined;
  const memo = await expectationOf(shape, carried);
  if (memo !== carried) ctx.heartbeat(memo); // for the attempts after this one
  if (!isExpectedEndMemo(memo)) return undefined;
  return beforeDeadline(expectedEndPollDelayMs(shape.polling, Date.now() - memo.sinceMs, memo.expectedMs));
}

/** When to read again: the read's own choice, else the expected end, else the shifted backoff. */
async function nextPollMsOf(v: PollVerdict, shape: PollShape, waitsInAttempt: boolean): Promise<number | undefined> {
  if (v.nextPollMs !== undefined) return v.nextPollMs;
  const shifted =
    shape.created !== undefined && waitsInAttempt && shape.polling
      ? backoffOneStepOn(shape.polling, Context.current().info.attempt)
      : undefined;
  return (await expectedEndDelayMs(shape)) ?? shifted;
}

/**
 * One poll: returns when the job is done, fails the step when it ended badly, else "not finished".
 * A job the workflow just created is not read on the first attempt (the create's answer said it had
 * just started): that attempt looks up the job's expected duration instead, and every later attempt
 * chooses its next read from it (expected-end.ts), carried in heartbeat details.
 */
export async function pollOnce(
  resource: PollDetails['resource'],
  id: string,
  label: string,
  shape: PollShape,
  read: () => Promise<PollVerdict>,
): Promise<AwaitedResource> {
  const attempts = Context.current().info.attempt;
  const waitsInAttempt = await firstAttemptWait({ resource, id, label }, shape);
  const v = await read();
  // Each attempt reads once, but a just-created job's first attempt made no read when it could not wait.
  const reads = attempts - (shape.created !== undefined && !waitsInAttempt ? 1 : 0);
  if (v.done) return { state: v.state, attempts, reads, finishedAt: v.done.finishedAt, facts: v.done.facts };
  if (v.terminal)
    throw terminalFailure(v.terminal.type, v.terminal.message, { resource, id, state: v.state, ...v.terminal.details });
  const nextPollMs = await nextPollMsOf(v, shape, waitsInAttempt);
  const details: PollDetails = {
    resource,
    id,
    state: v.state,
    ...v.progress,
    ...(nextPollMs !== undefined ? { nextPollMs } : {}),
  };
  throw notFinished(`${label} is ${v.state}`, nextPollMs, { ...details });
}
