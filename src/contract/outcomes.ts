// How a run that does not complete ends in Temporal, so the Temporal UI and `list --status` tell
// the truth: cancelled runs end Cancelled, rejected and unapproved runs end Failed with their own
// failure types. The run's summary (its result) stays readable: a failure carries it in its
// details; a cancellation carries no details, so a cancelled run puts it in its memo first.

/** The memo field a cancelled run leaves its summary (PipelineResult or DrReport) in. */
export const RESULT_MEMO = 'atlasBackupResult';

/** Failure type of a DR run someone rejected at its approval gate. */
export const APPROVAL_REJECTED = 'ApprovalRejected';
/** Failure type of a DR run nobody approved before approval.timeoutSeconds. */
export const APPROVAL_TIMED_OUT = 'ApprovalTimedOut';

/** Words for a run's outcome in summaries ("Disaster recovery <words>: <id>"). */
export const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
  rejected: 'rejected',
  'approval-timed-out': 'not approved in time',
  terminated: 'terminated',
  timed_out: 'timed out',
};
