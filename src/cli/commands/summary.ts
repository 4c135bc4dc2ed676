// The closing summary of a run (demo, backup --wait, watch): what Atlas now holds.
import type { LiveStatus } from '../../client/status.js';
import type { DrReport, PipelineResult } from '../../contract/index.js';
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
    const secs = ((Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000).toFixed(1);
    lines.push(`  took        ${secs}s, ${result.attempts} activity attempts, ${result.atlasRequests} Atlas requests`);
  }
  if (failure) lines.push(`  failure     ${failure}`);
  for (const n of status.notes) lines.push(`  note        ${n}`);
  return lines.join('\n');
}

export function summarizeDr(status: LiveStatus, report: DrReport | undefined, failure?: string): string {
  const outcome = report?.outcome ?? status.executionStatus.toLowerCase();
  const lines = [`Disaster recovery ${outcome}: ${status.workflowId}`];
  if (report) {
    const r = report;
    lines.push(`  source      ${r.source.kind} ${r.source.clusterName} in project ${r.source.groupId}`);
    const target = r.target
      ? `${r.target.clusterName} in project ${r.target.groupId}${r.target.production ? ' (production)' : ''}`
      : 'download';
    lines.push(`  target      ${target}  (${r.deliveryType})`);
    if (r.restored.snapshotId) {
      const taken = r.restored.snapshotTimestamp ? `  taken ${r.restored.snapshotTimestamp}` : '';
      lines.push(`  snapshot    ${r.restored.snapshotId}${taken}`);
    }
    if (r.restored.pointInTime) lines.push(`  point       ${JSON.stringify(r.restored.pointInTime)}`);
    if (r.approval.required) {
      const { by, reason } = r.approval;
      lines.push(
        `  approval    ${r.approval.decision ?? 'none'}${by ? ` by ${by}` : ''}${reason ? ` (${reason})` : ''}`,
      );
    }
    if (r.restoreJobId) lines.push(`  restore     ${r.restoreJobId}  state ${r.restoreJob?.state ?? 'unknown'}`);
    for (const url of r.restoreJob?.deliveryUrl ?? []) lines.push(`              download ${url}`);
    if (r.verified) lines.push(`  verified    ${r.verified.stateName} via ${r.verified.via} at ${r.verified.at}`);
    lines.push(`  recovery    ${r.recovery.totalSeconds.toFixed(1)}s total`);
  }
  if (failure) lines.push(`  failure     ${failure}`);
  for (const n of status.notes) lines.push(`  note        ${n}`);
  return lines.join('\n');
}

/** The summary for whichever workflow produced `result`. */
export function summarizeAny(status: LiveStatus, result: unknown, failure?: string): string {
  if (status.kind === 'disasterRecovery') return summarizeDr(status, result as DrReport | undefined, failure);
  return summarize(status, result as PipelineResult | undefined, failure);
}

/** Whether the run reached its goal (a completed workflow may still report cancelled/rejected). */
export function succeeded(status: LiveStatus, result: unknown): boolean {
  if (status.executionStatus !== 'COMPLETED') return false;
  const outcome = (result as { outcome?: string } | undefined)?.outcome;
  return outcome === undefined || outcome === 'completed';
}
