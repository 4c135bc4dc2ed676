// Waits for a run to close and checks how Temporal recorded its end (issue 11: cancelled runs end
// Cancelled, rejected and unapproved ones Failed), returning the summary it left behind.
import type { WorkflowHandle } from '@temporalio/client';
import { expect } from 'vitest';
import { closedRunOutcome } from '../../src/runs/outcome.js';

export async function endedAs<R>(
  handle: WorkflowHandle,
  executionStatus: 'CANCELLED' | 'FAILED',
  failureType?: string,
): Promise<R> {
  const completed = await handle.result().then(
    () => true,
    () => false,
  );
  expect(completed, 'the run completed instead of ending as it should').toBe(false);
  const description = await handle.describe();
  expect(description.status.name).toBe(executionStatus);
  const outcome = await closedRunOutcome(handle, description);
  if (failureType) expect(outcome.failureType).toBe(failureType);
  expect(outcome.result, 'the run left no summary (failure details or memo)').toBeDefined();
  return outcome.result as R;
}
