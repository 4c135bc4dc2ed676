// Entry point of the workflow bundle the worker loads: every workflow type the worker serves, and
// how each moves between Worker Deployment builds. A pipeline, a DR run, a restore test, a snapshot
// prune, a schedule's pre-flight check and a notification's delivery finish on the build that started
// them (PINNED); a fleet, which
// continues as new and outlives builds, moves to the current build at its next task (AUTO_UPGRADE). An unversioned
// worker (no deployment name) must not declare a behaviour: the server refuses its tasks then.
// Queries, updates, inputs and results are in the contract (src/contract).
import { setWorkflowOptions, workflowInfo } from '@temporalio/workflow';
import { backupPipeline } from './backup-pipeline.js';
import { disasterRecovery } from './disaster-recovery.js';
import { fleetBackup } from './fleet.js';
import { deliverNotification } from './notify.js';
import { restoreTest } from './restore-test.js';
import { pruneSnapshots } from './prune-snapshots.js';
import { preflightCheck } from './preflight-check.js';

/** The behaviour, on a versioned worker only (read once, as the run's first task starts). */
const versioned = (versioningBehavior: 'PINNED' | 'AUTO_UPGRADE') => () =>
  workflowInfo().currentDeploymentVersion?.deploymentName ? { versioningBehavior } : {};

setWorkflowOptions(versioned('PINNED'), backupPipeline);
setWorkflowOptions(versioned('PINNED'), disasterRecovery);
setWorkflowOptions(versioned('PINNED'), deliverNotification);
setWorkflowOptions(versioned('PINNED'), restoreTest);
setWorkflowOptions(versioned('PINNED'), pruneSnapshots);
setWorkflowOptions(versioned('PINNED'), preflightCheck);
setWorkflowOptions(versioned('AUTO_UPGRADE'), fleetBackup);

export {
  backupPipeline,
  disasterRecovery,
  deliverNotification,
  fleetBackup,
  preflightCheck,
  pruneSnapshots,
  restoreTest,
};
