// Atlas's token-bucket rate limiting: one bucket per endpoint set × scope key (project id, caller,
// IP), on the simulator's clock with refill periods scaled by timeScale. Refill is stepwise: a
// whole `refillRate` every period, which is what makes Atlas's "retry after 55 seconds" possible.
import { mulberry32 } from '../random.js';
import { ENDPOINT_SETS, type BucketLimits, type EndpointSet } from '../model/rate-limit-sets.js';

export interface RateLimitOptions {
  /** Token buckets on (the default) or off. */
  enabled?: boolean;
  /** Per endpointSetId: replaces Atlas's defaults (listRateLimits then shows them as overrides). */
  sets?: Record<string, Partial<BucketLimits>>;
  /** Probability (0..1) that a response omits RateLimit-Limit/RateLimit-Remaining, as Atlas may. */
  headerDropProbability?: number;
  /** Seed of the header-drop PRNG, so a run repeats. */
  seed?: number;
}

interface Bucket {
  tokens: number;
  /** Start of the current refill period, ms on the simulator's clock. */
  periodStart: number;
}

export interface BucketVerdict {
  set: EndpointSet;
  limits: BucketLimits;
  remaining: number;
  /** Seconds until a token is back (scaled), when the request was refused. */
  retryAfter?: number;
}

export function validateRateLimitOptions(o: RateLimitOptions): void {
  const p = o.headerDropProbability;
  if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1))
    throw new Error('rateLimits.headerDropProbability: must be a probability between 0 and 1');
  for (const [id, l] of Object.entries(o.sets ?? {})) {
    if (!ENDPOINT_SETS.some((s) => s.endpointSetId === id))
      throw new Error(
        `rateLimits.sets.${id}: no such endpoint set (${ENDPOINT_SETS.map((s) => s.endpointSetId).join(', ')})`,
      );
    for (const [k, v] of Object.entries(l))
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
        throw new Error(`rateLimits.sets.${id}.${k}: must be an integer >= 1`);
  }
}

export class TokenBuckets {
  private buckets = new Map<string, Bucket>();
  private random: () => number;

  constructor(
    private opts: RateLimitOptions,
    private timeScale: number,
    private now: () => number,
  ) {
    validateRateLimitOptions(opts);
    this.random = mulberry32(opts.seed ?? 1);
  }

  get enabled(): boolean {
    return this.opts.enabled !== false;
  }

  /** The limits in force for a set, and whether they override Atlas's defaults. */
  limits(set: EndpointSet): BucketLimits & { overridden: boolean } {
    const o = this.opts.sets?.[set.endpointSetId];
    return {
      capacity: o?.capacity ?? set.capacity,
      refillRate: o?.refillRate ?? set.refillRate,
      refillDurationSeconds: o?.refillDurationSeconds ?? set.refillDurationSeconds,
      overridden: o !== undefined && Object.keys(o).length > 0,
    };
  }

  /** Takes a token from the set's bucket for this scope key; a verdict with retryAfter means 429. */
  take(set: EndpointSet, scopeKey: string): BucketVerdict {
    const limits = this.limits(set);
    const periodMs = Math.max(1, limits.refillDurationSeconds * 1000 * this.timeScale);
    const now = this.now();
    const key = `${set.endpointSetId}|${scopeKey}`;
    const b = this.buckets.get(key) ?? { tokens: limits.capacity, periodStart: now };
    const periods = Math.floor((now - b.periodStart) / periodMs);
    if (periods > 0) {
      b.tokens = Math.min(limits.capacity, b.tokens + periods * limits.refillRate);
      b.periodStart += periods * periodMs;
    }
    b.tokens = Math.min(b.tokens, limits.capacity);
    this.buckets.set(key, b);
    if (b.tokens < 1) {
      const retryAfter = Math.max(1, Math.ceil((b.periodStart + periodMs - now) / 1000));
      return { set, limits, remaining: 0, retryAfter };
    }
    b.tokens -= 1;
    return { set, limits, remaining: b.tokens };
  }

  /** Whether this response carries the RateLimit-* headers (Atlas "might not always" send them). */
  sendHeaders(): boolean {
    const p = this.opts.headerDropProbability ?? 0;
    return p === 0 || this.random() >= p;
  }

  reset(): void {
    this.buckets.clear();
  }
}
