// The messages a run answers, defined once for the workflows (handlers) and clients (callers).
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ApprovalDecision, DrStatus } from './results.js';
import type { RestoreTestStatus } from './restore-test.js';
import type { PipelinePhase, RunStatus } from './status.js';

/** Both workflows answer `status`; the pipeline's is a RunStatus, DR's a DrStatus. */
export const statusQuery = defineQuery<RunStatus<PipelinePhase>>('status');
export const drStatusQuery = defineQuery<DrStatus>('status');
export const restoreTestStatusQuery = defineQuery<RestoreTestStatus>('status');
/** DR's approval gate: Updates, so the caller learns at once whether its decision was taken. */
export const approveUpdate = defineUpdate<{ decision: 'approved' }, [ApprovalDecision]>('approve');
export const rejectUpdate = defineUpdate<{ decision: 'rejected' }, [ApprovalDecision]>('reject');
