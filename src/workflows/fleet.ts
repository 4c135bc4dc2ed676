// fleetBackup: one backupPipeline child per cluster of a fleet (an explicit list, or discovered in
// projects), at most concurrency.max at once and concurrency.perProject per project. A failed child
// is reported, never thrown; a cluster another backup is already running for is reported as
// already-running. After batchSize children the run continues as new, carrying the queue, the
// reports and its still-running children (FLEET_CARRY_PATCH), so the history stays bounded whatever
// the fleet's size and no batch boundary waits for the slowest backup.
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  ChildWorkflowFailure,
  condition,
  continueAsNew,
  isCancellation,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  FleetId,
  fleetBackupInputSchema,
  fleetChildWorkflowId,
  fleetStatusQuery,
  type Activities,
  type BackupPipelineRequest,
  type CarriedRun,
  type FleetBackupInput,
  type FleetBackupRequest,
  type FleetClusterReport,
  type FleetResult,
  type FleetStatus,
  type FleetTarget,
  type FoldedReports,
  type PipelineResult,
} from '../contract/index.js';
import { backupPipeline } from './backup-pipeline.js';
import { foldReports, reportsBudget } from './fleet-reports.js';
import { notifyFleetSummary } from './notify.js';
import { parseWorkflowInput } from './outcomes.js';

/** What a run hands the next one through continue-as-new. */
export interface FleetProgress {
  queue: FleetTarget[];
  reports: FleetClusterReport[];
  /** Reports no longer listed, counted (fleet-reports.ts): the state stays under the payload limit. */
  folded?: FoldedReports;
  run: number;
  startedAt: string;
  discovery?: FleetResult['discovery'];
  /** Children still running when the previous run continued as new (they keep their slots). */
  carried?: CarriedRun[];
}

/**
 * Runs that record this marker continue as new without draining: the children still running are
 * carried to the next run, which learns their endings through awaitFleetRuns, so a batch boundary
 * never idles the fleet while its slowest backup finishes. Their parent close policy is ABANDON
 * (a continue-as-new closes the run), so `fleet cancel` cancels them itself; older runs drain.
 */
export const FLEET_CARRY_PATCH = 'fleet-carries-running-children';

/**
 * Runs that record this marker start up to 1,000 children per run when the input gives no batchSize
 * (before: 200). Each continue-as-new with children running can be refused by the server while their
 * completions keep arriving (UnhandledCommand: bench/fleet.ts saw every boundary wait for its batch to
 * finish), so fewer boundaries; Temporal's continue-as-new suggestion still bounds each run's history.
 */
export const FLEET_BATCH_PATCH = 'fleet-batch-1000';
const BATCH_SIZE = 1000;
const BATCH_SIZE_BEFORE = 200;

const discovery = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
});

/** Each wait for carried children ends within 5 minutes (then the workflow asks again). */
const CARRIED_WAIT_S = 300;
const carriedRuns = proxyActivities<Activities>({
  startToCloseTimeout: `${CARRIED_WAIT_S + 60}s`,
  heartbeatTimeout: '60s',
  retry: { initialInterval: '1s', maximumInterval: '30s' },
});

export async function fleetBackup(request: FleetBackupRequest, progress?: FleetProgress): Promise<FleetResult> {
  const input = parseWorkflowInput(fleetBackupInputSchema, [], request, 'fleetBackup');
  const fleet = new Fleet(input, progress);
  setHandler(fleetStatusQuery, () => fleet.statusNow());
  fleet.adoptCarried();
  try {
    if (!progress) await fleet.discover();
    const more = await fleet.runBatch();
    // A cancel that came while the batch drained has cancelled its children: no next run then.
    if (CancellationScope.current().consideredCancelled) fleet.phase = 'cancelled';
    else if (more) return await continueAsNew<typeof fleetBackup>(request, fleet.carry(request));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled: this run's children got the cancel too (same scope); carried ones are asked here.
    // Wait for them to wind down.
    fleet.phase = 'cancelled';
    await fleet.cancelCarried();
    await fleet.drain();
  }
  const result = fleet.result();
  // Someone cancelled it: nobody needs paging; otherwise the fleet.summary webhook (issue 15).
  if (result.outcome !== 'cancelled') await notifyFleetSummary(input.notify, fleetSummary(result));
  return result;
}

