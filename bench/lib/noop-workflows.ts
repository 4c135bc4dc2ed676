// The no-op baseline of bench/fleet.ts and bench/pipelines.ts: a workflow that runs N trivial
// activities one after another, the same shape of work as a pipeline (sequential activities) with no
// Atlas behind it. Given a fairness key, its activities are dispatched as a pipeline's are (that key,
// no eager dispatch): what the server's matching adds, apart from the product's own work.
import { proxyActivities } from '@temporalio/workflow';

type Noop = { noop(): Promise<void> };
const eager = proxyActivities<Noop>({ startToCloseTimeout: '30s' });

export async function noopWorkflow(activities: number, fairnessKey?: string): Promise<void> {
  const { noop } = fairnessKey
    ? proxyActivities<Noop>({ startToCloseTimeout: '30s', priority: { fairnessKey }, allowEagerDispatch: false })
    : eager;
  for (let i = 0; i < activities; i++) await noop();
}
