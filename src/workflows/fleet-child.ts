// A fleet's child tells its fleet how it ended: a signal to the fleet's workflow id (the FleetId
// search attribute the fleet started it with), sent once the run's ending is known, whatever it is.
import { CancellationScope, getExternalWorkflowHandle, log, workflowInfo } from '@temporalio/workflow';
import {
  FleetId,
  fleetChildEndedSignal,
  fleetChildReport,
  type FleetChildEnding,
  type PipelineResult,
} from '../contract/index.js';
import { wasCancelled } from './outcomes.js';

const secondsSinceStart = () => (Date.now() - workflowInfo().runStartTime.getTime()) / 1000;

/** The report of a run that ended with `err`; `summary` is the run's result if it got that far. */
export function endingAfterError(err: unknown, summary: PipelineResult | undefined): FleetChildEnding['report'] {
  const detail = (err as { details?: unknown[] } | undefined)?.details?.[0] as PipelineResult | undefined;
  return fleetChildReport(workflowInfo().workflowId, {
    outcome: wasCancelled(err) ? 'cancelled' : 'failed',
    result: summary ?? detail,
    durationSeconds: secondsSinceStart(),
    error: err instanceof Error ? err.message : String(err),
  });
}

export const endingOf = (result: PipelineResult): FleetChildEnding['report'] =>
  fleetChildReport(workflowInfo().workflowId, {
    outcome: result.outcome,
    result,
    durationSeconds: secondsSinceStart(),
  });

/** Signals the fleet this run belongs to, if any; a fleet that has closed meanwhile is not an error. */
export async function reportToFleet(report: FleetChildEnding['report']): Promise<void> {
  const fleetId = workflowInfo().typedSearchAttributes.get(FleetId);
  if (!fleetId) return;
  const ending: FleetChildEnding = { workflowId: workflowInfo().workflowId, report };
  await CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(fleetId).signal(fleetChildEndedSignal, ending),
  ).catch((err: unknown) => log.warn(`fleet ${fleetId} not told how this run ended: ${(err as Error).message}`));
}
