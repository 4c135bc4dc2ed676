// Entry point of the workflow bundle the worker loads: every workflow type the worker serves.
// Queries, updates, inputs and results are in the contract (src/contract).
export { backupPipeline } from './backup-pipeline.js';
export { disasterRecovery } from './disaster-recovery.js';
export { deliverNotification } from './notify.js';
export { fleetBackup } from './fleet.js';
