// How a fleet ends besides its result: the summary its fleet.summary notification carries, and the
// failure it ends with when discovery fails (the cause's own words, not the SDK's wrapper).
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { FleetResult } from '../contract/index.js';

export function fleetSummary(r: FleetResult) {
  const failed = r.clusters.filter((c) => c.outcome === 'failed');
  return {
    total: r.clusters.length + (r.folded?.count ?? 0),
    completed: r.counts.completed,
    failed: r.counts.failed,
    cancelled: r.counts.cancelled,
    failedClusters: failed.map((c) => ({ groupId: c.groupId, clusterName: c.clusterName, message: c.error ?? '' })),
  };
}

/** The fleet's failure when discovery fails: the cause's words (Atlas's answer, FleetTooLarge), not the SDK's. */
export function discoveryFailure(err: unknown): unknown {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return err;
  const { type, message, details } = err.cause;
  return ApplicationFailure.create({
    type: type ?? 'DiscoveryFailed',
    nonRetryable: true,
    message: `fleet discovery failed, no cluster was started: ${message}`,
    details: details ?? [],
  });
}
