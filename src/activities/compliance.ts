// The project's Backup Compliance Policy as the pipeline's pre-flight judges it: an on-demand
// snapshot kept for less than the policy's on-demand minimum is refused before it is taken (Atlas
// would refuse it, or the run would leave a snapshot no one may shorten), and a run under a policy
// is told its snapshot can never be deleted early. Pure: the read is the pre-flight's.
import type { CompliancePolicy } from '../atlas/index.js';

const DAY_MS = 86_400_000;

/** The policy as read: absent (404), unreadable with these credentials (403), or the policy. */
export type PolicyRead =
  { kind: 'none' } | { kind: 'forbidden'; errorCode?: string } | { kind: 'policy'; policy: CompliancePolicy };

/** Whole days `value` `unit` cover from `from`: months and years by the calendar, as Atlas counts them. */
export function retentionDays(value: number, unit: string, from = Date.now()): number | undefined {
  if (unit === 'days') return value;
  if (unit === 'weeks') return value * 7;
  if (unit !== 'months' && unit !== 'years') return undefined;
  const d = new Date(from);
  if (unit === 'months') d.setUTCMonth(d.getUTCMonth() + value);
  else d.setUTCFullYear(d.getUTCFullYear() + value);
  return Math.ceil((d.getTime() - from) / DAY_MS);
}

export interface ComplianceVerdict {
  /** The input field to refuse and why, when the retention is below the policy's minimum. */
  refusal?: { field: string; why: string };
  note?: string;
}

/** What the pre-flight says about `retentionInDays` (the input's snapshot.retentionInDays) under `read`. */
export function judgeRetention(read: PolicyRead, retentionInDays: number, groupId: string): ComplianceVerdict {
  if (read.kind === 'none') return {};
  if (read.kind === 'forbidden')
    return {
      note:
        `Could not read the Backup Compliance Policy of project ${groupId} (HTTP 403${
          read.errorCode ? ` ` + read.errorCode : ''
        }: reading it needs the Project Owner role), so snapshot.retentionInDays was not checked ` +
        'against it and the run went on. If the project has a policy, Atlas refuses a retention below its ' +
        'on-demand minimum, and the snapshot can never be deleted early.',
    };
  const item = read.policy.onDemandPolicyItem;
  const minDays = item && retentionDays(item.retentionValue, item.retentionUnit);
  const stated = item ? `${item.retentionValue} ${item.retentionUnit}` : '';
  if (item && minDays !== undefined && retentionInDays < minDays)
    return {
      refusal: {
        field: 'snapshot.retentionInDays',
        why:
          `${retentionInDays} days is below the on-demand minimum of project ${groupId}'s Backup Compliance ` +
          `Policy (onDemandPolicyItem: ${stated}${item.retentionUnit === 'days' ? '' : ` = ${minDays} days`}); ` +
          `give ${minDays} or more (--retention-days ${minDays}).`,
      },
    };
  const minimum = item ? `, on-demand minimum ${stated}` : '';
  return {
    note:
      `Project ${groupId} has a Backup Compliance Policy (${read.policy.state ?? 'ACTIVE'}${minimum}): this run's ` +
      `snapshot, kept ${retentionInDays} days, can never be deleted early or have its retention shortened, ` +
      'by anyone, until it expires.',
  };
}
