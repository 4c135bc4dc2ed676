// Every visibility query we send is built here, from one filter shape: the only place that knows
// Temporal's query language and how our search attributes and workflow types are spelled in it.
import { AtlasCluster, AtlasProject, BackupPhase, FleetId } from '../contract/index.js';

/** The workflow types whose runs are "ours" as a cluster's history. */
export type RunType = 'backupPipeline' | 'disasterRecovery' | 'restoreTest';

/** Temporal's execution statuses as visibility spells them. */
export const EXECUTION_STATUSES = [
  'Running',
  'Completed',
  'Failed',
  'Canceled',
  'Terminated',
  'TimedOut',
  'ContinuedAsNew',
] as const;
export type ExecutionStatusName = (typeof EXECUTION_STATUSES)[number];

export interface RunFilter {
  types?: RunType[];
  /** One project, or any of several. */
  projects?: string[];
  cluster?: string;
  /** Any of these BackupPhase values. */
  phases?: string[];
  status?: ExecutionStatusName;
  /** Any status but Running. */
  closed?: boolean;
  fleetId?: string;
  /** Runs started on this task queue (any workflow type of ours). */
  taskQueue?: string;
  closedAfter?: Date;
  startedSince?: Date;
}

/** A visibility string literal: backslashes and single quotes escaped. */
export const literal = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const oneOf = (field: string, values: string[]) =>
  values.length === 1 ? `${field} = ${literal(values[0]!)}` : `${field} IN (${values.map(literal).join(', ')})`;

/** The visibility query for a filter: every condition given, joined by AND. */
export function runsQuery(f: RunFilter): string {
  const parts: string[] = [];
  if (f.types?.length) parts.push(oneOf('WorkflowType', f.types));
  if (f.status) parts.push(`ExecutionStatus = ${literal(f.status)}`);
  if (f.closed) parts.push(`ExecutionStatus != 'Running'`);
  if (f.projects?.length) parts.push(oneOf(AtlasProject.name, f.projects));
  if (f.cluster !== undefined) parts.push(`${AtlasCluster.name} = ${literal(f.cluster)}`);
  if (f.phases?.length) parts.push(oneOf(BackupPhase.name, f.phases));
  if (f.fleetId !== undefined) parts.push(`${FleetId.name} = ${literal(f.fleetId)}`);
  if (f.taskQueue !== undefined) parts.push(`TaskQueue = ${literal(f.taskQueue)}`);
  if (f.closedAfter) parts.push(`CloseTime > ${literal(f.closedAfter.toISOString())}`);
  if (f.startedSince) parts.push(`StartTime >= ${literal(f.startedSince.toISOString())}`);
  return parts.join(' AND ');
}

/** Running backupPipelines of a project (and cluster, when given). */
export const runningBackupsQuery = (groupId: string, clusterName?: string) =>
  runsQuery({ types: ['backupPipeline'], status: 'Running', projects: [groupId], cluster: clusterName });

/** A cluster's completed backupPipelines (newest first, as visibility lists). */
export const completedRunsQuery = (groupId: string, clusterName: string) =>
  runsQuery({ types: ['backupPipeline'], status: 'Completed', projects: [groupId], cluster: clusterName });

/** Runs of a type that completed their work (phase completed), closed after a moment. */
export const succeededRunsQuery = (type: RunType, closedAfter: Date) =>
  runsQuery({ types: [type], status: 'Completed', phases: ['completed'], closedAfter });

/** A fleet's children still running. */
export const runningFleetChildrenQuery = (fleetId: string) => runsQuery({ fleetId, status: 'Running' });

/** Our runs on a task queue (newest first): what a deployment's workers and clients write. */
export const runsOnTaskQueueQuery = (taskQueue: string) =>
  runsQuery({ types: ['backupPipeline', 'disasterRecovery'], taskQueue });
