// Which rate limit answers a request: the fault-mode per-project window when configured (stress
// tests), else Atlas's token bucket of the operation's endpoint set; and the RateLimit-* headers.
import { INT32_MAX } from '../model/dates.js';
import { SimError } from '../model/errors.js';
import { SET_OF } from '../model/rate-limit-sets.js';
import type { FaultInjector } from './faults.js';
import type { SimOperationId } from './sim-catalog.js';
import type { TokenBuckets } from './token-buckets.js';

export interface RateDecision {
  headers: Record<string, string>;
  /** The 429 to answer instead of running the operation. */
  refused?: SimError;
}

const UNLIMITED = { 'ratelimit-limit': String(INT32_MAX), 'ratelimit-remaining': String(INT32_MAX) };

export function rateLimit(
  deps: { faults: FaultInjector; buckets: TokenBuckets },
  caller: { path: string; principal?: string; ip?: string },
  operationId: SimOperationId,
  groupId: string,
): RateDecision {
  const limited = deps.faults.projectLimit(groupId);
  if (limited) {
    const headers = { 'ratelimit-limit': String(limited.limit), 'ratelimit-remaining': String(limited.remaining) };
    if (limited.retryAfter <= 0) return { headers };
    const detail = `Too many requests for group ${groupId}; limit is ${limited.limit} per minute.`;
    return {
      headers: { ...headers, 'retry-after': String(limited.retryAfter) },
      refused: new SimError(429, 'RATE_LIMITED', detail, [groupId]),
    };
  }
  const set = SET_OF[operationId];
  if (!set || !deps.buckets.enabled) return { headers: UNLIMITED };
  const key =
    set.scope === 'GROUP' ? groupId : set.scope === 'USER' ? (caller.principal ?? 'anonymous') : (caller.ip ?? '');
  const v = deps.buckets.take(set, key);
  const headers: Record<string, string> = deps.buckets.sendHeaders()
    ? { 'ratelimit-limit': String(v.limits.capacity), 'ratelimit-remaining': String(v.remaining) }
    : {};
  if (v.retryAfter === undefined) return { headers };
  // Atlas names the path without its leading slash, then retry-after, capacity, refill rate, period.
  const path = caller.path.replace(/^\//, '');
  const { capacity, refillRate, refillDurationSeconds } = v.limits;
  const detail =
    `Rate limit exceeded for ${path}. Please retry after ${v.retryAfter} seconds. ` +
    `Request capacity: ${capacity}. Refill rate: ${refillRate} per ${refillDurationSeconds} seconds.`;
  return {
    headers: { ...headers, 'retry-after': String(v.retryAfter) },
    refused: new SimError(429, 'RATE_LIMITED_TOKEN_BUCKET', detail, [
      path,
      v.retryAfter,
      capacity,
      refillRate,
      refillDurationSeconds,
    ]),
  };
}
