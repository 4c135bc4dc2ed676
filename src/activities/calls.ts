// One attempt's view of the Atlas client, shared by every activity: each call is translated to a
// Temporal outcome and counted, and list operations are paged in one place.
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  AtlasClient,
  ItemOf,
  Page,
  ListOperationId,
  OperationId,
  PathParamsOf,
  RequestArgs,
  ResponseOf,
} from '../atlas/index.js';
import { pages } from '../atlas/index.js';
import type { RunRef } from '../contract/index.js';
import { atlasCall, type CallContext } from './failures.js';

const ITEMS_PER_PAGE = 100;
/** The most Atlas returns in one page (its itemsPerPage maximum): for lists read whole, fewer requests. */
export const LARGEST_PAGE = 500;

export class AttemptCalls {
  requests = 0;
  constructor(
    private readonly client: AtlasClient,
    private readonly ctx: Omit<CallContext, 'operation'>,
  ) {}

  call<K extends OperationId>(operation: K, args: RequestArgs<K>): Promise<ResponseOf<K>> {
    this.requests++;
    return atlasCall({ ...this.ctx, operation }, () => this.client.request(operation, args));
  }

  /** The items of a list operation, page by page (at most maxPages pages of itemsPerPage, 100 unless given). */
  async *items<K extends ListOperationId>(
    operation: K,
    path: PathParamsOf<K>,
    maxPages: number,
    itemsPerPage = ITEMS_PER_PAGE,
  ): AsyncGenerator<ItemOf<K>> {
    const fetchPage = (pageNum: number) =>
      this.call(operation, { path, query: { pageNum, itemsPerPage } } as RequestArgs<K>) as Promise<Page<ItemOf<K>>>;
    yield* pages(fetchPage, { itemsPerPage, maxPages });
  }

  /** The first item `match` accepts, looking at most maxPages pages. */
  async find<K extends ListOperationId>(
    operation: K,
    path: PathParamsOf<K>,
    match: (item: ItemOf<K>) => boolean,
    maxPages = 10,
  ): Promise<ItemOf<K> | undefined> {
    for await (const item of this.items(operation, path, maxPages)) if (match(item)) return item;
    return undefined;
  }

  /** Every item, bounded to maxPages pages (of itemsPerPage, 100 unless given). */
  async all<K extends ListOperationId>(
    operation: K,
    path: PathParamsOf<K>,
    maxPages = 20,
    itemsPerPage = ITEMS_PER_PAGE,
  ): Promise<ItemOf<K>[]> {
    const all: ItemOf<K>[] = [];
    for await (const item of this.items(operation, path, maxPages, itemsPerPage)) all.push(item);
    return all;
  }
}

/**
 * The run this activity belongs to. Resources are tagged with the run, not only the workflow id:
 * a later run reusing a workflow id (a fixed id, a re-run from the UI) must take its own snapshot
 * instead of adopting an earlier run's.
 */
export function runOf(ctx: Context): RunRef {
  const { workflowId, runId } = ctx.info.workflowExecution ?? {};
  if (!workflowId || !runId)
    throw ApplicationFailure.nonRetryable(
      'This activity must run inside a workflow (it tags Atlas resources with the run).',
      'NoWorkflowContext',
    );
  return { workflowId, runId };
}
