// Reads that are the same for every pipeline of a project — the project's cluster list, an export
// bucket — shared by the pre-flights one worker runs within a few seconds. When a fleet
// or a Schedule starts hundreds of pipelines in one project, their pre-flights would otherwise
// spend the project's Atlas request budget reading the same bucket hundreds of times, all at once.
//
// A short time to live keeps them honest: a pre-flight is an early, clear refusal, not a lock, and
// Atlas still refuses a create that the world changed under. Failures are never kept, so a refused
// or rate-limited read is made again by the next attempt.

/** How long a shared read answers later pre-flights of the same worker. */
export const SHARED_READ_TTL_MS = 10_000;
/** Entries kept at most (expired ones are dropped first); a worker sees few projects at once. */
const MAX_ENTRIES = 5_000;

interface Entry {
  at: number;
  value: Promise<unknown>;
}

export class SharedReads {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs = SHARED_READ_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The value of `key` read within the time to live (or still being read), else `read()` now.
   * `fresh` tells the caller whether this call made the request (and should count it).
   */
  get<T>(key: string, read: () => Promise<T>): { value: Promise<T>; fresh: boolean } {
    const at = this.now();
    const hit = this.entries.get(key);
    if (hit && at - hit.at < this.ttlMs) return { value: hit.value as Promise<T>, fresh: false };
    const value = read();
    this.entries.set(key, { at, value });
    // A failure is for its own callers only: the next one reads again.
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    if (this.entries.size > MAX_ENTRIES) this.prune(at);
    return { value, fresh: true };
  }

  private prune(at: number): void {
    for (const [key, e] of this.entries) if (at - e.at >= this.ttlMs) this.entries.delete(key);
    // Still full (thousands of projects inside one time to live): drop the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size <= MAX_ENTRIES) break;
      this.entries.delete(key);
    }
  }
}
