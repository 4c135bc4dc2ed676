// The RPO gauges: when each project/cluster last had a successful backup, export and restore.
// Read from Temporal visibility (closed runs, by our search attributes), not kept in memory, so a
// restarted worker serves the right values at once. The first read looks back `lookbackDays`;
// later reads only look at runs closed since the previous read (with a margin for visibility lag).
// What counts, and from when, is src/runs/last-success.ts's rule, and the backup gauge is the newest
// proof of src/client/protection.ts's rule: the ones `report` uses. With an estate source the gauges
// also cover every cluster Atlas lists, our runs or not: a backup gauge at Atlas's newest snapshot
// when that is newer, and 0 for a cluster with no backup at all (so an RPO alert fires for it).
import type { Client } from '@temporalio/client';
import type { Logger, MetricGauge, MetricMeter } from '@temporalio/common';
import { METRICS } from '../contract/index.js';
import type { EstateCluster } from '../client/estate.js';
import { protectionOf } from '../client/protection.js';
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
  /** Every cluster Atlas lists, read this often (src/client/estate.ts); absent: only clusters our runs name. */
  estate?: { read: () => Promise<EstateCluster[]>; refreshSeconds: number };
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
  private estateTimer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readingEstate: Promise<void> | undefined;

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
    const estate = this.o.estate;
    if (!estate) return;
    const readEstate = () =>
      void this.refreshEstate().catch((err: unknown) =>
        this.o.logger.warn(`last-success gauges: Atlas estate read failed (will retry): ${(err as Error).message}`, {
          event: 'metrics.estate.failed',
        }),
      );
    readEstate();
    this.estateTimer = setInterval(readEstate, estate.refreshSeconds * 1000);
    this.estateTimer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.estateTimer) clearInterval(this.estateTimer);
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

  /** One read of the estate (after the runs' read, so a run's backup is known); concurrent callers share it. */
  refreshEstate(): Promise<void> {
    return (this.readingEstate ??= this.readEstate().finally(() => (this.readingEstate = undefined)));
  }

  private async readEstate(): Promise<void> {
    if (!this.o.estate) return;
    await this.refresh();
    const now = new Date();
    for (const c of await this.o.estate.read()) {
      const ours = this.timeOf(c.groupId, c.clusterName, 'backup');
      const snap = c.newestSnapshot;
      const { newestProof } = protectionOf(
        {
          kind: c.kind,
          backupEnabled: c.backupEnabled,
          ...(snap ? { newestSnapshot: { at: new Date(snap.at), snapshotType: snap.snapshotType } } : {}),
          runs: ours ? { backup: { at: new Date(ours * 1000), workflowId: '', runId: '' } } : {},
        },
        now,
      );
      if (newestProof) this.note(c.groupId, c.clusterName, 'backup', newestProof.at);
      // 0 only for a cluster known to have no backup: one whose snapshots could not be read keeps no value.
      else if (!ours && !c.problems.length)
        this.gauge.set(0, { project: c.groupId, cluster: c.clusterName, kind: 'backup' });
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
      const { backup: _backup, ...others } = found;
      for (const [kind, s] of Object.entries(others) as [SuccessKind, Success][])
        this.note(project, cluster, kind, s.at);
      const proof = protectionOf({ kind: 'dedicated', backupEnabled: false, runs: found }, startedAt).newestProof;
      if (proof) this.note(project, cluster, 'backup', proof.at);
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
