// Status of a run for the CLI: the lead's getRunStatus while it runs (query + describe), and for a
// closed run the result Temporal stored, so `status` works even when no worker is up to answer a
// query. followRun() is the live view shared by `watch`, `backup --wait` and the demo.
import type { Client, WorkflowHandle } from '@temporalio/client';
import { closedRunOutcome } from '../runs/outcome.js';
import { describedStatus, getRunStatus, type LiveStatus } from '../client/status.js';
import {
  APPROVAL_REJECTED,
  APPROVAL_TIMED_OUT,
  type Phase,
  type RunResult,
  type RunStatus,
} from '../contract/index.js';
import { renderStatus, statusLine } from './render.js';
import { exportBarLine, type ReadTimes } from './progress.js';

export interface RunOutcome {
  status: LiveStatus;
  /** The run's summary once it closed: returned, attached to its failure, or left in its memo when cancelled. */
  result?: RunResult;
  /** One line saying why the run failed, was cancelled, terminated or timed out. */
  failure?: string;
}

/** Endings that are not errors of a step: the status shows them as the outcome, not as a last error. */
const NOT_AN_ERROR = new Set([APPROVAL_REJECTED, APPROVAL_TIMED_OUT, 'Cancelled']);

/** Live status of a running run; for a closed one, the final status its summary embeds. */
export async function fetchStatus(client: Client, handle: WorkflowHandle): Promise<RunOutcome> {
  const description = await handle.describe();
  if (description.status.name === 'RUNNING') return { status: await getRunStatus(handle, description) };
  const closed = await closedRunOutcome(handle, description);
  // A closed run without a result of ours (terminated, timed out): what its description knows.
  const { name } = description.status;
  const closedPhase: Phase = name === 'COMPLETED' ? 'completed' : name === 'CANCELLED' ? 'cancelled' : 'failed';
  const final: RunStatus = closed.result?.status ?? describedStatus(description, closedPhase);
  const stepError =
    closed.failure && !NOT_AN_ERROR.has(closed.failureType ?? '')
      ? { message: closed.failure, step: final.steps.at(-1)?.name }
      : undefined;
  const status: LiveStatus = {
    ...final,
    lastError: final.lastError ?? stepError,
    workflowId: description.workflowId,
    runId: description.runId,
    executionStatus: description.status.name,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString(),
  };
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
export async function followRun(
  client: Client,
  handle: WorkflowHandle,
  options: FollowOptions = {},
): Promise<RunOutcome & { stopped?: boolean }> {
  const out = options.out ?? process.stdout;
  const interactive = options.interactive ?? Boolean(out.isTTY);
  const intervalMs = options.intervalMs ?? 250;
  let lastLine = '';
  let drawnLines = 0;
  const draw = (s: LiveStatus) => {
    if (interactive) {
      let text = renderStatus(s);
      // A terminal that reports no width (0, or none: some CI and container consoles) is not 20 wide.
      const columns = out.columns || 120;
      if (s.exportProgress) text += `\n${exportBarLine(s.exportProgress, columns, readTimesOf(s))}`;
      // Lines are clipped to the terminal width: a wrapped line would throw off the redraw count.
      const width = Math.max(20, columns - 1);
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

/** When the export's count was read and when the export began (its create's step ended), if known. */
function readTimesOf(s: LiveStatus): ReadTimes | undefined {
  const readAt = s.pending?.lastReadAt;
  const began = s.steps.find((step) => step.name === 'export')?.endedAt;
  return readAt && began ? { readAtMs: Date.parse(readAt), startedAtMs: Date.parse(began) } : undefined;
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
