// The schedule's timing flags (cron or interval, time zone, jitter, policies), the action it runs,
// and its human-readable description. Pure: no Temporal calls here.
import {
  ScheduleOverlapPolicy,
  type ScheduleDescription,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import { Option, type Command } from 'commander';
import type { BackupPipelineInput, RestoreTestInput } from '../../../contract/index.js';
import { UsageError } from '../../errors.js';
import { backupWorkflowId } from '../../../runs/index.js';
import { duration, oneOf } from '../../parse.js';
import { checkCron, formatDuration } from './cron.js';
import { pipelineSearchAttributes } from '../../../runs/index.js';
import { backupPipeline } from '../../../workflows/index.js';

export const OVERLAPS = ['skip', 'buffer-one', 'buffer-all', 'cancel-other', 'terminate-other', 'allow-all'] as const;
export type Overlap = (typeof OVERLAPS)[number];
export const overlapPolicy = (o: Overlap) => o.toUpperCase().replace('-', '_') as ScheduleOverlapPolicy;

export interface TimingFlags {
  cron?: string[];
  every?: number;
  offset?: number;
  timezone?: string;
  jitter?: number;
  overlap?: Overlap;
  catchupWindow?: number;
  pauseOnFailure?: boolean;
  note?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addTimingOptions(cmd: Command, forUpdate: boolean): Command {
  return cmd
    .option('--cron <expr>', 'cron expression, e.g. "0 3 * * *" (repeatable)', collect)
    .option('--every <duration>', 'interval, e.g. 6h, 30m, 1d', duration)
    .option('--offset <duration>', 'offset of the interval, e.g. 15m', duration)
    .option('--timezone <iana>', 'time zone of the cron expressions, e.g. Europe/Paris (default UTC)')
    .option('--jitter <duration>', 'random delay added to each fire time, e.g. 5m', duration)
    .addOption(
      new Option(
        '--overlap <policy>',
        `what to do when the previous run is still going${forUpdate ? '' : ' (default skip)'}`,
      ).argParser(oneOf(OVERLAPS)),
    )
    .option('--catchup-window <duration>', 'how late a missed fire may still run after an outage, e.g. 1h', duration)
    .option('--pause-on-failure', 'pause the schedule when a run fails')
    .option('--note <text>', 'a note shown with the schedule');
}

export function checkTimezone(tz: string | undefined): void {
  if (tz === undefined) return;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw new UsageError(`--timezone: '${tz}' is not an IANA time zone (e.g. UTC, Europe/Paris, America/New_York)`);
  }
}

export function specOf(f: TimingFlags, required: boolean): ScheduleSpec | undefined {
  if (f.cron && f.every !== undefined) throw new UsageError('--cron and --every are mutually exclusive: give one');
  if (!f.cron && f.every === undefined) {
    if (required) throw new UsageError('--cron or --every is required (when to take the backup)');
    return undefined;
  }
  if (f.offset !== undefined && f.every === undefined) throw new UsageError('--offset needs --every');
  for (const c of f.cron ?? []) checkCron(c);
  if (f.offset !== undefined && f.every !== undefined && f.offset >= f.every)
    throw new UsageError(
      `--offset: ${formatDuration(f.offset)} must be shorter than --every ${formatDuration(f.every)}`,
    );
  checkTimezone(f.timezone);
  return {
    ...(f.cron
      ? { cronExpressions: f.cron }
      : { intervals: [{ every: f.every!, ...(f.offset !== undefined ? { offset: f.offset } : {}) }] }),
    ...(f.timezone ? { timezone: f.timezone } : {}),
    ...(f.jitter !== undefined ? { jitter: f.jitter } : {}),
  };
}

/**
 * The spec `schedule update` sends: the new cron or interval (when given) replaces the old times, and
 * every other part of the current spec (time zone, jitter, skip, start/end) stays unless a flag changes it.
 */
export function updatedSpec(prev: ScheduleSpec, f: TimingFlags): ScheduleSpec {
  if (f.offset !== undefined && f.every === undefined) throw new UsageError('--offset needs --every');
  const times = specOf({ cron: f.cron, every: f.every, offset: f.offset }, false);
  return {
    ...prev,
    ...(times ? { calendars: [], cronExpressions: undefined, intervals: [], ...times } : {}),
    ...(f.timezone !== undefined ? { timezone: f.timezone } : {}),
    ...(f.jitter !== undefined ? { jitter: f.jitter } : {}),
  };
}

/** What a schedule is created with besides its spec and action: overlap (skip by default), catch-up, pause, note. */
export function policiesAndState(f: TimingFlags & { paused?: boolean }) {
  return {
    policies: {
      overlap: overlapPolicy(f.overlap ?? 'skip'),
      ...(f.catchupWindow !== undefined ? { catchupWindow: f.catchupWindow } : {}),
      pauseOnFailure: f.pauseOnFailure ?? false,
    },
    state: { paused: f.paused ?? false, ...(f.note ? { note: f.note } : {}) },
  };
}

export function actionOf(input: BackupPipelineInput, taskQueue: string): ScheduleOptionsAction {
  return {
    type: 'startWorkflow',
    workflowType: backupPipeline,
    args: [input],
    taskQueue,
    // Temporal appends the fire time: backup-<cluster>-<groupId>-2026-11-22T03:00:00Z
    workflowId: backupWorkflowId(input.groupId, input.clusterName),
    // Set at start so `list` and the one-backup-per-cluster check see a scheduled run at once.
    typedSearchAttributes: pipelineSearchAttributes(input.groupId, input.clusterName),
  };
}

type ClusterNamed = { groupId?: string; clusterName?: string };
const named = (c: ClusterNamed | undefined) => `${c?.clusterName ?? '?'} in project ${c?.groupId ?? '?'}`;

/** Whose backups the runs take or test: a pipeline names its cluster, a restore test its source and scratch. */
function clusterLines(input: unknown): string[] {
  const i = input as (ClusterNamed & Partial<Pick<RestoreTestInput, 'source' | 'scratch'>>) | undefined;
  if (!i?.source) return [`  cluster         ${named(i)}`];
  return [`  cluster         ${named(i.source)}`, ...(i.scratch ? [`  scratch         ${named(i.scratch)}`] : [])];
}

export function describeForHumans(d: ScheduleDescription): string {
  const action = d.action.type === 'startWorkflow' ? d.action : undefined;
  const input = action?.args?.[0] as Partial<BackupPipelineInput> | undefined;
  const spec = d.spec;
  // Temporal stores cron as calendar specs; the expression the operator wrote rides in the action's memo.
  const cron = Array.isArray(action?.memo?.scheduleCron) ? (action.memo.scheduleCron as string[]) : [];
  const when = [
    ...cron.map((c) => `cron "${c}"`),
    ...(spec.intervals ?? []).map(
      (i) => `every ${formatDuration(i.every)}${i.offset ? ` offset ${formatDuration(i.offset)}` : ''}`,
    ),
    ...(spec.calendars?.length && !cron.length ? [`${spec.calendars.length} calendar spec(s)`] : []),
  ];
  const zone = spec.timezone ? ` (${spec.timezone})` : ' (UTC)';
  const jitter = spec.jitter ? `, jitter ${formatDuration(spec.jitter)}` : '';
  const { overlap, catchupWindow, pauseOnFailure } = d.policies;
  const lines = [
    `${d.scheduleId}  ${d.state.paused ? 'PAUSED' : 'ACTIVE'}`,
    ...clusterLines(input),
    `  when            ${when.join(', ') || '(none)'}${zone}${jitter}`,
    `  overlap         ${overlap}, catch-up window ${formatDuration(catchupWindow)}, ` +
      `pause on failure ${pauseOnFailure ? 'yes' : 'no'}`,
  ];
  if (input?.export) lines.push(`  export          bucket ${input.export.exportBucketId}`);
  if (input?.restore) {
    const { deliveryType, targetClusterName } = input.restore;
    lines.push(`  restore         ${deliveryType}${targetClusterName ? ` → ${targetClusterName}` : ''}`);
  }
  if (d.state.note) lines.push(`  note            ${d.state.note}`);
  lines.push(
    `  next            ${
      d.info.nextActionTimes
        .slice(0, 3)
        .map((t) => t.toISOString())
        .join(', ') || '-'
    }`,
  );
  for (const a of d.info.recentActions.slice(-5)) {
    const started = a.action.type === 'startWorkflow' ? a.action.workflow.workflowId : '';
    lines.push(`  recent          ${a.takenAt.toISOString()}  ${started}`);
  }
  lines.push(`  running         ${d.info.runningActions.map((a) => a.workflow.workflowId).join(', ') || '-'}`);
  return lines.join('\n');
}
