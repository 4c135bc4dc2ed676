// The RPO gauges: when each project/cluster last had a successful backup, export and restore.
// Read from Temporal visibility (closed runs, by our search attributes), not kept in memory, so a
// restarted worker serves the right values at once. The first read looks back `lookbackDays`;
// later reads only look at runs closed since the previous read (with a margin for visibility lag).
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Logger, MetricGauge, MetricMeter } from '@temporalio/common';
import { AtlasCluster, AtlasProject, METRICS, type PipelineResult } from '../contract/index.js';

export type SuccessKind = 'backup' | 'export' | 'restore';

export interface LastSuccessOptions {
  client: Client;
  meter: MetricMeter;
  logger: Logger;
  refreshSeconds: number;
  /** How far back the first read looks. */
  lookbackDays?: number;
  /** Result reads (for export/restore) per cluster and refresh: bounds the cost of clusters that never export. */
  maxResultReads?: number;
}

/** Visibility lags a run's close by a moment: re-read a little before the previous read's time. */
const LAG_MARGIN_MS = 5 * 60_000;

export class LastSuccessGauges {
  /** `${project}\u0000${cluster}\u0000${kind}` → Unix seconds. */
  readonly times = new Map<string, number>();
  private readonly gauge: MetricGauge;
  private readonly lookbackDays: number;
  private readonly maxResultReads: number;
  private since: Date | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly o: LastSuccessOptions) {
    this.gauge = o.meter.createGauge(METRICS.lastSuccess, 'int', 's', 'Unix time of the last successful run step');
    this.lookbackDays = o.lookbackDays ?? 90;
    this.maxResultReads = o.maxResultReads ?? 10;
  }

  /** First read now, then every refreshSeconds; errors are logged, never thrown (metrics must not stop the worker). */
  start(): void {
    void this.refreshLogged();
    this.timer = setInterval(() => void this.refreshLogged(), this.o.refreshSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async refreshLogged(): Promise<void> {
    try {
      await this.refresh();
    } catch (err) {
      this.o.logger.warn(`last-success gauges: visibility read failed (will retry): ${(err as Error).message}`, {
        event: 'metrics.last-success.failed',
      });
    }
  }

  /** One read of visibility; concurrent callers share it. */
  refresh(): Promise<void> {
    return (this.running ??= this.read().finally(() => (this.running = undefined)));
  }

  private async read(): Promise<void> {
    const startedAt = new Date();
    const from = this.since
      ? new Date(this.since.getTime() - LAG_MARGIN_MS)
      : new Date(startedAt.getTime() - this.lookbackDays * 86_400_000);
    const since = `CloseTime > '${from.toISOString()}'`;
    const closed = `ExecutionStatus = 'Completed' AND BackupPhase = 'completed' AND ${since}`;
    const pipelines = await this.list(`WorkflowType = 'backupPipeline' AND ${closed}`);
    const drs = await this.list(`WorkflowType = 'disasterRecovery' AND ${closed}`);
    for (const run of drs) this.note(run, 'restore', run.closeTime);
    await this.readPipelines(pipelines);
    this.since = startedAt;
  }

  /** Backups from visibility alone; exports and restores from the newest runs' results. */
  private async readPipelines(runs: WorkflowExecutionInfo[]): Promise<void> {
    runs.sort((a, b) => (b.closeTime?.getTime() ?? 0) - (a.closeTime?.getTime() ?? 0));
    const reads = new Map<string, number>();
    for (const run of runs) {
      this.note(run, 'backup', run.closeTime);
      const key = clusterKey(run);
      if (!key || !run.closeTime) continue;
      const closedAt = Math.floor(run.closeTime.getTime() / 1000);
      // Newest first: a run older than both known times cannot improve them.
      const known = (k: SuccessKind) => this.times.get(`${key}\u0000${k}`) ?? 0;
      const improves = known('export') < closedAt || known('restore') < closedAt;
      if (!improves || (reads.get(key) ?? 0) >= this.maxResultReads) continue;
      reads.set(key, (reads.get(key) ?? 0) + 1);
      const result = await this.resultOf(run);
      if (result?.export) this.note(run, 'export', run.closeTime);
      if (result?.restore) {
        const finished = result.restore.finishedAt ? new Date(result.restore.finishedAt) : run.closeTime;
        this.note(run, 'restore', Number.isNaN(finished.getTime()) ? run.closeTime : finished);
      }
    }
  }

  private async resultOf(run: WorkflowExecutionInfo): Promise<PipelineResult | undefined> {
    try {
      return (await this.o.client.workflow.getHandle(run.workflowId, run.runId).result()) as PipelineResult;
    } catch {
      // History gone (retention) or not decodable here: the run still counts as a backup.
      return undefined;
    }
  }

  private async list(query: string): Promise<WorkflowExecutionInfo[]> {
    const out: WorkflowExecutionInfo[] = [];
    for await (const run of this.o.client.workflow.list({ query })) out.push(run);
    return out;
  }

  private note(run: WorkflowExecutionInfo, kind: SuccessKind, at: Date | undefined): void {
    const project = run.typedSearchAttributes.get(AtlasProject);
    const cluster = run.typedSearchAttributes.get(AtlasCluster);
    if (!project || !cluster || !at) return;
    const seconds = Math.floor(at.getTime() / 1000);
    const key = `${project}\u0000${cluster}\u0000${kind}`;
    if ((this.times.get(key) ?? 0) >= seconds) return;
    this.times.set(key, seconds);
    this.gauge.set(seconds, { project, cluster, kind });
  }
}

function clusterKey(run: WorkflowExecutionInfo): string | undefined {
  const project = run.typedSearchAttributes.get(AtlasProject);
  const cluster = run.typedSearchAttributes.get(AtlasCluster);
  return project && cluster ? `${project}\u0000${cluster}` : undefined;
}
