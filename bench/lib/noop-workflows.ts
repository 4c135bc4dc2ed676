// The no-op baseline of bench/fleet.ts: a workflow that runs N trivial activities one after another,
// the same shape of work as a pipeline (sequential activities) with no Atlas behind it.
import { proxyActivities } from '@temporalio/workflow';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '30s' });

export async function noopWorkflow(activities: number): Promise<void> {
  for (let i = 0; i < activities; i++) await noop();
}
