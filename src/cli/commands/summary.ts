// The closing summary of a run (demo, backup --wait, watch): what Atlas now holds.
import type { LiveStatus } from '../../client/status.js';
import type { DrReport, PipelineResult, RestoreTestReport } from '../../contract/index.js';
import { drReportLines, outcomeWords, secondsText } from '../run-lines.js';
import { verificationLines } from '../../data/summary.js';
import { consentLine } from '../render.js';

export function summarize(status: LiveStatus, result: PipelineResult | undefined, failure?: string): string {
  const ok = status.executionStatus === 'COMPLETED' && (!result || result.outcome === 'completed');
  const outcome = ok ? 'completed' : (result?.outcome ?? status.executionStatus.toLowerCase());
  const lines = [`Backup ${outcome}: ${status.workflowId}`];
  const snapshotId = result?.snapshot?.id ?? status.ids.snapshotId;
  if (snapshotId)
    lines.push(`  snapshot    ${snapshotId}  status ${result?.snapshot?.status ?? status.lastAtlasState ?? 'unknown'}`);
  if (result?.export) {
    const e = result.export;
    const collections =
      e.totalCollections !== undefined
        ? `  ${e.exportedCollections ?? e.totalCollections}/${e.totalCollections} collections`
        : '';
    lines.push(`  export      ${e.id}  state ${e.state}${collections}${e.prefix ? `  prefix ${e.prefix}` : ''}`);
  }
  if (result?.restore) {
    const r = result.restore;
    const target = r.targetClusterName ? `  → ${r.targetClusterName}` : '';
    lines.push(`  restore     ${r.id}  ${r.deliveryType}  state ${r.state}${target}`);
    for (const url of r.deliveryUrl ?? []) lines.push(`              download ${url}`);
    if (r.consent) lines.push(`  consent     ${consentLine(r.consent)}`);
  }
  if (result) {
    const secs = secondsText((Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000);
    lines.push(`  took        ${secs}, ${result.attempts} activity attempts, ${result.atlasRequests} Atlas requests`);
  }
  lines.push(...verificationsOf(status));
  if (failure) lines.push(`  ${reasonLabel(outcome)}${failure}`);
  for (const n of status.notes) lines.push(`  note        ${n}`);
  return lines.join('\n');
}

/** The verdict tables of the run's checks (restored data, exported files), as `watch` ends with them. */
function verificationsOf(status: LiveStatus): string[] {
  return [
    ...(status.verification ? verificationLines('data', status.verification) : []),
    ...(status.exportVerification ? verificationLines('export data', status.exportVerification) : []),
  ];
}

export function summarizeDr(status: LiveStatus, report: DrReport | undefined, failure?: string): string {
  const outcome = report?.outcome ?? status.executionStatus.toLowerCase();
  const lines = [`Disaster recovery ${outcomeWords(outcome)}: ${status.workflowId}`];
  if (report) lines.push(...drReportLines(report));
  const attempts = report?.status.attempts ?? status.attempts;
  lines.push(`  attempts    ${attempts} activity attempt${attempts === 1 ? '' : 's'}`);
  lines.push(...verificationsOf(status));
  if (failure) lines.push(`  ${reasonLabel(outcome)}${failure}`);
  for (const n of status.notes) lines.push(`  note        ${n}`);
  return lines.join('\n');
}

/** A failed run has a failure; a cancelled, rejected or unapproved one ends for a reason. */
const reasonLabel = (outcome: string) => (outcome === 'failed' ? 'failure     ' : 'ended       ');

/** The summary for whichever workflow produced `result`. */
export function summarizeAny(status: LiveStatus, result: unknown, failure?: string): string {
  if (status.kind === 'disasterRecovery') return summarizeDr(status, result as DrReport | undefined, failure);
  if (status.kind === 'restoreTest')
    return summarizeRestoreTest(status, result as RestoreTestReport | undefined, failure);
  return summarize(status, result as PipelineResult | undefined, failure);
}

/** Whether the run reached its goal (a completed workflow may still report cancelled/rejected). */
export function succeeded(status: LiveStatus, result: unknown): boolean {
  if (status.executionStatus !== 'COMPLETED') return false;
  const outcome = (result as { outcome?: string } | undefined)?.outcome;
  return outcome === undefined || outcome === 'completed';
}

/** A restore test: what was restored where, the verification, RTO and the snapshot's age. */
export function summarizeRestoreTest(status: LiveStatus, r: RestoreTestReport | undefined, failure?: string): string {
  const outcome = r?.outcome ?? status.executionStatus.toLowerCase();
  const lines = [`Restore test ${outcomeWords(outcome)}: ${status.workflowId}`];
  if (r) {
    lines.push(`  source      ${r.source.clusterName} in project ${r.source.groupId}`);
    lines.push(`  scratch     ${r.scratch.clusterName} in project ${r.scratch.groupId}`);
    if (r.snapshotId) lines.push(`  snapshot    ${r.snapshotId}  taken ${r.snapshotTimestamp ?? 'unknown'}`);
    if (r.snapshotAgeSeconds !== undefined) lines.push(`  age         ${secondsText(r.snapshotAgeSeconds)}`);
    const v = r.verification;
    if (v)
      lines.push(
        `  verified    ${v.ok ? 'yes' : 'NO'}: ${v.okNamespaces}/${v.checked} ok in ${secondsText(v.seconds)}`,
      );
    if (r.rtoSeconds !== undefined) lines.push(`  rto         ${secondsText(r.rtoSeconds)} (trigger → verified)`);
  }
  if (failure) lines.push(`  ${reasonLabel(outcome)}${failure}`);
  for (const n of status.notes) lines.push(`  note        ${n}`);
  return lines.join('\n');
}
