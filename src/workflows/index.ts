// Entry point of the workflow bundle the worker loads: every workflow type the worker serves.
export { backupPipeline, statusQuery, type PipelineResult } from './backup-pipeline.js';
export { disasterRecovery, drStatusQuery, approveUpdate, rejectUpdate, type DrReport, type DrStatus, type ApprovalDecision } from './disaster-recovery.js';
