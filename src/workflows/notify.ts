// Webhook notifications from a run. A run hands each notification to its own small child workflow
// (deliverNotification) started with ParentClosePolicy ABANDON: the run waits only for the child to
// start, never for the webhook, so a dead receiver neither fails nor delays it, and delivery keeps
// retrying after the run has closed.
import {
  ApplicationFailure,
  isCancellation,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  log,
  proxyActivities,
  proxyLocalActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  NOTIFICATION_SCHEMA,
  NOTIFICATION_VERSION,
  type DeliverNotificationInput,
  type DeliveredNotification,
  type DrReport,
  type DrStatus,
  type PipelineResult,
  type RunStatus,
  type FleetSummary,
  type NotificationBody,
  type NotificationEventType,
  type NotifyActivities,
  type NotifySpec,
} from '../contract/index.js';

/** Failure types sendNotification throws when retrying cannot help (a 4xx answer, no secret). */
export const NOTIFY_TERMINAL_TYPES = ['WebhookRejected', 'WebhookMisconfigured'];

// A local activity: the worker's default is a lookup, not worth three history events.
const lookup = proxyLocalActivities<NotifyActivities>({
  startToCloseTimeout: '10s',
  retry: { maximumAttempts: 3 },
});

// Its own retry policy, apart from the Atlas steps': a receiver may be down for hours.
const delivery = proxyActivities<NotifyActivities>({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '24h',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '5m',
    nonRetryableErrorTypes: NOTIFY_TERMINAL_TYPES,
  },
});

/** Delivers one notification: the child workflow a run starts and leaves behind. */
export async function deliverNotification(input: DeliverNotificationInput): Promise<DeliveredNotification> {
  return delivery.sendNotification(input);
}

/** The event-specific part of a body; the notifier adds the envelope (schema, version, at, run). */
export type NotificationFacts = Omit<NotificationBody, 'schema' | 'version' | 'event' | 'at' | 'run'> & {
  outcome: string;
};

/**
 * Sends `event` when the run's `notify` (or else the worker's default) asks for it. Never throws:
 * a notification that cannot even be handed over is logged and the run goes on. `known`: the
 * worker's default as the run already learned it (a pipeline's pre-flight returns it); undefined:
 * it is looked up now.
 */
