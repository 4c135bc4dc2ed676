// Entry point of the workflow bundle the worker loads: every workflow type the worker serves, and
// how each moves between Worker Deployment builds. A pipeline, a DR run and a notification's
// delivery finish on the build that started them (PINNED); a fleet, which continues as new and
// outlives builds, moves to the current build at its next task (AUTO_UPGRADE).
// Queries, updates, inputs and results are in the contract (src/contract).
import { setWorkflowOptions } from '@temporalio/workflow';
import { backupPipeline } from './backup-pipeline.js';
import { disasterRecovery } from './disaster-recovery.js';
import { fleetBackup } from './fleet.js';
import { deliverNotification } from './notify.js';

setWorkflowOptions({ versioningBehavior: 'PINNED' }, backupPipeline);
setWorkflowOptions({ versioningBehavior: 'PINNED' }, disasterRecovery);
setWorkflowOptions({ versioningBehavior: 'PINNED' }, deliverNotification);
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, fleetBackup);

export { backupPipeline, disasterRecovery, deliverNotification, fleetBackup };
