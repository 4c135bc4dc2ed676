// The two shapes every Atlas activity takes: create-or-adopt (a create that converges to exactly
// one resource when its attempt is retried or its answer is lost) and poll-once (one status read per
// attempt; the retry policy is the poll loop), in poll-once.ts.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { CreatedResource } from '../contract/index.js';
import type { AttemptCalls } from './calls.js';

export { pollOnce, shapeOf, type PollShape, type PollVerdict } from './poll-once.js';

/** The failure type of an attempt that waits out an ambiguous create before looking again. */
export const AWAITING_COMMIT_HORIZON = 'AwaitingCommitHorizon';

export interface CreateSteps<R> {
  /** What a message calls one resource of this step ("snapshot", "export job"...). */
  label: string;
  /** Every resource that carries this run's mark (tag, or exact request match), in any order. */
  ours: () => Promise<R[]>;
  create: () => Promise<R>;
  id: (r: R) => string;
  state: (r: R) => string | undefined;
  /** When Atlas created it (createdAt, else the ObjectId's seconds): the oldest is kept. */
  createdAt: (r: R) => number | undefined;
  /** Removes a duplicate (delete or cancel) and says what it did; absent where Atlas cannot. */
  discard?: (r: R) => Promise<string>;
}

/**
 * An attempt's last word to the next one, left in its heartbeat details only when it fails (the
 * failure report carries them to the server, no heartbeat call of its own is needed): the attempt
 * that wrote it, and since when a create of the run may be committing unseen, or that none can be.
 */
interface SendRecord {
  /** The attempt that wrote it; absent in records of workers before 2026-12 (a send time written before the send). */
  attempt?: number;
  /** A create sent at this time may still commit: no attempt creates again until the horizon after it. */
  createSentAt?: number;
  /** Nothing of this run can commit (Atlas refused the create, a 4xx): the next attempt need not look. */
  nothingCreated?: true;
}

/**
 * Since when a create that an earlier attempt may have sent can be committing (undefined: none can).
 * The last attempt's record says; when it left none (the worker died, the attempt timed out) it may
 * have sent at any moment before this attempt began, so this attempt's start stands for that send.
 */
function pendingSendOf(details: unknown, attempt: number, startedAt: number): number | undefined {
  if (attempt <= 1) return undefined;
  const record = details as SendRecord | undefined;
  const lastWord = record !== undefined && (record.attempt === undefined || record.attempt === attempt - 1);
  if (!lastWord) return startedAt;
  if (record.nothingCreated === true) return undefined;
  return typeof record.createSentAt === 'number' ? record.createSentAt : startedAt;
}

/** Network errors of the connect phase (no connection, no name): the request never left the worker. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * A failed create may still commit at Atlas when the request may have arrived: a timeout, a reset,
 * a 5xx or a bug of ours. A 4xx (including 409 and 429) is Atlas refusing it, and a connect failure
 * never reached it: nothing was created.
 */
export function mayHaveCommitted(err: unknown): boolean {
  if (!(err instanceof ApplicationFailure)) return true;
  if (err.nonRetryable) return false;
  const { httpStatus, detail } = (err.details?.[0] ?? {}) as { httpStatus?: number; detail?: string };
  if (httpStatus === undefined) return !(detail !== undefined && NEVER_SENT.has(detail));
  return httpStatus >= 500;
}

/** Retryable and benign: the next attempt comes when an ambiguous create can no longer commit unseen. */
function waitForHorizon(label: string, sentAt: number, delayMs: number): ApplicationFailure {
  return ApplicationFailure.create({
    message:
      `A ${label} create sent at ${new Date(sentAt).toISOString()} got no clear answer, none is found yet and it ` +
      `may still commit in Atlas: looking again in ${Math.ceil(delayMs / 1000)} s before creating another.`,
    type: AWAITING_COMMIT_HORIZON,
    nonRetryable: false,
    nextRetryDelay: Math.max(1, Math.ceil(delayMs)),
    category: ApplicationFailureCategory.BENIGN,
  });
}

/**
 * The same failure, retried on the step's own schedule: the next attempt looks for what this create
 * may have made before it sends another (and waits out the horizon only if it finds nothing).
 */
function lookFirstNextTime(err: ApplicationFailure | Error): Error {
  if (!(err instanceof ApplicationFailure)) return err;
  return ApplicationFailure.create({
    message: `${err.message} [the create may still commit: the next attempt looks for it first]`,
    type: err.type ?? undefined,
    nonRetryable: false,
    details: err.details ?? undefined,
    nextRetryDelay: err.nextRetryDelay ?? undefined,
  });
}

/**
 * Right after a create that may have committed: what carries the run's mark is returned to adopt in
 * this attempt; while nothing does, the step waits out the horizon; a look that fails itself leaves
 * the looking to the next attempt.
 */
async function lookAtOnce<R>(steps: CreateSteps<R>, err: Error, sentAt: number, horizonMs: number): Promise<R[]> {
  let now: R[];
  try {
    now = await steps.ours();
  } catch {
    throw lookFirstNextTime(err);
  }
  if (now.length === 0) throw waitForHorizon(steps.label, sentAt, sentAt + horizonMs - Date.now());
  return now;
}

