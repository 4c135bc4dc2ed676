// The two shapes every Atlas activity takes: create-or-adopt (a create that converges to one
// resource when its attempt is retried) and poll-once (one status read per attempt; the retry
// policy is the poll loop).
import { Context } from '@temporalio/activity';
import type { AwaitedResource, CreatedResource, PollDetails, TerminalFailureType } from '../contract/index.js';
import type { AttemptCalls } from './calls.js';
import { notFinished, terminalFailure } from './failures.js';

export interface CreateSteps<R> {
  /** Looks for the resource an earlier attempt of this step created (tag or exact request match). */
  find: () => Promise<R | undefined>;
  create: () => Promise<R>;
  id: (r: R) => string;
  state: (r: R) => string | undefined;
}

/**
 * Creates the step's resource, or adopts the one an earlier attempt created (a dropped response,
 * a worker crash). The first attempt never looks: what it could find was made by someone else.
 */
export async function createOrAdopt<R>(
  calls: AttemptCalls,
  steps: CreateSteps<R>,
): Promise<CreatedResource & { resource: R }> {
  const attempts = Context.current().info.attempt;
  const existing = attempts > 1 ? await steps.find() : undefined;
  const resource = existing ?? (await steps.create());
  return {
    id: steps.id(resource),
    state: steps.state(resource),
    adopted: existing !== undefined,
    requests: calls.requests,
    attempts,
    resource,
  };
}

/** What one status read of an Atlas job found. */
export interface PollVerdict {
  state: string;
  /** Finished: the step's result. */
  done?: { finishedAt?: string; facts: Record<string, unknown> };
  /** Over without success: the step fails with this type and message. */
  terminal?: { type: TerminalFailureType; message: string; details?: Record<string, unknown> };
  /** Export progress, shown by status views while the job runs. */
  progress?: { exportedCollections?: number; totalCollections?: number };
  /** A better moment for the next read than the policy's backoff (an export's estimate). */
  nextPollMs?: number;
}

/** One poll: returns when the job is done, fails the step when it ended badly, else "not finished". */
export async function pollOnce(
  resource: PollDetails['resource'],
  id: string,
  label: string,
  read: () => Promise<PollVerdict>,
): Promise<AwaitedResource> {
  const attempts = Context.current().info.attempt;
  const v = await read();
  if (v.done) return { state: v.state, attempts, finishedAt: v.done.finishedAt, facts: v.done.facts };
  if (v.terminal)
    throw terminalFailure(v.terminal.type, v.terminal.message, { resource, id, state: v.state, ...v.terminal.details });
  const details: PollDetails = {
    resource,
    id,
    state: v.state,
    ...v.progress,
    ...(v.nextPollMs !== undefined ? { nextPollMs: v.nextPollMs } : {}),
  };
  throw notFinished(`${label} is ${v.state}`, v.nextPollMs, { ...details });
}
