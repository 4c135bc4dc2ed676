// The closing summary of a run (demo, backup --wait, watch): what Atlas now holds.
import type { LiveStatus } from '../../client/status.js';
import type { PipelineResult } from '../../workflows/index.js';

export function summarize(status: LiveStatus, result: PipelineResult | undefined, failure?: string): string {
  const ok = status.executionStatus === 'COMPLETED' && (!result || result.outcome === 'completed');
  const lines = [`${ok ? 'Backup completed' : `Backup ${result?.outcome ?? status.executionStatus.toLowerCase()}`}: ${status.workflowId}`];
  const snapshotId = result?.snapshot?.id ?? status.ids.snapshotId;
  if (snapshotId) lines.push(`  snapshot    ${snapshotId}  status ${result?.snapshot?.status ?? status.lastAtlasState ?? 'unknown'}`);
  if (result?.export) {
    const e = result.export;
    lines.push(`  export      ${e.id}  state ${e.state}${e.totalCollections !== undefined ? `  ${e.exportedCollections ?? e.totalCollections}/${e.totalCollections} collections` : ''}${e.prefix ? `  prefix ${e.prefix}` : ''}`);
  }
  if (result?.restore) {
    const r = result.restore;
    lines.push(`  restore     ${r.id}  ${r.deliveryType}  state ${r.state}${r.targetClusterName ? `  → ${r.targetClusterName}` : ''}`);
    for (const url of r.deliveryUrl ?? []) lines.push(`              download ${url}`);
  }
  if (result) {
    const secs = ((Date.parse(result.endedAt) - Date.parse(result.startedAt)) / 1000).toFixed(1);
    lines.push(`  took        ${secs}s, ${result.attempts} activity attempts, ${result.atlasRequests} Atlas requests`);
  }
  if (failure) lines.push(`  failure     ${failure}`);
  for (const n of status.notes) lines.push(`  note        ${n}`);
  return lines.join('\n');
}
