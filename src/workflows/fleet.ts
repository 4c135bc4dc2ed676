// fleetBackup: one backupPipeline child per cluster of a fleet (an explicit list, or discovered in
// projects), at most concurrency.max at once and concurrency.perProject per project. A failed child
// is reported, never thrown; a cluster another backup is already running for is reported as
// already-running. Each child signals its ending to the fleet's workflow id (fleet-child.ts), which
// reaches whichever run of the fleet is current, so after batchSize children the run continues as
// new carrying the queue, the reports and the children still running: the history stays bounded
// whatever the fleet's size and no batch boundary waits for the slowest backup. Children that never
// signal (terminated, timed out) are found by a describe now and then (endedFleetChildren).
import {
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  getExternalWorkflowHandle,
  ParentClosePolicy,
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
  FLEET_BATCH_SIZE,
  FleetId,
  fairnessKeyOf,
  fleetBackupInputSchema,
  fleetChildEndedSignal,
  fleetChildReport,
  fleetChildWorkflowId,
  fleetStatusQuery,
  type Activities,
  type BackupPipelineRequest,
  type FleetBackupInput,
  type FleetBackupRequest,
  type FleetChild,
  type FleetChildEnding,
  type FleetClusterReport,
  type FleetResult,
  type FleetStatus,
  type FleetTarget,
  type FoldedReports,
} from '../contract/index.js';
import { backupPipeline } from './backup-pipeline.js';
import { carryProgress, foldReports, reportsBudget, type FleetProgress } from './fleet-reports.js';
import { discoveryFailure, fleetSummary } from './fleet-endings.js';
import { notifyFleetSummary } from './notify.js';
import { parseWorkflowInput } from './outcomes.js';

export type { FleetProgress } from './fleet-reports.js';

const discoveryOptions = {
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 10 },
} as const;
const discovery = proxyActivities<Activities>(discoveryOptions);
/**
 * Cluster discovery reads Atlas: the caller's project listing (a USER-scoped bucket, the scarcest it
 * uses) and each project's clusters. Its fairness key lets the server pace the caller's bucket as it
 * paces a project's; never eager, so the server's pace applies.
 */
const atlasDiscovery = proxyActivities<Activities>({
  ...discoveryOptions,
  priority: { fairnessKey: fairnessKeyOf('', 'projects_user') },
  allowEagerDispatch: false,
});

/**
 * How long the fleet waits without hearing from any child before it asks which have closed silently:
 * twice the children's longest poll interval (a child's own reads are never further apart), 10 s to 5 min.
 */
const silenceMs = (input: FleetBackupInput) =>
  Math.min(300, Math.max(10, 2 * input.polling.maximumIntervalSeconds)) * 1000;

export async function fleetBackup(request: FleetBackupRequest, progress?: FleetProgress): Promise<FleetResult> {
  const input = parseWorkflowInput(fleetBackupInputSchema(), request, 'fleetBackup');
  const fleet = new Fleet(input, progress);
  setHandler(fleetStatusQuery, () => fleet.statusNow());
  setHandler(fleetChildEndedSignal, (ending) => fleet.childEnded(ending));
  try {
    if (!progress) await fleet.discover();
    const more = await fleet.runBatch();
    // A cancel that came as the batch ended: no next run then.
    if (CancellationScope.current().consideredCancelled) await fleet.stop();
    else if (more) return await continueAsNew<typeof fleetBackup>(request, fleet.carry(request));
  } catch (err) {
    if (!isCancellation(err)) throw err;
    await fleet.stop();
  }
  const result = fleet.result();
  // Someone cancelled it: nobody needs paging; otherwise the fleet.summary webhook.
  if (result.outcome !== 'cancelled') await notifyFleetSummary(input.notify, fleetSummary(result));
  return result;
}
/** Seconds (one decimal) since `ms`, in workflow time. */
const secondsSince = (ms: number) => Math.round((Date.now() - ms) / 100) / 10;

const key = (t: FleetTarget) => `${t.groupId}/${t.clusterName}`;

class Fleet {
  phase: FleetStatus['phase'] = 'discovering';
  private readonly fleetId = workflowInfo().workflowId;
  private readonly state: FleetProgress;
  /** Children started and not yet heard from, by workflow id (carried ones too). */
  private readonly running = new Map<string, FleetChild>();
  /** Starts not answered yet: a run continues as new only once every child it started has started. */
  private readonly starting = new Set<Promise<void>>();
  private startedThisRun = 0;
  private peakRunning = 0;
  private readonly batchSize: number;

  constructor(
    private readonly input: FleetBackupInput,
    progress: FleetProgress | undefined,
  ) {
    this.state = progress ?? { queue: [], reports: [], run: 0, startedAt: new Date().toISOString() };
    for (const child of this.state.running ?? []) this.running.set(child.workflowId, child);
    delete this.state.running;
    this.batchSize = input.batchSize ?? FLEET_BATCH_SIZE;
    this.state.run++;
    if (progress) this.phase = 'running';
  }