function fleetSummary(r: FleetResult) {
  const failed = r.clusters.filter((c) => c.outcome === 'failed');
  return {
    total: r.clusters.length + (r.folded?.count ?? 0),
    completed: r.counts.completed,
    failed: r.counts.failed,
    cancelled: r.counts.cancelled,
    failedClusters: failed.map((c) => ({ groupId: c.groupId, clusterName: c.clusterName, message: c.error ?? '' })),
  };
}

interface Running {
  target: FleetTarget;
  workflowId: string;
  /** Set once the child has started (carrying it needs its run id). */
  runId?: string;
  startedAtMs: number;
  /** Settles once the start was answered (started, or refused as already running). */
  started: Promise<void>;
  done: Promise<void>;
}

/** Seconds (one decimal) since `ms`, in workflow time. */
const secondsSince = (ms: number) => Math.round((Date.now() - ms) / 100) / 10;

/** The fleet's failure when discovery fails: the cause's words (Atlas's answer, FleetTooLarge), not the SDK's. */
function discoveryFailure(err: unknown): unknown {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof ApplicationFailure)) return err;
  const { type, message, details } = err.cause;
  return ApplicationFailure.create({
    type: type ?? 'DiscoveryFailed',
    nonRetryable: true,
    message: `fleet discovery failed, no cluster was started: ${message}`,
    details: details ?? [],
  });
}

const short = (s: string) => (s.length > 300 ? `${s.slice(0, 297)}...` : s);
const key = (t: FleetTarget) => `${t.groupId}/${t.clusterName}`;

class Fleet {
  phase: FleetStatus['phase'] = 'discovering';
  private readonly fleetId = workflowInfo().workflowId;
  private readonly state: FleetProgress;
  private readonly running = new Map<string, Running>();
  /** Carried from the previous run, by workflow id: ended by watchCarried or cancelCarried. */
  private readonly carried = new Map<string, { run: CarriedRun; end: () => void }>();
  private startedThisRun = 0;
  private peakRunning = 0;
  /** Whether this run carries its running children over a continue-as-new (FLEET_CARRY_PATCH). */
  private readonly carries = patched(FLEET_CARRY_PATCH);
  /** Children this run may start (the input's, else the default of its release: FLEET_BATCH_PATCH). */
  private readonly batchSize: number;

  constructor(
    private readonly input: FleetBackupInput,
    progress: FleetProgress | undefined,
  ) {
    this.state = progress ?? { queue: [], reports: [], run: 0, startedAt: new Date().toISOString() };
    this.batchSize = input.batchSize ?? (patched(FLEET_BATCH_PATCH) ? BATCH_SIZE : BATCH_SIZE_BEFORE);
    this.state.run++;
    if (progress) this.phase = 'running';
  }

  async discover(): Promise<void> {
    const { targets, filter } = this.input;
    if (targets.clusters) {
      const seen = new Set<string>();
      this.state.queue = targets.clusters.filter((t) => !seen.has(key(t)) && !!seen.add(key(t)));
    } else {
      const found = await discovery.discoverClusters({ projects: targets.projects, filter }).catch((err: unknown) => {
        throw discoveryFailure(err);
      });
      this.state.queue = found.clusters;
      this.state.discovery = found.summary;
    }
    this.phase = 'running';
  }

  /** Runs up to batchSize children; true when clusters are left for the next run. */
  async runBatch(): Promise<boolean> {
    const batch = this.state.queue.slice(0, this.batchSize);
    const busy = new Map(
      batch.length ? (await discovery.findRunningBackups({ clusters: batch })).map((r) => [key(r), r.workflowId]) : [],
    );
    const roomInThisRun = () => this.startedThisRun < this.batchSize && !workflowInfo().continueAsNewSuggested;
    while (roomInThisRun() && this.state.queue.length > 0) {
      const i = this.nextStartable();
      if (i < 0) {
        await condition(() => this.nextStartable() >= 0);
        continue;
      }
      const [target] = this.state.queue.splice(i, 1) as [FleetTarget];
      const already = busy.get(key(target));
      if (already) this.report(target, { outcome: 'already-running', workflowId: already });
      else this.launch(target);
      this.startedThisRun++;
    }
    const more = this.state.queue.length > 0;
    if (more && this.carries) await Promise.all([...this.running.values()].map((r) => r.started));
    else await this.drain();
    if (!more) this.phase = 'completed';
    return more;
  }

