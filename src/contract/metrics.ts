// The metric names the worker exports beside the SDK's own (temporal_*), in one place: the
// workflows, the worker's Atlas observer, the Grafana dashboard test and docs/operations/metrics.md use these.
// Pure data (no Node imports), so workflow code can import it.

export const METRICS = {
  /** Counter; labels operation, http_status, error_code ("none" on success). */
  atlasRequests: 'atlas_backup_atlas_requests',
  /** Histogram (seconds); label operation. */
  atlasRequestSeconds: 'atlas_backup_atlas_request_seconds',
  /** Counter of 429 answers; label operation. */
  atlasRateLimited: 'atlas_backup_atlas_rate_limited',
  /** Counter: seconds Atlas asked us to wait (Retry-After), which the next attempt honours; label operation. */
  atlasRetryAfterSeconds: 'atlas_backup_atlas_retry_after_seconds',
  /** Counter; labels namespace, taskQueue, workflowType (added by the SDK's workflow meter). */
  runsStarted: 'atlas_backup_runs_started',
  /** Counter; labels workflowType, outcome (completed, failed, cancelled, rejected, approval-timed-out). */
  runsEnded: 'atlas_backup_runs_ended',
  /**
   * Histogram (seconds) of a step from its start to its end; labels workflowType, step, outcome.
   * `step="verify-data"` is the data verification of a restored target (pipeline, DR, restore tests).
   */
  stepSeconds: 'atlas_backup_step_seconds',
  /** Histogram (seconds): DR trigger to the end of the run; label outcome. */
  drRecoverySeconds: 'atlas_backup_dr_recovery_seconds',
  /**
   * Gauge: Unix time of the last successful backup / export / restore / verified restore; labels
   * project, cluster, kind (verified: a restore whose data verified, e.g. a restore test). Derived
   * from Temporal visibility, so it is right after a worker restart. The RPO alert:
   * `time() - atlas_backup_last_success_timestamp_seconds{kind="backup"} > 86400`.
   */
  lastSuccess: 'atlas_backup_last_success_timestamp_seconds',
} as const;

/** Histogram boundaries (seconds) for the exporter: Atlas calls are fast, steps and DR are slow. */
export const HISTOGRAM_BUCKETS: Record<string, number[]> = {
  [METRICS.atlasRequestSeconds]: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  [METRICS.stepSeconds]: [0.1, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400, 43200, 86400],
  [METRICS.drRecoverySeconds]: [1, 10, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400],
};
