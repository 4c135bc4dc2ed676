// The RPO gauges: when each project/cluster last had a successful backup, export and restore.
// Read from Temporal visibility (closed runs, by our search attributes), not kept in memory, so a
// restarted worker serves the right values at once. The first read looks back `lookbackDays`;
// later reads only look at runs closed since the previous read (with a margin for visibility lag).
// What counts, and from when, is src/runs/last-success.ts's rule (the same `report` uses).
import type { Client } from '@temporalio/client';
import type { Logger, MetricGauge, MetricMeter } from '@temporalio/common';
import { METRICS } from '../contract/index.js';
import {
  lastSuccesses,
  succeededRunsByCluster,
  SUCCESS_KINDS,
  type Success,
  type SuccessKind,
} from '../runs/last-success.js';

export type { SuccessKind } from '../runs/last-success.js';

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
    for (const { groupId: project, clusterName: cluster, runs } of (
      await succeededRunsByCluster(this.o.client, from)
    ).values()) {
      const known = Object.fromEntries(SUCCESS_KINDS.map((k) => [k, this.timeOf(project, cluster, k) * 1000]));
      const found = await lastSuccesses(this.o.client, runs, { maxResultReads: this.maxResultReads, known });
      for (const [kind, s] of Object.entries(found) as [SuccessKind, Success][])
        this.note(project, cluster, kind, s.at);
    }
    this.since = startedAt;
  }

  private timeOf(project: string, cluster: string, kind: SuccessKind): number {
    return this.times.get(`${project}\u0000${cluster}\u0000${kind}`) ?? 0;
  }

  private note(project: string, cluster: string, kind: SuccessKind, at: Date): void {
    const seconds = Math.floor(at.getTime() / 1000);
    if (this.timeOf(project, cluster, kind) >= seconds) return;
    this.times.set(`${project}\u0000${cluster}\u0000${kind}`, seconds);
    this.gauge.set(seconds, { project, cluster, kind });
  }
}
