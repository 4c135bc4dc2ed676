// Atlas reads made outside a workflow (the coverage report, the RPO gauges' estate read), paced like
// the activities' reads: the same per-project budget `setup` gives the activity task queue
// (ATLAS_PROJECT_REQUESTS_PER_MINUTE, with the same headroom), spread evenly, and a 429/503 waited
// out for its Retry-After before the read is asked again. The client itself never retries; this
// caller does, because a report that stops at the first 429 would hide the clusters after it.
import {
  AtlasApiError,
  pages,
  type AtlasClient,
  type ItemOf,
  type ListOperationId,
  type OperationId,
  type Page,
  type PathParamsOf,
  type RequestArgs,
  type ResponseOf,
} from '../atlas/index.js';
import { HEADROOM } from './project-pace.js';

export interface PacedReadsOptions {
  /** Atlas requests per minute per project (and for the user-scoped project list); 0 or absent: no spacing. */
  requestsPerMinute?: number;
  /** Times one read is asked when Atlas answers 429/503 (default 5). */
  maxAttempts?: number;
  /** Waits this long when a 429/503 names no Retry-After (ms, doubled per attempt; default 10 s). */
  backoffMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

const ITEMS_PER_PAGE = 100;
const sleeper = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class PacedReads {
  /** Requests sent (pages included), and the time spent waiting out rate limits. */
  requests = 0;
  rateLimitedMs = 0;
  private readonly next = new Map<string, number>();
  private readonly spacingMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly atlas: AtlasClient,
    private readonly o: PacedReadsOptions = {},
  ) {
    const rpm = o.requestsPerMinute ?? 0;
    this.spacingMs = rpm > 0 ? 60_000 / (rpm * HEADROOM) : 0;
    this.sleep = o.sleep ?? sleeper;
  }

  /** One read in `scope` (a project id, or 'user' for project listing), spaced and waited out on 429. */
  async call<K extends OperationId>(scope: string, operation: K, args: RequestArgs<K>): Promise<ResponseOf<K>> {
    const attempts = this.o.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      await this.turn(scope);
      this.requests++;
      try {
        return await this.atlas.request(operation, args);
      } catch (err) {
        const limited = err instanceof AtlasApiError && (err.httpStatus === 429 || err.httpStatus === 503);
        if (!limited || attempt >= attempts) throw err;
        const wait = (err.retryAfterSeconds ?? 0) * 1000 || (this.o.backoffMs ?? 10_000) * 2 ** (attempt - 1);
        const jittered = wait + Math.random() * Math.min(1_000, wait / 10);
        this.rateLimitedMs += jittered;
        await this.sleep(jittered);
      }
    }
  }

  /** Every item of a list, at most maxPages pages of 100. */
  async all<K extends ListOperationId>(
    scope: string,
    operation: K,
    path: PathParamsOf<K>,
    maxPages = 500,
  ): Promise<ItemOf<K>[]> {
    const out: ItemOf<K>[] = [];
    for await (const item of this.items(scope, operation, path, maxPages)) out.push(item);
    return out;
  }

  /** The items of a list, page by page, read only as far as the caller iterates. */
  items<K extends ListOperationId>(
    scope: string,
    operation: K,
    path: PathParamsOf<K>,
    maxPages: number,
  ): AsyncIterable<ItemOf<K>> {
    const fetchPage = (pageNum: number) =>
      this.call(scope, operation, {
        path,
        query: { pageNum, itemsPerPage: ITEMS_PER_PAGE },
      } as RequestArgs<K>) as Promise<Page<ItemOf<K>>>;
    return pages(fetchPage, { itemsPerPage: ITEMS_PER_PAGE, maxPages });
  }

  /** Waits for the scope's next slot: requests of one project are spacingMs apart. */
  private async turn(scope: string): Promise<void> {
    if (!this.spacingMs) return;
    const now = Date.now();
    const at = Math.max(now, this.next.get(scope) ?? 0);
    this.next.set(scope, at + this.spacingMs);
    if (at > now) await this.sleep(at - now);
  }
}
