// Our runs as Temporal sees them: the visibility queries (the only place that builds one), the
// workflow ids, the one-backup-per-cluster rule, how a closed run ended, the durations learned from
// past runs, and the one rule for a cluster's last success.
export {
  backupRunWorkflowId,
  backupWorkflowId,
  drWorkflowId,
  fleetScheduleIdFor,
  fleetWorkflowId,
  scheduledFleetWorkflowId,
  scheduleIdFor,
  WORKFLOW_ID_PATTERN,
} from '../contract/index.js';
export * from './query.js';
export * from './list.js';
export * from './one-per-cluster.js';
export * from './outcome.js';
export * from './learned-durations.js';
export * from './last-success.js';
