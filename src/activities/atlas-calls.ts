// Small helpers the activities share: counting the requests one attempt makes, and a bounded search
// of a list endpoint (used to adopt a resource an earlier attempt created).
import type { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AtlasClient, ItemOf, ListOperationId, OperationId, PathParamsOf, RequestArgs, ResponseOf } from '../atlas/index.js';
import { atlasCall, type CallContext } from './failures.js';
import type { RunRef } from './types.js';

/** One attempt's view of the client: every call is translated to a Temporal outcome and counted. */
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

  /** Pages through a list operation until `match` finds an item (at most maxPages pages). */
  async find<K extends ListOperationId>(operation: K, path: PathParamsOf<K>, match: (item: ItemOf<K>) => boolean, maxPages = 10): Promise<ItemOf<K> | undefined> {
    const itemsPerPage = 100;
    for (let pageNum = 1; pageNum <= maxPages; pageNum++) {
      const page = (await this.call(operation, { path, query: { pageNum, itemsPerPage } } as RequestArgs<K>)) as { results?: ItemOf<K>[] };
      const results = page.results ?? [];
      const hit = results.find(match);
      if (hit) return hit;
      if (results.length < itemsPerPage) return undefined;
    }
    return undefined;
  }
}

/**
 * The run this activity belongs to. Resources are tagged with the run, not only the workflow id:
 * a later run reusing a workflow id (a fixed id, a re-run from the UI) must take its own snapshot
 * instead of adopting an earlier run's.
 */
export function runOf(ctx: Context): RunRef {
  const { workflowId, runId } = ctx.info.workflowExecution ?? {};
  if (!workflowId || !runId) throw ApplicationFailure.nonRetryable('This activity must run inside a workflow (it tags Atlas resources with the run).', 'NoWorkflowContext');
  return { workflowId, runId };
}
