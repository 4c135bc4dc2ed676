// Reading runs from visibility: a filter's runs (newest first), and a fleet's running children.
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { BackupPhase } from '../contract/index.js';
import { runningFleetChildrenQuery, runsQuery, type RunFilter } from './query.js';

/** The runs a filter matches, newest first, at most `limit`. */
export async function listRuns(client: Client, filter: RunFilter, limit: number): Promise<WorkflowExecutionInfo[]> {
  const runs: WorkflowExecutionInfo[] = [];
  if (limit < 1) return runs;
  for await (const wf of client.workflow.list({ query: runsQuery(filter), pageSize: Math.min(limit, 100) })) {
    runs.push(wf);
    if (runs.length >= limit) break;
  }
  return runs;
}

/** A fleet's running children by their pipeline phase (their BackupPhase search attribute). */
export async function fleetChildPhases(client: Client, fleetId: string): Promise<Record<string, number>> {
  const phases: Record<string, number> = {};
  for await (const wf of client.workflow.list({ query: runningFleetChildrenQuery(fleetId) })) {
    const phase = wf.typedSearchAttributes.get(BackupPhase) ?? 'starting';
    phases[phase] = (phases[phase] ?? 0) + 1;
  }
  return phases;
}
