// Sliding one-minute windows keyed by client or project (real time, not the model clock). A
// shorter window (benches that scale time) keeps the same count per window.
export class RateLimiter {
  private hits = new Map<string, number[]>();

  /** Records a hit; returns seconds until a slot frees if the limit is exceeded, else 0. */
  hit(key: string, limitPerMinute: number, now = Date.now(), windowMs = 60_000): number {
    const windowStart = now - windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > windowStart);
    if (list.length >= limitPerMinute) {
      this.hits.set(key, list);
      return Math.max(1, Math.ceil(((list[0] ?? now) + windowMs - now) / 1000));
    }
    list.push(now);
    this.hits.set(key, list);
    return 0;
  }

  /** Hits counted in the current window (as of the last hit). */
  used(key: string): number {
    return this.hits.get(key)?.length ?? 0;
  }

  reset(): void {
    this.hits.clear();
  }
}
