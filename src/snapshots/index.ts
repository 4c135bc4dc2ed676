// Snapshot lifecycle shared by the CLI (`snapshots`) and the pruneSnapshots activities: what prune
// would delete and why, what in progress uses a snapshot, and a delete that tolerates a repeat.
export { deleteSnapshotOnce } from './delete.js';
export { snapshotsUsedByAtlasJobs, snapshotsUsedByRuns, taggedRun, type RunsInUse } from './in-use.js';
export { planClusterPrune, policyRefusal, readCompliancePolicy, type PlanDeps } from './plan.js';
