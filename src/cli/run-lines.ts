// Lines both the `status` view and the closing summaries print about a run's outcome and a DR
// report: human text with rounded numbers, never raw JSON.
import { OUTCOME_WORDS, type ApprovalRecord, type CollectionRestoreReport, type DrReport } from '../contract/index.js';

/** 41.669000000000004 → "41.7s". */
export const secondsText = (s: number) => `${(Math.round(s * 10) / 10).toFixed(1)}s`;

/** A run's outcome in words: "completed", "rejected", "not approved in time", ... */
export const outcomeWords = (outcome: string) => OUTCOME_WORDS[outcome] ?? outcome.replace(/[-_]/g, ' ');

/** "approved by alice (INC-1234) at 2026-…": who decided what, why and when. */
export function approvalText(a: ApprovalRecord): string {
  if (a.decision === 'timed-out') return `nobody decided in time (timed out${a.at ? ` at ${a.at}` : ''})`;
  const by = a.by ? ` by ${a.by}` : '';
  const why = a.reason ? ` (${a.reason})` : '';
  return `${a.decision ?? 'none'}${by}${why}${a.at ? ` at ${a.at}` : ''}`;
}

/** "2023-11-14T22:13:20.000Z (UTC seconds 1700000000)" or "... (oplog 1700000000:3)". */
export function pointInTimeText(p: NonNullable<DrReport['restored']['pointInTime']>): string {
  const how =
    p.oplogTs !== undefined ? `oplog ${p.oplogTs}:${p.oplogInc ?? '?'}` : `UTC seconds ${p.utcSeconds ?? '?'}`;
  return `${p.at ?? 'unknown time'} (${how})`;
}

/** "41.7s total: selecting 0.3s, awaiting approval 12.0s, restoring 29.1s, verifying 0.3s". */
export function recoveryText(r: DrReport['recovery']): string {
  const { selecting, awaitingApproval, restoring, verifying } = r.phases;
  const phases = [
    `selecting ${secondsText(selecting)}`,
    `awaiting approval ${secondsText(awaitingApproval)}`,
    `restoring ${secondsText(restoring)}`,
    `verifying ${secondsText(verifying)}`,
  ];
  return `${secondsText(r.totalSeconds)} total: ${phases.join(', ')}`;
}

/** The lines a DR report adds: source, target, what was restored, restore job, verification, recovery. */
export function drReportLines(r: DrReport): string[] {
  const lines = [`  source      ${r.source.kind} cluster ${r.source.clusterName} in project ${r.source.groupId}`];
  const target = r.target
    ? `${r.target.clusterName} in project ${r.target.groupId}${r.target.production ? ' (production)' : ''}`
    : 'none: download';
  lines.push(`  target      ${target}  (delivery ${r.deliveryType})`);
  if (r.restored.snapshotId) {
    const taken = r.restored.snapshotTimestamp ? `  taken ${r.restored.snapshotTimestamp}` : '';
    lines.push(`  snapshot    ${r.restored.snapshotId}${taken}`);
  }
  if (r.restored.pointInTime) lines.push(`  point       ${pointInTimeText(r.restored.pointInTime)}`);
  if (r.approval.required) lines.push(`  approval    ${approvalText(r.approval)}`);
  if (r.restoreJobId) lines.push(`  restore     ${r.restoreJobId}  state ${r.restoreJob?.state ?? 'unknown'}`);
  for (const url of r.restoreJob?.deliveryUrl ?? []) lines.push(`              download ${url}`);
  if (r.collectionRestore) lines.push(...collectionRestoreLines(r.collectionRestore));
  if (r.verified) lines.push(`  verified    ${r.verified.stateName} via ${r.verified.via} at ${r.verified.at}`);
  lines.push(`  recovery    ${recoveryText(r.recovery)}`);
  return lines;
}

/** A collection restore: documents so far, then (once Atlas lists them) one line per collection. */
export function collectionRestoreLines(c: CollectionRestoreReport): string[] {
  const docs =
    c.totalDocuments !== undefined
      ? `${c.restoredDocuments ?? 0}/${c.totalDocuments} documents` +
        (c.totalDocuments > 0 ? ` (${Math.floor((100 * (c.restoredDocuments ?? 0)) / c.totalDocuments)}%)` : '')
      : 'no progress read yet';
  const lines = [`  collections ${c.writeStrategy}${c.state ? ` ${c.state}` : ''}, ${docs}`];
  for (const o of c.collections ?? []) {
    const count = o.totalDocuments !== undefined ? ` ${o.restoredDocuments ?? 0}/${o.totalDocuments}` : '';
    const err = o.errorMessage ? ` — ${o.errorMessage}` : '';
    lines.push(`              ${o.sourceNamespace} → ${o.targetNamespace}  ${o.state}${count}${err}`);
  }
  return lines;
}