export async function notify(
  event: NotificationEventType,
  given: NotifySpec | undefined,
  facts: NotificationFacts,
  known?: NotifySpec | null,
): Promise<void> {
  try {
    const spec = given ?? (known === undefined ? await lookup.notifyDefaults() : known);
    if (!spec || !spec.events.includes(event)) return;
    const { outcome, ...rest } = facts;
    const info = workflowInfo();
    const body: NotificationBody = {
      schema: NOTIFICATION_SCHEMA,
      version: NOTIFICATION_VERSION,
      event,
      at: new Date().toISOString(),
      run: { workflowType: info.workflowType, workflowId: info.workflowId, runId: info.runId, outcome },
      ...rest,
    };
    await startChild(deliverNotification, {
      workflowId: `${info.workflowId}.notify.${event}.${info.runId}`,
      args: [{ notify: spec, body }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
  } catch (err) {
    log.warn(`${event} notification not sent: ${(err as Error).message}`);
  }
}

/**
 * For fleet workflows: one summary when a fleet run ends. Call it from the fleet
 * workflow with the fleet input's `notify`; it is a no-op when nobody asked for fleet.summary.
 */
export function notifyFleetSummary(given: NotifySpec | undefined, fleet: FleetSummary): Promise<void> {
  return notify('fleet.summary', given, {
    outcome: fleet.failed > 0 ? 'failed' : 'completed',
    summary:
      `Fleet backup: ${fleet.completed}/${fleet.total} clusters completed, ${fleet.failed} failed` +
      `${fleet.cancelled ? `, ${fleet.cancelled} cancelled` : ''}.`,
    fleet,
  });
}

const clusterOf = (s: RunStatus<string>) => ({ groupId: s.groupId, clusterName: s.clusterName });

/** What `runToEnd` needs of a pipeline or DR run. */
export interface EndingRun<R> {
  readonly rec: { setPhase(phase: 'completed'): void; readonly status: RunStatus<string> };
  /** The worker's default `notify` as the run learned it (undefined: not learned, looked up at the end). */
  readonly notifyDefault?: NotifySpec | null | undefined;
  finish(outcome: 'completed'): R;
  end(err: unknown): R;
}

/**
 * A run's steps to its ending, shared by the pipeline and DR: completed and announced with
 * `completed`'s event, or, after an error, its own `end()`, which returns a summary or throws the
 * failure that ends the run; a failure (not a cancel: someone asked for that, nobody needs paging)
 * is announced as run.failed first.
 */
export async function runToEnd<R>(
  run: EndingRun<R>,
  given: NotifySpec | undefined,
  steps: () => Promise<void>,
  completed: { event: NotificationEventType; facts: (result: R) => NotificationFacts },
): Promise<R> {
  try {
    await steps();
    run.rec.setPhase('completed');
    const result = run.finish('completed');
    await notify(completed.event, given, completed.facts(result), run.notifyDefault);
    return result;
  } catch (err) {
    try {
      return run.end(err);
    } catch (failure) {
      if (!isCancellation(failure))
        await notify('run.failed', given, failedFacts(failure, run.rec.status), run.notifyDefault);
      throw failure;
    }
  }
}

/** run.failed: the failure that ends the run (its type, message and the step it failed in). */
export function failedFacts(failure: unknown, status: RunStatus<string>): NotificationFacts {
  const type = failure instanceof ApplicationFailure ? (failure.type ?? 'Failed') : 'Failed';
  const message = failure instanceof Error ? failure.message : String(failure);
  return {
    outcome: 'failed',
    summary: `${status.kind} of cluster '${status.clusterName}' in project ${status.groupId} failed: ${type}.`,
    cluster: clusterOf(status),
    failure: { type, message, step: status.lastError?.step ?? status.steps.at(-1)?.name },
  };
}

export function pipelineFacts(result: PipelineResult): NotificationFacts {
  const what = [result.snapshot && 'snapshot', result.export && 'export', result.restore && 'restore'];
  return {
    outcome: result.outcome,
    summary:
      `backupPipeline of cluster '${result.clusterName}' in project ${result.groupId} completed ` +
      `(${what.filter(Boolean).join(', ')}).`,
    cluster: { groupId: result.groupId, clusterName: result.clusterName },
    pipeline: {
      snapshotId: result.snapshot?.id,
      exportJobId: result.export?.id,
      restoreJobId: result.restore?.id,
      atlasRequests: result.atlasRequests,
    },
  };
}

export function drCompletedFacts(report: DrReport): NotificationFacts {
  const { status, recovery } = report;
  const target = report.target ? `cluster '${report.target.clusterName}'` : 'a download';
  return {
    outcome: report.outcome,
    summary:
      `disasterRecovery of cluster '${status.clusterName}' in project ${status.groupId} into ${target} ` +
      `completed: recovered in ${Math.round(recovery.totalSeconds)} s.`,
    cluster: clusterOf(status),
    recovery: {
      totalSeconds: recovery.totalSeconds,
      phases: { ...recovery.phases },
      restoreJobId: report.restoreJobId,
    },
  };
}

/** A run with an approval gate: a DR run, or a pipeline restoring into a production target. */
type GatedRunStatus = Pick<RunStatus<string>, 'kind' | 'groupId' | 'clusterName'> & {
  approval?: DrStatus['approval'];
};

/**
 * dr.awaiting-approval (DR and a pipeline's production restore alike): what would be overwritten,
 * the deadline, and the exact commands to decide.
 */
export function approvalFacts(status: GatedRunStatus): NotificationFacts {
  const { workflowId, namespace } = workflowInfo();
  const ns = namespace === 'default' ? '' : ` --namespace ${namespace}`;
  const pending = status.approval?.pending;
  return {
    outcome: 'awaiting-approval',
    summary:
      `${status.kind} of cluster '${status.clusterName}' in project ${status.groupId} is waiting for approval ` +
      `before it overwrites ${pending?.overwrite ?? 'its target'}.`,
    cluster: { groupId: status.groupId, clusterName: status.clusterName },
    approval: {
      overwrite: pending?.overwrite ?? '',
      with: pending?.with ?? '',
      deadline: pending?.deadline ?? '',
      approveCommand: `atlas-backup${ns} approve ${workflowId} --reason "<why>"`,
      rejectCommand: `atlas-backup${ns} reject ${workflowId} --reason "<why>"`,
    },
  };
}
