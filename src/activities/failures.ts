// Turns Atlas outcomes into Temporal outcomes, by the contract's one retry table: retry it (409,
// 429, 5xx, network, UNFINISHED_ON_DEMAND_SNAPSHOT), stop (other 4xx, permanent 409s), or "not
// finished yet" (retry-as-poll).
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { AtlasApiError } from '../atlas/index.js';
import { adviceForAtlasError, NOT_FINISHED, type TerminalFailureType } from '../contract/index.js';

export interface CallContext {
  operation: string;
  groupId: string;
  clusterName?: string;
  /** The run's workflow type, so advice fits its command; defaults to the current activity's. */
  workflowType?: string;
}

function where(ctx: CallContext): string {
  return ctx.clusterName ? `cluster '${ctx.clusterName}' in project ${ctx.groupId}` : `project ${ctx.groupId}`;
}

/** Maps any error thrown by an Atlas call to the failure Temporal should see. */
export function toActivityFailure(err: unknown, ctx: CallContext): Error {
  if (err instanceof ApplicationFailure) return err;
  if (!(err instanceof AtlasApiError)) {
    // Our own bug or an unexpected runtime error: let Temporal retry it under the step deadline.
    return err instanceof Error ? err : new Error(String(err));
  }
  const status = err.httpStatus ? `HTTP ${err.httpStatus} ` : '';
  const detail = err.detail?.trim().replace(/\.+$/, '');
  const base = `${ctx.operation} for ${where(ctx)}: Atlas ${status}${err.errorCode}${detail ? ` — ${detail}` : ''}`;
  const details = [err.toJSON()];
  if (err.retryable) {
    return ApplicationFailure.create({
      message: `${base} (will retry)`,
      type: err.errorCode || (err.httpStatus ? `HTTP_${err.httpStatus}` : 'NETWORK_ERROR'),
      nonRetryable: false,
      details,
      // Atlas said when to come back: honour it instead of the policy's backoff, with jitter.
      nextRetryDelay: err.retryAfterSeconds !== undefined ? retryAfterDelayMs(err.retryAfterSeconds) : undefined,
    });
  }
  return ApplicationFailure.create({
    message: `${base}. ${adviceForAtlasError(err.httpStatus, err.errorCode, workflowTypeOf(ctx))}`,
    type: err.errorCode || `HTTP_${err.httpStatus ?? 'ERROR'}`,
    nonRetryable: true,
    details,
  });
}

/** Share of Retry-After added at random, so attempts refused in the same second do not all wake together. */
export const RETRY_AFTER_JITTER = 0.5;

/**
 * The delay before retrying a request Atlas answered with Retry-After: never sooner than it asked,
 * plus up to RETRY_AFTER_JITTER of it at random (every attempt refused by a busy project would
 * otherwise come back in the same second and collide again).
 */
export function retryAfterDelayMs(retryAfterSeconds: number, random: () => number = Math.random): number {
  const base = Math.max(retryAfterSeconds, 0.1) * 1000;
  return Math.round(base * (1 + RETRY_AFTER_JITTER * random()));
}

// Activities are shared by both workflows: the activity context says whose step this is.
const workflowTypeOf = (ctx: CallContext): string | undefined =>
  ctx.workflowType ?? asyncLocalStorage.getStore()?.info.workflowType;

/** Runs one Atlas call and translates its failure. */
export async function atlasCall<T>(ctx: CallContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err, ctx);
  }
}

/**
 * "Not finished yet": a benign, retryable failure. The activity's retry policy is the poll loop, so
 * waiting adds no workflow history per poll; `details` carry the latest Atlas state for status views.
 * Without a delay of its own (an export's completion estimate), the policy's backoff sets the next poll.
 */
export function notFinished(
  message: string,
  delayMs: number | undefined,
  details: Record<string, unknown>,
): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: NOT_FINISHED,
    nonRetryable: false,
    details: [details],
    nextRetryDelay: delayMs !== undefined ? Math.max(1, Math.round(delayMs)) : undefined,
    category: ApplicationFailureCategory.BENIGN,
  });
}

/** A terminal Atlas state (snapshot failed, export Failed, restore cancelled...): stop the step. */
export function terminalFailure(
  type: TerminalFailureType,
  message: string,
  details: Record<string, unknown>,
): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true, details: [details] });
}
