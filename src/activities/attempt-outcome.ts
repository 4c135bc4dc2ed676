// Could an earlier attempt of a create step have created its resource in Atlas? Only then must a
// retry look for it (a list/lookup request) before creating again. An attempt whose create Atlas
// answered with a 4xx (429 included) created nothing; one that never sent its create (refused
// earlier, e.g. by a 429 on the cluster read) created nothing; a timeout, a dropped connection, a
// 5xx or an unreadable 2xx may have committed. Pure, so it is unit-tested directly.
//
// How a create activity uses it (a mark travels from attempt to attempt in the heartbeat details,
// which Temporal hands to the next attempt as `Context.current().info.heartbeatDetails`; the
// worker sends the last heartbeat with the failed attempt):
//   const before = Context.current().info.heartbeatDetails;
//   const existing = mayHaveCreated(attempt, before) ? await steps.find() : undefined;
//   Context.current().heartbeat(createMark(attempt, before, 'sent'));   // just before the POST
//   ... on failure: Context.current().heartbeat(createMark(attempt, before, createOutcomeOf(err, createOp, sent)));
import { AtlasApiError } from '../atlas/index.js';

/** What one attempt's create did: never sent, refused (nothing created), ambiguous, or in flight. */
export type CreateOutcome = 'not-sent' | 'refused' | 'ambiguous' | 'sent';

/** Heartbeat details a create attempt leaves for the next one. */
export interface CreateMark {
  /** True once any attempt so far may have created the resource (sticky over attempts). */
  createMayHaveCommitted: boolean;
}

/** Client-side codes for a request that never left the worker. */
const NEVER_SENT = new Set(['INVALID_PARAMETER', 'INVALID_REQUEST_BODY']);

/**
 * Classifies the error that ended an attempt whose create request is `createOperation`. Errors of
 * another operation (the cluster read, a token request) or of our own code before the POST mean the
 * create was not sent; anything we cannot tell is ambiguous.
 */
export function createOutcomeOf(err: unknown, createOperation: string, createSent = true): CreateOutcome {
  if (!createSent) return 'not-sent';
  if (!(err instanceof AtlasApiError)) return 'ambiguous';
  if (err.operation !== createOperation || NEVER_SENT.has(err.errorCode)) return 'not-sent';
  const status = err.httpStatus;
  // A 4xx is Atlas refusing the request: validated and rejected before anything was stored.
  if (status !== undefined && status >= 400 && status < 500) return 'refused';
  return 'ambiguous';
}

function isMark(details: unknown): details is CreateMark {
  if (typeof details !== 'object' || details === null) return false;
  return typeof (details as CreateMark).createMayHaveCommitted === 'boolean';
}

/**
 * Whether attempt `attempt` must look for a resource an earlier attempt may have created. The
 * first attempt never looks; later ones skip the lookup only when every earlier attempt left a
 * mark saying its create could not have committed (no mark — an older worker, a crash mid-call,
 * a heartbeat lost — means look).
 */
export function mayHaveCreated(attempt: number, previousDetails: unknown): boolean {
  if (attempt <= 1) return false;
  return isMark(previousDetails) ? previousDetails.createMayHaveCommitted : true;
}

/** The mark after this attempt's create ended with `outcome`, carrying earlier attempts' verdicts. */
export function createMark(attempt: number, previousDetails: unknown, outcome: CreateOutcome): CreateMark {
  const earlier = mayHaveCreated(attempt, previousDetails);
  const now = outcome === 'ambiguous' || outcome === 'sent';
  return { createMayHaveCommitted: earlier || now };
}