  /** Gives the children carried from the previous run their slots and watches for their endings. */
  adoptCarried(): void {
    for (const run of this.state.carried ?? []) {
      let end = () => {};
      const done = new Promise<void>((resolve) => (end = resolve));
      this.carried.set(run.workflowId, { run, end });
      const target = { groupId: run.groupId, clusterName: run.clusterName };
      const entry = { target, workflowId: run.workflowId, runId: run.runId, startedAtMs: run.startedAtMs };
      this.running.set(key(target), { ...entry, started: Promise.resolve(), done });
    }
    delete this.state.carried;
    if (this.carried.size > 0) void this.watchCarried();
  }

  /** Reports carried children as they end (awaitFleetRuns), until none is left or the fleet is cancelled. */
  private async watchCarried(): Promise<void> {
    const pollSeconds = Math.min(10, Math.max(0.5, this.input.polling.initialIntervalSeconds));
    while (this.carried.size > 0) {
      const runs = [...this.carried.values()].map((c) => c.run);
      let endings;
      try {
        endings = await carriedRuns.awaitFleetRuns({
          fleetId: this.fleetId,
          runs,
          pollSeconds,
          maxWaitSeconds: CARRIED_WAIT_S,
        });
      } catch (err) {
        if (!isCancellation(err)) throw err;
        // The fleet is cancelled; whatever the run is awaiting (perhaps a drain, which no cancel interrupts)
        // waits for the carried children's endings: ask them to cancel and report them here.
        return await this.cancelCarried();
      }
      for (const e of endings) this.endCarried(e.workflowId, e.report);
    }
  }

  private endCarried(workflowId: string, report: Omit<FleetClusterReport, keyof FleetTarget>): void {
    const c = this.carried.get(workflowId);
    if (!c) return;
    this.carried.delete(workflowId);
    this.running.delete(key(c.run));
    this.report({ groupId: c.run.groupId, clusterName: c.run.clusterName }, report);
    c.end();
  }

  /** Asks every carried child to cancel (they are not this run's children) and reports them cancelled. */
  async cancelCarried(): Promise<void> {
    await CancellationScope.nonCancellable(async () => {
      for (const { run } of [...this.carried.values()]) {
        await getExternalWorkflowHandle(run.workflowId, run.runId)
          .cancel()
          .catch(() => undefined); // already ended: nothing to cancel
        const durationSeconds = secondsSince(run.startedAtMs);
        this.endCarried(run.workflowId, {
          outcome: 'cancelled',
          workflowId: run.workflowId,
          durationSeconds,
          error: 'cancel requested with the fleet',
        });
      }
    });
  }

  /** The first queued cluster whose project has room, or -1 (also when the fleet has no room). */
  private nextStartable(): number {
    const { max, perProject } = this.input.concurrency;
    if (this.running.size >= max) return -1;
    const perGroup = new Map<string, number>();
    for (const r of this.running.values()) perGroup.set(r.target.groupId, (perGroup.get(r.target.groupId) ?? 0) + 1);
    return this.state.queue.findIndex((t) => (perGroup.get(t.groupId) ?? 0) < perProject);
  }

  private launch(target: FleetTarget): void {
    const workflowId = fleetChildWorkflowId(target, new Date());
    let started = () => {};
    const entry: Running = {
      target,
      workflowId,
      startedAtMs: Date.now(),
      started: new Promise<void>((resolve) => (started = resolve)),
      done: Promise.resolve(),
    };
    entry.done = this.child(entry, (runId) => {
      entry.runId = runId;
      started();
    }).then((r) => {
      started();
      this.running.delete(key(target));
      this.report(target, r);
    });
    this.running.set(key(target), entry);
    this.peakRunning = Math.max(this.peakRunning, this.running.size);
  }

  /** Starts and awaits one child; every ending becomes a report, none escapes as an error. */
  private async child(
    { target, workflowId, startedAtMs }: Running,
    onStarted: (runId: string) => void,
  ): Promise<Omit<FleetClusterReport, keyof FleetTarget>> {
    const seconds = () => secondsSince(startedAtMs);
    try {
      const handle = await startChild(backupPipeline, {
        workflowId,
        args: [this.childRequest(target)],
        // A cancelled fleet cancels the backups it started: `fleet cancel` means all of it. Carrying runs
        // continue as new with children running, so they abandon them on close and cancel them
        // themselves (this run's through its cancellation scope, carried ones by cancelCarried).
        parentClosePolicy: this.carries ? ParentClosePolicy.ABANDON : ParentClosePolicy.REQUEST_CANCEL,
        typedSearchAttributes: [
          { key: AtlasProject, value: target.groupId },
          { key: AtlasCluster, value: target.clusterName },
          { key: BackupPhase, value: 'starting' },
          { key: FleetId, value: this.fleetId },
        ],
      });
      onStarted(handle.firstExecutionRunId);
      const r: PipelineResult = await handle.result();
      return { outcome: r.outcome, workflowId, ...idsOf(r), durationSeconds: seconds() };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { outcome: 'already-running', workflowId };
      const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
      const details = cause instanceof ApplicationFailure ? cause.details : undefined;
      const summary = details?.[0] as PipelineResult | undefined;
      const outcome = isCancellation(cause) ? 'cancelled' : 'failed';
      const error = short(cause instanceof Error ? cause.message : String(cause));
      return { outcome, workflowId, ...idsOf(summary), durationSeconds: seconds(), error };
    }
  }

