// One restore, as the pipeline and disaster recovery both run it, in stages: approval (when the
// caller has a gate), create-or-adopt the Atlas restore job, wait for it, then check the target is
// serving again. A cancel during the create waits for the interrupted attempt, then finds and cancels
// what it may have made; a cancel during the wait cancels the job (or says why Atlas cannot).
// Later stages (checks of the restored data) go after `checkTarget` in `run`: each is one more step
// of the run's timeline, reading `progress` and adding what it found to it.
import { ActivityFailure, ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import type {
  AwaitRestoreInput,
  AwaitedResource,
  Canary,
  CancelRestoreResult,
  ClusterRef,
  CollectionRestoreReport,
  CreatedResource,
  Manifest,
  PollingSpec,
  RestorePhase,
  RestoreRequest,
  RestoreVerifySpec,
  SourceRef,
  StepRecord,
  VerificationReport,
  VerificationSummary,
  VerifiedTarget,
  VerifyRestoredDataInput,
} from '../contract/index.js';
import { VERIFICATION_FAILED } from '../contract/index.js';
import type { Acts } from './activity-options.js';
import { wasCancelled } from './outcomes.js';

/** What the step needs from the run it is part of. */
export interface RestorePorts {
  /** Runs one stage as a step of the run's timeline, in its phase, counting its Atlas requests. */
  record<T extends { attempts: number }>(
    name: string,
    phase: RestorePhase,
    run: (step: StepRecord) => Promise<T>,
    state: (r: T) => string | undefined,
  ): Promise<T>;
  /**
   * calls: creates and cancels; polls: waits; starts: the create, waiting for a cancelled attempt to
   * end; verifies: the data check (long attempts that heartbeat).
   */
  acts: { calls: Acts; polls: Acts; starts: Acts; verifies: Acts };
  polling: PollingSpec;
  /** The run's status fields the step fills: the job's id and what it did about a cancel. */
  status: {
    ids: { restoreJobId?: string };
    notes: string[];
    verification?: VerificationSummary;
    collectionRestore?: CollectionRestoreReport;
  };
}

/** What the step has done so far: read by the run for its result, also after a failure or cancel. */
export interface RestoreProgress {
  jobId?: string;
  created?: CreatedResource;
  /** The job's state when the step was cancelled before its create answered (found in Atlas's list). */
  foundState?: string;
  done?: AwaitedResource;
  cancellation?: CancelRestoreResult;
  verified?: { stateName: string; via: VerifiedTarget['via']; at: string };
  /** The restored data's check, when the run asked for one (also when it failed). */
  verification?: VerificationSummary;
}

/**
 * Atlas reports finishedAt to the whole second, so a job that finished within the step's first
 * second would look older than the step and be created again: compare from the step's second.
 */
/** The share of a collection restore's documents between two progress reports in the run's status. */
const PROGRESS_STEP = 0.25;

const NO_COLLECTION_CANCEL = (what: string) =>
  `Atlas has no cancel endpoint for collection restore jobs: ${what} keeps running in Atlas until it ends.`;

const toWholeSecond = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();

export class RestoreStep {
  readonly progress: RestoreProgress = {};
  private stepStartedAt = '';
  /** The target's connection string, from the target check's getCluster (older workers send none). */
  private targetConnectionString?: string | undefined;

  constructor(
    private readonly ports: RestorePorts,
    private readonly source: SourceRef,
    private readonly request: RestoreRequest,
    /** The cluster restored into; none for download restores. */
    private readonly target: ClusterRef | undefined,
    /** Read the restored data after the target is serving (opt-in; off in older histories). */
    private readonly verify?: RestoreVerifySpec,
    /** What the source held before the snapshot (the pipeline's manifest and canary), to compare with. */
    private readonly expected?: { manifest: Manifest; canary?: Canary | undefined },
  ) {}

  /** Every stage in order; `approve` throws when the restore must not happen. */
  async run(approve?: () => Promise<void>): Promise<RestoreProgress> {
    if (approve) await approve();
    const jobId = await this.create();
    await this.wait(jobId);
    await this.checkTarget(jobId);
    await this.checkData(jobId);
    return this.progress;
  }

  private get start() {
    return { source: this.source, restore: this.request, stepStartedAt: this.stepStartedAt };
  }

  /** Creates the job, or adopts the one an earlier attempt made. */
  private async create(): Promise<string> {
    const { record, acts, status } = this.ports;
    const created = await record(
      'restore',
      'restoring',
      (step) => {
        this.stepStartedAt = toWholeSecond(step.startedAt);
        return this.request.collections
          ? acts.starts.startCollectionRestore(this.start)
          : acts.starts.startRestore(this.start);
      },
      (r) => r.state,
    ).catch(async (err: unknown) => {
      if (wasCancelled(err)) await this.cancelWhatCreateLeft();
      throw err;
    });
    this.progress.created = created;
    this.progress.jobId = status.ids.restoreJobId = created.id;
    if (status.collectionRestore) status.collectionRestore.jobId = created.id;
    return created.id;
  }

  /** After a cancel during the create: the job an interrupted attempt made, if any, is cancelled too. */
  private async cancelWhatCreateLeft(): Promise<void> {
    const { acts, status } = this.ports;
    if (this.request.collections) {
      status.notes.push(NO_COLLECTION_CANCEL('any job the interrupted create made'));
      return;
    }
    const found = await CancellationScope.nonCancellable(() => acts.calls.findDrRestore(this.start));
    if (!found.id) return;
    this.progress.jobId = status.ids.restoreJobId = found.id;
    this.progress.foundState = found.state;
    await this.cancelJob(found.id);
  }

  private async cancelJob(restoreJobId: string): Promise<void> {
    const { acts, status } = this.ports;
    const source = this.source;
    if (this.request.collections) {
      const detail = NO_COLLECTION_CANCEL(`collection restore job ${restoreJobId}`);
      this.progress.cancellation = { restoreJobId, cancelled: false, detail };
      status.notes.push(detail);
      return;
    }
    const cancelled = await CancellationScope.nonCancellable(() => acts.calls.cancelRestore({ source, restoreJobId }));
    this.progress.cancellation = cancelled;
    status.notes.push(cancelled.detail);
  }

  /** Waits for the job; a job this run just created needs no read at once (an adopted one may be done). */
  private async wait(restoreJobId: string): Promise<void> {
    const { record, acts, polling } = this.ports;
    const c = this.progress.created!;
    const justCreated = c.adopted ? {} : { created: c.state !== undefined ? { state: c.state } : {} };
    try {
      const input = { source: this.source, restoreJobId, polling, ...justCreated };
      if (this.request.collections) {
        this.progress.done = await this.waitForCollections(input);
        return;
      }
      this.progress.done = await record(
        'wait-for-restore',
        'waiting-for-restore',
        () => acts.polls.awaitRestore(input),
        (r) => r.state,
      );
    } catch (err) {
      const failed = err instanceof ActivityFailure ? err.cause : undefined;
      if (failed instanceof ApplicationFailure) this.keepCollectionReport(failed.details?.[0]);
      // The run is cancelled, but the Atlas job keeps going unless we cancel it too.
      if (wasCancelled(err)) await this.cancelJob(restoreJobId);
      throw err;
    }
  }

  /**
   * A collection restore's wait returns at each quarter of its documents, so the run's own status
   * shows its progress (four steps at most); `status`/`watch` see every read through the pending wait.
   */
  private async waitForCollections(first: AwaitRestoreInput): Promise<AwaitedResource> {
    const { record, acts, status } = this.ports;
    let input: AwaitRestoreInput = { ...first, reportEvery: PROGRESS_STEP };
    for (;;) {
      const r = await record(
        'wait-for-restore',
        'waiting-for-restore',
        () => acts.polls.awaitCollectionRestore(input),
        (x) => x.state,
      );
      this.keepCollectionReport(r.facts);
      const seen = r.facts.progress as { restoredDocuments: number; totalDocuments: number } | undefined;
      if (!seen) return r;
      status.collectionRestore = { writeStrategy: 'CREATE_NEW', ...status.collectionRestore, ...seen };
      const reported = seen.totalDocuments > 0 ? seen.restoredDocuments / seen.totalDocuments : 0;
      input = {
        source: first.source,
        restoreJobId: first.restoreJobId,
        polling: first.polling,
        reportEvery: PROGRESS_STEP,
        reported,
      };
    }
  }

  /** A collection restore's outcome per collection (from the wait's result or its failure) into the status. */
  private keepCollectionReport(facts: unknown): void {
    const report = (facts as { collectionRestore?: CollectionRestoreReport } | undefined)?.collectionRestore;
    const { status } = this.ports;
    if (report) status.collectionRestore = { ...status.collectionRestore, ...report };
  }

  /** The target is serving again (download restores have none). */
  private async checkTarget(restoreJobId: string): Promise<void> {
    const { record, acts, polling } = this.ports;
    if (!this.target || this.request.deliveryType === 'download') return;
    const { groupId, clusterName } = this.target;
    const v = await record(
      'verify-target',
      'verifying',
      () => acts.polls.verifyTargetIdle({ groupId, clusterName, polling, restoreJobId }),
      (r) => r.stateName,
    );
    this.progress.verified = { stateName: v.stateName, via: v.via, at: new Date().toISOString() };
    this.targetConnectionString = v.connectionString;
  }

  /** What the restored data came from, for the check to browse: a snapshot, or the point in time replayed. */
  private restoredFrom(): Pick<VerifyRestoredDataInput, 'snapshot' | 'pointInTime'> {
    const { snapshotId, pointInTimeUTCSeconds, oplogTs } = this.request;
    const { kind, groupId, clusterName } = this.source;
    if (kind !== 'dedicated') return {};
    if (snapshotId) return { snapshot: { groupId, clusterName, snapshotId } };
    const utcSeconds = pointInTimeUTCSeconds ?? oplogTs;
    return utcSeconds === undefined ? {} : { pointInTime: { groupId, clusterName, utcSeconds } };
  }

  /** The restored data, read as a temporary user the activity makes and deletes (restore.verify). */
  private async checkData(restoreJobId: string): Promise<void> {
    const { record, acts, status } = this.ports;
    if (!this.verify || !this.target || this.request.deliveryType === 'download') return;
    const restored = this.request.collections
      ? (status.collectionRestore?.collections ?? []).map((c) => ({
          sourceNamespace: c.sourceNamespace,
          targetNamespace: c.targetNamespace,
        }))
      : undefined;
    const connectionString = this.targetConnectionString;
    const input = {
      target: { groupId: this.target.groupId, clusterName: this.target.clusterName },
      // The target check's getCluster already read it: the activity needs no getCluster of its own.
      ...(connectionString ? { connectionString } : {}),
      ...this.restoredFrom(),
      restoreJobId,
      verify: this.verify,
      ...(restored ? { restored } : {}),
      ...(this.expected ? { manifest: this.expected.manifest } : {}),
      ...(this.expected?.canary ? { canary: this.expected.canary } : {}),
    };
    try {
      const {
        requests: _r,
        attempts: _a,
        ...summary
      } = await record(
        'verify-data',
        'verifying',
        () => acts.verifies.verifyRestoredData(input),
        (r) => (r.ok ? 'verified' : 'not verified'),
      );
      this.progress.verification = status.verification = summary;
    } catch (err) {
      const s = verificationOf(err);
      if (s) this.progress.verification = status.verification = s;
      throw err;
    }
  }
}

/** The summary a VerificationFailed carries (its verdicts included), if `err` is one. */
export function verificationOf(err: unknown): VerificationSummary | undefined {
  const failed = err instanceof ActivityFailure ? err.cause : undefined;
  if (!(failed instanceof ApplicationFailure) || failed.type !== VERIFICATION_FAILED) return undefined;
  const s = failed.details?.[0] as (VerificationSummary & Partial<VerificationReport['summary']>) | undefined;
  if (!s) return undefined;
  if (s.okNamespaces !== undefined) return s;
  // A failure from a worker that sent the report's own summary (checked/failed counts, no verdicts).
  const failedCount = s.failed ?? 0;
  return {
    ok: false,
    okNamespaces: s.checked - failedCount,
    failedNamespaces: failedCount,
    checked: s.checked,
    seconds: s.seconds,
    notes: s.notes,
  };
}