  async discover(): Promise<void> {
    const { targets, filter } = this.input;
    if (targets.clusters) {
      const seen = new Set<string>();
      this.state.queue = targets.clusters.filter((t) => !seen.has(key(t)) && !!seen.add(key(t)));
    } else {
      const found = await atlasDiscovery
        .discoverClusters({ projects: targets.projects, filter })
        .catch((err: unknown) => {
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
        await this.waitFor(() => this.nextStartable() >= 0);
        continue;
      }
      const [target] = this.state.queue.splice(i, 1) as [FleetTarget];
      const already = busy.get(key(target));
      if (already) this.report(target, { outcome: 'already-running', workflowId: already });
      else this.launch(target);
      this.startedThisRun++;
    }
    const more = this.state.queue.length > 0;
    if (more) await Promise.all(this.starting);
    else await this.waitFor(() => this.running.size === 0);
    if (!more) this.phase = 'completed';
    return more;
  }

  /** A child's ending, by its signal or the fallback; the second word about a child is ignored. */
  childEnded({ workflowId, report }: FleetChildEnding): void {
    const child = this.running.get(workflowId);
    if (!child) return;
    this.running.delete(workflowId);
    this.report(child, report);
  }

  /**
   * Waits until `ready`; whenever no child has been heard from for a while, asks which children
   * have closed without a word (terminated, timed out) and reports them as they ended.
   */
  private async waitFor(ready: () => boolean): Promise<void> {
    while (!(await condition(ready, silenceMs(this.input)))) {
      const children = [...this.running.values()];
      if (children.length === 0) continue;
      for (const ending of await discovery.endedFleetChildren({ children })) this.childEnded(ending);
    }
  }

  /** Cancelled: every running child is asked to cancel (they outlive the fleet's runs), then awaited. */
  async stop(): Promise<void> {
    this.phase = 'cancelled';
    await CancellationScope.nonCancellable(async () => {
      await Promise.all(this.starting);
      for (const { workflowId } of this.running.values()) {
        await getExternalWorkflowHandle(workflowId)
          .cancel()
          .catch(() => undefined); // already ended: its report is on its way
      }
      await this.waitFor(() => this.running.size === 0);
    });
  }

  /** The first queued cluster whose project has room, or -1 (also when the fleet has no room). */
  private nextStartable(): number {
    const { max, perProject } = this.input.concurrency;
    if (this.running.size >= max) return -1;
    const perGroup = new Map<string, number>();
    for (const r of this.running.values()) perGroup.set(r.groupId, (perGroup.get(r.groupId) ?? 0) + 1);
    return this.state.queue.findIndex((t) => (perGroup.get(t.groupId) ?? 0) < perProject);
  }

  private launch(target: FleetTarget): void {
    const child: FleetChild = {
      ...target,
      workflowId: fleetChildWorkflowId(target, new Date()),
      startedAtMs: Date.now(),
    };
    this.running.set(child.workflowId, child);
    this.peakRunning = Math.max(this.peakRunning, this.running.size);
    const started = this.start(child).finally(() => this.starting.delete(started));
    this.starting.add(started);
  }

  /**
   * Starts one child outside the fleet's cancellation scope (a fleet cancel reaches it through stop(),
   * whichever run started it) and abandoned on close (continue-as-new closes the run, not the fleet).
   */
  private async start(child: FleetChild): Promise<void> {
    const { workflowId } = child;
    try {
      await CancellationScope.nonCancellable(() =>
        startChild(backupPipeline, {
          workflowId,
          args: [this.childRequest(child)],
          parentClosePolicy: ParentClosePolicy.ABANDON,
          typedSearchAttributes: [
            { key: AtlasProject, value: child.groupId },
            { key: AtlasCluster, value: child.clusterName },
            { key: BackupPhase, value: 'starting' },
            { key: FleetId, value: this.fleetId },
          ],
        }),
      );
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        this.childEnded({ workflowId, report: { outcome: 'already-running', workflowId } });
        return;
      }
      const error = err instanceof Error ? err.message : String(err);
      const durationSeconds = secondsSince(child.startedAtMs);
      this.childEnded({
        workflowId,
        report: fleetChildReport(workflowId, { outcome: 'failed', durationSeconds, error }),
      });
    }
  }

  private childRequest({ groupId, clusterName }: FleetTarget): BackupPipelineRequest {
    const { snapshot, retry, polling, timeouts } = this.input;
    const bucket = this.input.export?.bucketsByProject[groupId];
    const exp = bucket ? { export: { exportBucketId: bucket, customData: this.input.export?.customData } } : {};
    return { groupId, clusterName, snapshot, retry, polling, timeouts, ...exp };
  }

  private report({ groupId, clusterName }: FleetTarget, r: Omit<FleetClusterReport, keyof FleetTarget>): void {
    this.state.reports.push({ groupId, clusterName, ...r });
  }

  /** The next run's progress, beside `request` in its input. */
  carry(request: FleetBackupRequest): FleetProgress {
    return carryProgress(request, this.state, [...this.running.values()]);
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
      running: [...this.running.values()].map(({ groupId, clusterName, workflowId }) => ({
        groupId,
        clusterName,
        workflowId,
      })),
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
