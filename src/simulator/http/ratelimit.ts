// Sliding one-minute windows keyed by client or project (real time, not the model clock).
export class RateLimiter {
  private hits = new Map<string, number[]>();

  /** Records a hit; returns seconds until a slot frees if the limit is exceeded, else 0. */
  hit(key: string, limitPerMinute: number, now = Date.now()): number {
    const windowStart = now - 60_000;
    const list = (this.hits.get(key) ?? []).filter((t) => t > windowStart);
    if (list.length >= limitPerMinute) {
      this.hits.set(key, list);
      return Math.max(1, Math.ceil(((list[0] ?? now) + 60_000 - now) / 1000));
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
