// The Backup Compliance Policy of a project (seeded; Atlas turns it on only through its UI and
// Support flows). While a policy is on, nobody deletes a snapshot, shortens a snapshot's retention,
// takes an on-demand snapshot kept for less than the policy's on-demand minimum, or deletes a
// cluster without retaining its snapshots.
import type { UpdateSnapshotRetentionRequest } from '../../atlas/schemas.js';
import { addRetention, type RetentionUnit } from './dates.js';
import { SimError } from './errors.js';
import { newId } from './ids.js';
import type { Model } from './model.js';
import { getSnapshot } from './snapshots.js';
import type { Cluster } from './types.js';

export interface CompliancePolicyItem {
  id: string;
  frequencyType: string;
  frequencyInterval: number;
  retentionUnit: RetentionUnit;
  retentionValue: number;
}
export interface CompliancePolicy {
  authorizedEmail: string;
  authorizedUserFirstName: string;
  authorizedUserLastName: string;
  copyProtectionEnabled: boolean;
  encryptionAtRestEnabled: boolean;
  pitEnabled: boolean;
  restoreWindowDays: number;
  onDemandPolicyItem?: CompliancePolicyItem;
  scheduledPolicyItems: CompliancePolicyItem[];
  state: 'ACTIVE' | 'ENABLING' | 'UPDATING' | 'DISABLING';
  updatedDate: number;
  updatedUser: string;
}

/** How a seed or a test states a policy: everything optional but the on-demand minimum's shape. */
export interface CompliancePolicySeed {
  authorizedEmail?: string;
  authorizedUserFirstName?: string;
  authorizedUserLastName?: string;
  copyProtectionEnabled?: boolean;
  encryptionAtRestEnabled?: boolean;
  pitEnabled?: boolean;
  restoreWindowDays?: number;
  onDemandPolicyItem?: { retentionUnit: RetentionUnit; retentionValue: number };
  scheduledPolicyItems?: Omit<CompliancePolicyItem, 'id'>[];
  state?: CompliancePolicy['state'];
}

export function setCompliancePolicy(m: Model, groupId: string, seed: CompliancePolicySeed): CompliancePolicy {
  m.project(groupId);
  const email = seed.authorizedEmail ?? 'compliance@example.com';
  const policy: CompliancePolicy = {
    authorizedEmail: email,
    authorizedUserFirstName: seed.authorizedUserFirstName ?? 'Compliance',
    authorizedUserLastName: seed.authorizedUserLastName ?? 'Officer',
    copyProtectionEnabled: seed.copyProtectionEnabled ?? false,
    encryptionAtRestEnabled: seed.encryptionAtRestEnabled ?? false,
    pitEnabled: seed.pitEnabled ?? false,
    restoreWindowDays: seed.restoreWindowDays ?? 0,
    ...(seed.onDemandPolicyItem
      ? {
          onDemandPolicyItem: {
            id: newId(),
            frequencyType: 'ondemand',
            frequencyInterval: 0,
            ...seed.onDemandPolicyItem,
          },
        }
      : {}),
    scheduledPolicyItems: (seed.scheduledPolicyItems ?? []).map((i) => ({ id: newId(), ...i })),
    state: seed.state ?? 'ACTIVE',
    updatedDate: m.now(),
    updatedUser: email,
  };
  (m.state.compliancePolicies ??= {})[groupId] = policy;
  m.changed();
  return policy;
}

export function compliancePolicy(m: Model, groupId: string): CompliancePolicy | undefined {
  return m.state.compliancePolicies?.[groupId];
}

export function getCompliancePolicy(m: Model, groupId: string): CompliancePolicy {
  m.project(groupId);
  const p = compliancePolicy(m, groupId);
  if (!p)
    throw new SimError(
      404,
      'BACKUP_COMPLIANCE_POLICY_NOT_FOUND',
      `No Backup Compliance Policy is set for group ${groupId}.`,
      [groupId],
    );
  return p;
}

const refuse = (code: string, detail: string, params: unknown[]) => new SimError(400, code, detail, params);

/** deleteClusterBackupSnapshot, deleteBackupShardedCluster: call after the snapshot is found. */
export function guardSnapshotDelete(m: Model, c: Cluster, snapshotId: string): void {
  if (!compliancePolicy(m, c.groupId)) return;
  getSnapshot(m, c, snapshotId);
  throw refuse(
    'CANNOT_DELETE_SNAPSHOT_WITH_BACKUP_COMPLIANCE_POLICY',
    `Snapshot ${snapshotId} cannot be deleted: group ${c.groupId} has a Backup Compliance Policy.`,
    [snapshotId, c.groupId],
  );
}

/** updateBackupSnapshot: a policy allows a longer retention, never a shorter one. */
export function guardRetentionChange(
  m: Model,
  c: Cluster,
  snapshotId: string,
  b: UpdateSnapshotRetentionRequest,
): void {
  if (!compliancePolicy(m, c.groupId)) return;
  const s = getSnapshot(m, c, snapshotId);
  const expiresAt = addRetention(s.createdAt, b.retentionValue, b.retentionUnit, 'retentionValue');
  if (expiresAt < s.expiresAt)
    throw refuse(
      'CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY',
      `The retention of snapshot ${snapshotId} cannot be shortened: group ${c.groupId} has a Backup Compliance Policy.`,
      [snapshotId, c.groupId],
    );
}

/** takeSnapshots: retentionInDays (default 1) must reach the policy's on-demand minimum. */
export function guardOnDemandRetention(m: Model, groupId: string, retentionInDays: unknown): void {
  const item = compliancePolicy(m, groupId)?.onDemandPolicyItem;
  if (!item || (retentionInDays !== undefined && !Number.isInteger(retentionInDays))) return;
  const now = m.now();
  const days = (retentionInDays as number | undefined) ?? 1;
  if (days < 1) return; // takeSnapshot answers the invalid value itself
  const asked = addRetention(now, days, 'days', 'retentionInDays');
  if (asked < addRetention(now, item.retentionValue, item.retentionUnit, 'onDemandPolicyItem'))
    throw refuse(
      'ON_DEMAND_SNAPSHOT_RETENTION_BELOW_BACKUP_COMPLIANCE_POLICY',
      `retentionInDays ${days} is below the Backup Compliance Policy's on-demand minimum of ` +
        `${item.retentionValue} ${item.retentionUnit}.`,
      ['retentionInDays', item.retentionValue, item.retentionUnit],
    );
}

/** deleteCluster: its snapshots must be retained while a policy is on. */
export function guardClusterDelete(m: Model, groupId: string, name: string, retainBackups: string | null): void {
  if (!compliancePolicy(m, groupId) || retainBackups === 'true') return;
  m.dedicatedCluster(groupId, name);
  throw refuse(
    'CANNOT_DELETE_SNAPSHOT_WITH_BACKUP_COMPLIANCE_POLICY',
    `Cluster ${name} cannot be deleted with its snapshots: group ${groupId} has a Backup Compliance Policy; ` +
      'set retainBackups=true.',
    [name, groupId],
  );
}
