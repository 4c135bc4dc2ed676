// Human-readable views of a run's live status and of a pipeline result. Pure string building.
import type { LiveStatus } from '../client/status.js';
import type { DrReport, RunResult, StepRecord } from '../contract/index.js';
import { verificationLines } from '../data/summary.js';
import { approvalText, collectionRestoreLines, outcomeWords, recoveryText, secondsText } from './run-lines.js';

const since = (fromIso: string, toIso?: string) => {
  const ms = (toIso ? Date.parse(toIso) : Date.now()) - Date.parse(fromIso);
  return Number.isFinite(ms) ? secondsText(ms / 1000) : '?';
};

/** A step's mark by outcome; a step without one is still going. */
const MARKS: Record<NonNullable<StepRecord['outcome']>, string> = {
  ok: '✓',
  failed: '✗',
  cancelled: '⊘',
  skipped: '-',
};

function stepLine(s: StepRecord): string {
  const mark = s.outcome ? MARKS[s.outcome] : '…';
  const extra = [
    s.atlasState && `atlas ${s.atlasState}`,
    s.attempts !== undefined && `${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`,
  ]
    .filter(Boolean)
    .join(', ');
  return `  ${mark} ${s.name.padEnd(18)} ${since(s.startedAt, s.endedAt).padStart(7)}${extra ? `  (${extra})` : ''}`;
}

/** "overwrite restore-target (project P) — by bob at approval, 2026-…": who let a restore overwrite what. */
export function consentLine(c: NonNullable<LiveStatus['consent']>): string {
  const how = c.via === 'approval' ? 'approved by' : 'given at start by';
  return `overwrite ${c.overwrite} (project ${c.targetGroupId}${c.production ? ', production' : ''}) — ${how} ${c.by}`;
}

/**
 * `result`: a closed run's summary (see fetchStatus); it adds the outcome and, for DR, the recovery
 * time per phase, so a closed run shows everything its report holds.
 */
export function renderStatus(s: LiveStatus, result?: RunResult): string {
  const lines = [
    `${s.workflowId}  ${s.kind}  ${s.executionStatus}`,
    `  cluster     ${s.clusterName} in project ${s.groupId}`,
    `  phase       ${s.phase}${s.lastAtlasState ? ` (Atlas: ${s.lastAtlasState})` : ''}`,
    `  started     ${s.startTime}${s.closeTime ? `, closed ${s.closeTime}` : ''}`,
  ];
  if (result) lines.push(`  outcome     ${outcomeWords(result.outcome)}`);
  if (s.target || s.deliveryType) {
    const target = s.target ? `${s.target.clusterName} in project ${s.target.groupId}` : 'none: download';
    const prod = s.target?.production ? ' (production)' : '';
    lines.push(`  target      ${target}${prod}  (delivery ${s.deliveryType ?? 'unknown'}, source ${s.source?.kind})`);
  }
  const ids = Object.entries(s.ids).filter(([, v]) => v);
  if (ids.length) lines.push(`  ids         ${ids.map(([k, v]) => `${k}=${v}`).join(' ')}`);
  if (s.exportProgress)
    lines.push(
      `  export      ${s.exportProgress.exportedCollections}/${s.exportProgress.totalCollections} collections`,
    );
  if (s.collectionRestore) lines.push(...collectionRestoreLines(s.collectionRestore));
  if (s.workerNotice) lines.push(`  worker      ${s.workerNotice}`);
  lines.push(`  attempts    ${s.attempts}`);
  if (s.pending) {
    const nextPoll = s.pending.nextAttemptAt ? `, next poll ${s.pending.nextAttemptAt}` : '';
    lines.push(`  waiting on  ${s.pending.activity}, attempt ${s.pending.attempt}${nextPoll}`);
  }
  const { approval } = s;
  if (approval?.pending) {
    const { deadline, overwrite } = approval.pending;
    lines.push(`  approval    WAITING until ${deadline}: overwrite ${overwrite} with ${approval.pending.with}`);
    lines.push(`              decide with: atlas-backup approve ${s.workflowId} --reason "..."  (or reject)`);
  } else if (approval?.decision) {
    lines.push(`  approval    ${approvalText(approval)}`);
  }
  const recovery = result && 'recovery' in result ? (result as DrReport).recovery : undefined;
  if (recovery) lines.push(`  recovery    ${recoveryText(recovery)}`);
  if (s.consent) lines.push(`  consent     ${consentLine(s.consent)}`);
  if (s.verification) lines.push(...verificationLines('data', s.verification));
  if (s.exportVerification) lines.push(...verificationLines('export data', s.exportVerification));
  if (s.lastError)
    lines.push(`  last error  ${s.lastError.step ? `[${s.lastError.step}] ` : ''}${s.lastError.message}`);
  if (s.steps.length) {
    lines.push('  timeline');
    for (const step of s.steps) lines.push(stepLine(step));
  }
  for (const n of s.notes) lines.push(`  note        ${n}`);
  return lines.join('\n');
}

/** One line, for non-interactive output (logs, CI, tests): printed when something changes. */
export function statusLine(s: LiveStatus): string {
  const parts = [`[${s.phase}]`, s.lastAtlasState && `atlas=${s.lastAtlasState}`];
  if (s.ids.snapshotId) parts.push(`snapshot=${s.ids.snapshotId}`);
  if (s.ids.exportJobId) parts.push(`export=${s.ids.exportJobId}`);
  if (s.ids.restoreJobId) parts.push(`restore=${s.ids.restoreJobId}`);
  if (s.exportProgress)
    parts.push(`collections=${s.exportProgress.exportedCollections}/${s.exportProgress.totalCollections}`);
  const docs = s.collectionRestore;
  if (docs?.totalDocuments !== undefined) parts.push(`documents=${docs.restoredDocuments ?? 0}/${docs.totalDocuments}`);
  if (s.lastError) parts.push(`error="${s.lastError.message}"`);
  if (s.workerNotice) parts.push(`worker="${s.workerNotice}"`);
  return parts.filter(Boolean).join(' ');
}
