// The package's public API (`import { … } from 'atlas-backup-orchestrator'`): re-exports only, no
// logic. Everything here is documented in docs/library.md. Finer-grained entry
// points: ./workflows (the workflow bundle's entry), ./contract, ./atlas, ./activities, ./client,
// ./simulator.

// Run a worker: from a config object, or just the pieces (activities, workflowsPath) for your own.
export { buildWorker, runWorkerFromEnv, WORKFLOW_BUNDLER_OPTIONS, workflowsPath } from './worker.js';
// The sink the workflows call (pacing); a worker of your own registers it, without a pacer a no-op.
export { paceSinks } from './worker-pace.js';
export type { BuildWorkerOptions, BuiltWorker } from './worker.js';
export { ConfigError, DEFAULT_TASK_QUEUE, loadWorkerConfig } from './config.js';
export type { TemporalConnectionConfig, WorkerConfig } from './config.js';
export { createActivities } from './activities/index.js';
export type { Activities } from './contract/index.js';

// The workflow functions, for typed starts from a client (`client.workflow.start(backupPipeline, …)`).
// A worker loads them from `workflowsPath`, never from this module.
export { backupPipeline, disasterRecovery } from './workflows/index.js';

// Inputs: schemas, as functions that return the one the workflows validate with, and the caller's/validated types.
export {
  backupPipelineInputSchema,
  disasterRecoveryInputSchema,
  formatIssues,
  InvalidInputError,
  parseOrThrow,
} from './contract/index.js';
export type {
  BackupPipelineInput,
  BackupPipelineRequest,
  InputOf,
  OutputOf,
  DisasterRecoveryInput,
  DisasterRecoveryRequest,
  DrDeliveryType,
  DrSourceSpec,
  DrTargetSpec,
  PollingSpec,
  RestoreSpec,
  RetrySpec,
  SourceKind,
  TimeoutsSpec,
} from './contract/index.js';

// Results and the status a run reports (query, result and getRunStatus share these shapes).
export { DR_PHASES, NOT_FINISHED, PIPELINE_PHASES, TERMINAL_FAILURE_TYPES } from './contract/index.js';
export type {
  ApprovalDecision,
  ApprovalRecord,
  DrPhase,
  DrReport,
  DrStatus,
  DrTargetRef,
  ExportProgress,
  Phase,
  PipelinePhase,
  PipelineResult,
  RecoveryTimes,
  RunError,
  RunResult,
  RunStatus,
  StepRecord,
  TerminalFailureType,
} from './contract/index.js';

// Messages a running workflow answers, and the search attributes it sets.
export { approveUpdate, drStatusQuery, rejectUpdate, statusQuery } from './contract/index.js';
export {
  ALL_SEARCH_ATTRIBUTES,
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  DrSource,
  DrTarget,
} from './contract/index.js';

// A run's live status from a workflow handle: the status query plus the pending activity.
export { getRunStatus } from './client/status.js';
export { closedRunOutcome } from './runs/outcome.js';
export type { ClosedOutcome } from './runs/outcome.js';

// Starting a backup under the one-backup-per-cluster rule, and our workflow ids.
export {
  BackupAlreadyRunningError,
  backupRunWorkflowId,
  drWorkflowId,
  pipelineSearchAttributes,
  runningBackupOf,
  scheduleIdFor,
  startBackup,
} from './runs/index.js';
export type { StartBackupOptions } from './runs/index.js';
export type { LiveStatus, PendingStep } from './client/status.js';

// The Atlas Admin API v2 client the activities use, and its error.
export { AtlasApiError, AtlasClient, DEFAULT_BASE_URL } from './atlas/index.js';
export type { AtlasAuth, AtlasClientOptions, AtlasClientStats, ClientErrorCode } from './atlas/index.js';

// Encrypted payloads: the data converter for your own clients and workers (same keys everywhere),
// and the codec server the Temporal UI and `temporal --codec-endpoint` decrypt through.
export {
  codecKeys,
  codecKeysFromEnv,
  createEncryptionCodec,
  dataConverterFromEnv,
  encryptedDataConverter,
  MissingCodecKeyError,
} from './codec/index.js';
export type { CodecKey, CodecKeys, EncryptionCodec } from './codec/index.js';
export { startCodecServer } from './codec/server.js';
export type { CodecServerOptions, RunningCodecServer } from './codec/server.js';