/**
 * Creates the step's resource, or adopts the one an earlier attempt created (a dropped response,
 * a worker crash), so that each step ends with exactly one resource:
 * - after an ambiguous outcome (a reset, a dropped answer, a 5xx) the same attempt looks at once and
 *   adopts what committed; only while nothing is found does no attempt create again until
 *   `horizonMs` after that send (Temporal's retry does the waiting, and the attempt after it looks
 *   again before creating);
 * - an attempt that fails leaves the next one its send time, or that nothing can commit (a 4xx:
 *   Atlas made nothing, and whatever came before had been looked for; under 429 storms the lookups
 *   of such retries were most of a project's requests). One that ends without a word (a crash, a
 *   timeout) may have sent at any moment: the next attempt looks and, finding nothing, waits the
 *   horizon from its own start. No heartbeat precedes a send: each is a server write, three per run;
 * - a retry looks for the run's resources first (the first attempt never looks: what it could find
 *   was made by someone else), unless nothing of the run can commit;
 * - every retried create ends by reconciling: of what carries the run's mark the oldest is kept, the
 *   others deleted or cancelled where Atlas allows, and `notes` say what happened (a first attempt's
 *   create is the only one there can be).
 */
export async function createOrAdopt<R>(
  calls: AttemptCalls,
  steps: CreateSteps<R>,
  horizonMs: number,
): Promise<CreatedResource & { resource: R }> {
  const ctx = Context.current();
  const attempts = ctx.info.attempt;
  const pending = pendingSendOf(ctx.info.heartbeatDetails, attempts, Date.now());
  // What this attempt leaves the next if it fails from here on.
  let record: SendRecord = pending === undefined ? { nothingCreated: true } : { createSentAt: pending };
  try {
    let found = pending !== undefined ? await steps.ours() : [];
    let created: R | undefined;
    if (found.length === 0) {
      const wait = pending === undefined ? 0 : pending + horizonMs - Date.now();
      if (wait > 0) throw waitForHorizon(steps.label, pending!, wait);
      const sentAt = Date.now();
      record = { createSentAt: sentAt };
      try {
        created = await steps.create();
      } catch (err) {
        if (!mayHaveCommitted(err)) {
          record = { nothingCreated: true }; // refused: nothing can commit
          throw err;
        }
        found = await lookAtOnce(steps, err as Error, sentAt, horizonMs);
      }
    }
    // What a retry just listed is current; after a retry's create, list again to see every copy. A first
    // attempt's create has no earlier one that could have committed: it is the only one, no list needed
    // (a list there cost every pipeline three requests, and could mistake someone else's identical
    // restore job for ours).
    const listed = created ? (attempts > 1 ? await steps.ours() : [created]) : found;
    const { keep, notes } = await reconcile(steps, listed, created);
    return {
      id: steps.id(keep),
      state: steps.state(keep),
      adopted: created === undefined || steps.id(keep) !== steps.id(created),
      requests: calls.requests,
      attempts,
      resource: keep,
      ...(notes.length ? { notes } : {}),
    };
  } catch (err) {
    ctx.heartbeat({ ...record, attempt: attempts } satisfies SendRecord);
    throw err;
  }
}

/** Oldest first; unknown times last; ties by id (ObjectIds sort by time within a second). */
function byAge<R>(steps: CreateSteps<R>): (a: R, b: R) => number {
  return (a, b) => {
    const ta = steps.createdAt(a) ?? Number.MAX_SAFE_INTEGER;
    const tb = steps.createdAt(b) ?? Number.MAX_SAFE_INTEGER;
    return ta - tb || steps.id(a).localeCompare(steps.id(b));
  };
}

/** Of what carries the run's mark, keeps the oldest and removes the rest where Atlas allows. */
async function reconcile<R>(
  steps: CreateSteps<R>,
  listed: R[],
  created: R | undefined,
): Promise<{ keep: R; notes: string[] }> {
  const all = [...listed];
  // A list may lag a create that just answered: ours is still one of them.
  if (created && !all.some((x) => steps.id(x) === steps.id(created))) all.push(created);
  all.sort(byAge(steps));
  const keep = all[0] ?? created!;
  const notes: string[] = [];
  for (const extra of all.slice(1)) {
    const what = `${steps.label} ${steps.id(extra)}`;
    const did = steps.discard
      ? await discardOrSay(() => steps.discard!(extra), what)
      : `Atlas offers no way to cancel it: ${what} keeps running`;
    notes.push(`Duplicate ${what} of this run (kept ${steps.id(keep)}, the oldest): ${did}.`);
  }
  return { keep, notes };
}

/** A refusal (the job already ended, a snapshot Atlas will not delete yet) is reported, not raised. */
async function discardOrSay(discard: () => Promise<string>, what: string): Promise<string> {
  try {
    return await discard();
  } catch (err) {
    // Retryable trouble fails the attempt: the retry adopts the oldest and reconciles again.
    if (!(err instanceof ApplicationFailure && err.nonRetryable)) throw err;
    return `Atlas refused to remove it (${err.type ?? 'error'}): ${what} stays`;
  }
}

/** Seconds of an ObjectId-shaped Atlas id (its first 4 bytes), in ms; undefined for other ids. */
export function objectIdTimeMs(id: string): number | undefined {
  return /^[0-9a-f]{24}$/i.test(id) ? Number.parseInt(id.slice(0, 8), 16) * 1000 : undefined;
}
