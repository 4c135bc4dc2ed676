// Status of a run for the CLI: the lead's getRunStatus while it runs (query + describe), and for a
// closed run the result Temporal stored, so `status` works even when no worker is up to answer a
// query. followRun() is the live view shared by `watch`, `backup --wait` and the demo.
import { WorkflowFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { getRunStatus, type LiveStatus } from '../client/status.js';
import type { RunStatus } from '../workflows/status.js';
import { renderStatus, statusLine } from './render.js';
import { exportBarLine } from './progress.js';

export interface RunOutcome {
  status: LiveStatus;
  /** The workflow's return value when it completed. */
  result?: unknown;
  /** One line saying why the run failed, was cancelled, terminated or timed out. */
  failure?: string;
}

interface StepsLike {
  kind?: RunStatus['kind'];
  steps?: RunStatus['steps'];
  groupId?: string;
  clusterName?: string;
  notes?: string[];
  attempts?: number;
  outcome?: string;
  snapshot?: { id: string; status: string };
  export?: { id: string; state: string; exportedCollections?: number; totalCollections?: number };
  restore?: { id: string; state: string };
  /** disasterRecovery report fields */
  restoreJobId?: string;
  restored?: { snapshotId?: string };
  restoreJob?: { state: string };
  source?: { groupId: string; clusterName: string };
}

function failureLine(err: unknown): string {
  if (err instanceof WorkflowFailedError) {
    const cause = err.cause;
    if (cause instanceof CancelledFailure) return 'cancelled';
    if (cause instanceof TerminatedFailure) return `terminated${cause.message ? `: ${cause.message}` : ''}`;
    return cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The workflow's outcome from history: its result, or its failure with the details it attached. */
export async function closedOutcome(handle: WorkflowHandle): Promise<{ result?: unknown; failure?: string; details?: StepsLike }> {
  try {
    const result = await handle.result();
    return { result, details: result as StepsLike };
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    const details = cause instanceof ApplicationFailure ? (cause.details?.[0] as StepsLike | undefined) : undefined;
    return { failure: failureLine(err), details };
  }
}

/** Live status of a running run; for a closed one, rebuilt from describe + the stored result. */
export async function fetchStatus(client: Client, handle: WorkflowHandle): Promise<RunOutcome> {
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') return { status: await getRunStatus(handle) };
  const closed = await closedOutcome(handle);
  const d = closed.details ?? {};
  let status: LiveStatus | undefined;
  if (!d.steps) {
    // Not a pipeline result (e.g. a DR run): ask the workflow itself, briefly, in case a worker is up.
    status = await client.connection.withDeadline(Date.now() + 3000, () => getRunStatus(handle)).catch(() => undefined);
  }
  status ??= {
    kind: d.kind ?? (description.type === 'disasterRecovery' ? 'disasterRecovery' : 'backupPipeline'),
    phase: (d.outcome as LiveStatus['phase']) ?? (description.status.name === 'COMPLETED' ? 'completed' : description.status.name === 'CANCELLED' ? 'cancelled' : 'failed'),
    groupId: d.groupId ?? d.source?.groupId ?? String(description.searchAttributes?.AtlasProject?.[0] ?? ''),
    clusterName: d.clusterName ?? d.source?.clusterName ?? String(description.searchAttributes?.AtlasCluster?.[0] ?? ''),
    ids: { snapshotId: d.snapshot?.id ?? d.restored?.snapshotId, exportJobId: d.export?.id, restoreJobId: d.restore?.id ?? d.restoreJobId },
    steps: d.steps ?? [],
    lastAtlasState: d.restore?.state ?? d.restoreJob?.state ?? d.export?.state ?? d.snapshot?.status,
    exportProgress: d.export?.totalCollections !== undefined ? { exportedCollections: d.export.exportedCollections ?? 0, totalCollections: d.export.totalCollections } : undefined,
    attempts: d.attempts ?? 0,
    lastError: closed.failure ? { message: closed.failure, step: d.steps?.at(-1)?.name } : undefined,
    notes: d.notes ?? [],
    workflowId: description.workflowId,
    runId: description.runId,
    executionStatus: description.status.name,
    startTime: description.startTime.toISOString(),
  };
  status.executionStatus = description.status.name;
  status.closeTime = description.closeTime?.toISOString();
  return { status, result: closed.result, failure: closed.failure };
}

export interface FollowOptions {
  out?: NodeJS.WriteStream;
  intervalMs?: number;
  /** Redraw in place with a progress bar (a TTY); otherwise print one line per change. */
  interactive?: boolean;
  /** Stops following (Ctrl-C): the run itself is never touched. */
  signal?: AbortSignal;
}

/** Follows a run until it closes (or `signal` aborts), drawing the live view. */
export async function followRun(client: Client, handle: WorkflowHandle, options: FollowOptions = {}): Promise<RunOutcome & { stopped?: boolean }> {
  const out = options.out ?? process.stdout;
  const interactive = options.interactive ?? Boolean(out.isTTY);
  const intervalMs = options.intervalMs ?? 250;
  let lastLine = '';
  let drawnLines = 0;
  const draw = (s: LiveStatus) => {
    if (interactive) {
      let text = renderStatus(s);
      if (s.exportProgress) text += `\n${exportBarLine(s.exportProgress, out.columns)}`;
      // Lines are clipped to the terminal width: a wrapped line would throw off the redraw count.
      const width = Math.max(20, (out.columns ?? 120) - 1);
      const lines = text.split('\n').map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
      if (drawnLines) out.write(`\x1b[${drawnLines}A\x1b[0J`);
      out.write(`${lines.join('\n')}\n`);
      drawnLines = lines.length;
    } else {
      const line = statusLine(s);
      if (line !== lastLine) out.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);
      lastLine = line;
    }
  };
  let last: LiveStatus | undefined;
  for (;;) {
    if (options.signal?.aborted) {
      const status = last ?? (await fetchStatus(client, handle)).status;
      return { status, stopped: true };
    }
    const outcome = await fetchStatus(client, handle).catch((err: unknown) => {
      // A query can race a workflow task; try again next tick rather than give up the view.
      if (/query|deadline/i.test(String((err as Error).message))) return undefined;
      throw err;
    });
    if (outcome) {
      last = outcome.status;
      draw(outcome.status);
      if (outcome.status.executionStatus !== 'RUNNING') return outcome;
    }
    await pause(intervalMs, options.signal);
  }
}

/** Sleeps, or returns early when the signal aborts (without leaving a listener behind). */
function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