  private childRequest(t: FleetTarget): BackupPipelineRequest {
    const { snapshot, retry, polling, timeouts } = this.input;
    const bucket = this.input.export?.bucketsByProject[t.groupId];
    const exp = bucket ? { export: { exportBucketId: bucket, customData: this.input.export?.customData } } : {};
    return { ...t, snapshot, retry, polling, timeouts, ...exp };
  }

  private report(target: FleetTarget, r: Omit<FleetClusterReport, keyof FleetTarget>): void {
    this.state.reports.push({ ...target, ...r });
  }

  async drain(): Promise<void> {
    await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** The next run's progress, beside `request` in its input. */
  carry(request: FleetBackupRequest): FleetProgress {
    const carried = this.carries
      ? [...this.running.values()].flatMap((r) =>
          r.runId ? [{ ...r.target, workflowId: r.workflowId, runId: r.runId, startedAtMs: r.startedAtMs }] : [],
        )
      : [];
    this.fold(reportsBudget(request, this.state.queue, carried, this.state.discovery));
    if (!this.carries) return this.state;
    return { ...this.state, ...(carried.length ? { carried } : {}) };
  }

  private counts(): FleetStatus['counts'] {
    const counts: FleetStatus['counts'] = {
      queued: this.state.queue.length,
      running: this.running.size,
      completed: 0,
      failed: 0,
      cancelled: 0,
      'already-running': 0,
      'not-started': 0,
    };
    for (const r of this.state.reports) counts[r.outcome]++;
    for (const [outcome, n] of Object.entries(this.state.folded?.byOutcome ?? {}))
      counts[outcome as keyof FoldedReports['byOutcome']] += n;
    return counts;
  }

  /** Keeps the listed reports under their budget (fleet-reports.ts); the counts include what it folds. */
  private fold(budget: number): void {
    const { reports, folded } = foldReports(this.state.reports, this.state.folded, budget);
    this.state.reports = reports;
    if (folded) this.state.folded = folded;
  }

  statusNow(): FleetStatus {
    const counts = this.counts();
    return {
      fleetId: this.fleetId,
      phase: this.phase,
      run: this.state.run,
      total: this.state.reports.length + (this.state.folded?.count ?? 0) + counts.queued + counts.running,
      counts,
      failures: this.state.reports.filter((r) => r.outcome === 'failed'),
      ...(this.state.folded ? { folded: this.state.folded } : {}),
      running: [...this.running.values()].map((r) => ({ ...r.target, workflowId: r.workflowId })),
      peakRunning: this.peakRunning,
      discovery: this.state.discovery,
    };
  }

  result(): FleetResult {
    // A cancelled fleet reports the clusters it never reached.
    for (const t of this.state.queue.splice(0)) this.report(t, { outcome: 'not-started' });
    this.fold(reportsBudget(this.state.discovery));
    const counts = this.counts();
    const outcome =
      this.phase === 'cancelled' ? 'cancelled' : counts.failed > 0 ? 'completed-with-failures' : 'completed';
    return {
      fleetId: this.fleetId,
      outcome,
      counts,
      clusters: this.state.reports,
      ...(this.state.folded ? { folded: this.state.folded } : {}),
      runs: this.state.run,
      startedAt: this.state.startedAt,
      endedAt: new Date().toISOString(),
      discovery: this.state.discovery,
    };
  }
}

function idsOf(r: PipelineResult | undefined): Pick<FleetClusterReport, 'snapshotId' | 'exportJobId'> {
  return {
    ...(r?.snapshot?.id ? { snapshotId: r.snapshot.id } : {}),
    ...(r?.export?.id ? { exportJobId: r.export.id } : {}),
  };
}
