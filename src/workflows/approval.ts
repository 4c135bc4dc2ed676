// DR's approval gate: the approve/reject Updates decide, the run waits for a decision or the
// timeout, and what was decided (by whom, why, when) lands in the run's status.
import { condition } from '@temporalio/workflow';
import type { ApprovalDecision, ApprovalRecord, DrReport, DrStatus } from '../contract/index.js';

/** What the gate reads and fills: a DR run's status, or a pipeline's with a production target. */
export type GatedStatus = Pick<DrStatus, 'approval'> & { phase: string };

export class ApprovalGate {
  private decision?: ApprovalRecord;

  constructor(private readonly status: GatedStatus) {}

  /** Update validator: refused before it reaches history when the run is not waiting or `by` is blank. */
  validate(d: ApprovalDecision): void {
    const already = this.decision ? `, already ${this.decision.decision}` : '';
    if (this.status.phase !== 'awaiting-approval' || this.decision)
      throw new Error(`This run is not awaiting approval (phase: ${this.status.phase}${already}).`);
    if (typeof d?.by !== 'string' || d.by.trim() === '')
      throw new Error('by is required: name who approves or rejects this restore.');
  }

  decide<K extends 'approved' | 'rejected'>(kind: K, d: ApprovalDecision): { decision: K } {
    this.decision = { required: true, decision: kind, by: d.by.trim(), reason: d.reason, at: new Date().toISOString() };
    return { decision: kind };
  }

  /** Shows the approver what will be overwritten with what, then waits; false when it timed out. */
  async wait(report: DrReport, timeoutSeconds: number): Promise<boolean> {
    const { source, target } = report;
    return this.waitFor(
      {
        overwrite: target
          ? `cluster '${target.clusterName}' in project ${target.groupId}${target.production ? ' (production)' : ''}`
          : 'nothing (download restore)',
        with:
          `${describeRestored(report.restored)} of ` +
          `${source.kind} cluster '${source.clusterName}' in project ${source.groupId}`,
      },
      timeoutSeconds,
    );
  }

  /** Shows the approver what is overwritten with what, then waits; false when it timed out. */
  async waitFor(shown: { overwrite: string; with: string }, timeoutSeconds: number): Promise<boolean> {
    this.status.approval.pending = {
      ...shown,
      deadline: new Date(Date.now() + timeoutSeconds * 1000).toISOString(),
    };
    const decided = await condition(() => this.decision !== undefined, timeoutSeconds * 1000);
    delete this.status.approval.pending;
    Object.assign(
      this.status.approval,
      decided ? this.decision : { decision: 'timed-out', at: new Date().toISOString() },
    );
    return decided;
  }
}

/** "snapshot X (taken T)" or "the point in time T (oplog ts:inc)": what the approver is shown. */
function describeRestored(r: DrReport['restored']): string {
  if (r.snapshotId) return `snapshot ${r.snapshotId} (taken ${r.snapshotTimestamp ?? 'at an unknown time'})`;
  const p = r.pointInTime;
  const oplog = p?.oplogInc !== undefined ? ` (oplog ${p.oplogTs}:${p.oplogInc})` : '';
  return `the point in time ${p?.at ?? 'given'}${oplog}`;
}
