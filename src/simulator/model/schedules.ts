// Backup schedules (policies) of dedicated clusters: read, partial update, remove all items.
// A cluster without a stored schedule has Atlas's default policy.
import type { UpdateBackupScheduleRequest } from '../../atlas/schemas.js';
import { addRetention, DAY_MS } from './dates.js';
import { SimError, validationError } from './errors.js';
import { newId } from './ids.js';
import type { Model } from './model.js';
import { clusterKey, type BackupSchedule, type Cluster, type PolicyItem } from './types.js';

const HOUR_MS = 3_600_000;
/** Atlas's allowed frequencyInterval per frequencyType (40 = the last day of the month). */
const INTERVALS: Record<PolicyItem['frequencyType'], number[]> = {
  hourly: [1, 2, 4, 6, 8, 12],
  daily: [1],
  weekly: [1, 2, 3, 4, 5, 6, 7],
  monthly: [...Array.from({ length: 28 }, (_, i) => i + 1), 40],
  yearly: Array.from({ length: 12 }, (_, i) => i + 1),
};

function defaultSchedule(): BackupSchedule {
  const item = (
    frequencyType: PolicyItem['frequencyType'],
    frequencyInterval: number,
    retentionUnit: PolicyItem['retentionUnit'],
    retentionValue: number,
  ): PolicyItem => ({ id: newId(), frequencyType, frequencyInterval, retentionUnit, retentionValue });
  return {
    policyId: newId(),
    referenceHourOfDay: 3,
    referenceMinuteOfHour: 0,
    restoreWindowDays: 7,
    autoExportEnabled: false,
    useOrgAndGroupNamesInExportPrefix: false,
    extraRetentionSettings: [],
    items: [
      item('hourly', 6, 'days', 2),
      item('daily', 1, 'days', 7),
      item('weekly', 6, 'weeks', 4),
      item('monthly', 40, 'months', 12),
    ],
  };
}

/** The stored schedule, created from the default on first use so policy item ids stay stable. */
export function scheduleOf(m: Model, c: Cluster): BackupSchedule {
  const key = clusterKey(c.groupId, c.name);
  return (m.state.schedules[key] ??= defaultSchedule());
}

/** The next scheduled snapshot: the reference time of day, stepped by the shortest hourly interval. */
export function nextSnapshotAt(s: BackupSchedule, now: number): number | undefined {
  if (s.items.length === 0) return undefined;
  const hourly = s.items.filter((i) => i.frequencyType === 'hourly').map((i) => i.frequencyInterval);
  const step = (hourly.length ? Math.min(...hourly) : 24) * HOUR_MS;
  const day = Math.floor(now / DAY_MS) * DAY_MS;
  let t = day + s.referenceHourOfDay * HOUR_MS + s.referenceMinuteOfHour * 60_000 - DAY_MS;
  while (t <= now) t += step;
  return t;
}

export function updateSchedule(m: Model, c: Cluster, b: UpdateBackupScheduleRequest): BackupSchedule {
  const current = scheduleOf(m, c);
  const next: BackupSchedule = {
    ...current,
    items: [...current.items],
    export: current.export && { ...current.export },
  };
  if (b.policies?.[0]) {
    const policy = b.policies[0];
    if (policy.id !== undefined && policy.id !== current.policyId)
      throw new SimError(
        404,
        'RESOURCE_NOT_FOUND',
        `No backup policy with ID ${policy.id} exists for cluster ${c.name}.`,
        [policy.id],
      );
    next.items = policy.policyItems.map((p, i) => {
      const field = `policies.0.policyItems.${i}`;
      if (!INTERVALS[p.frequencyType].includes(p.frequencyInterval)) {
        throw validationError(
          `${field}.frequencyInterval`,
          `must be one of ${INTERVALS[p.frequencyType].join(', ')} for ${p.frequencyType}`,
        );
      }
      addRetention(m.now(), p.retentionValue, p.retentionUnit, `${field}.retentionValue`);
      if (p.id !== undefined && !current.items.some((x) => x.id === p.id))
        throw new SimError(404, 'RESOURCE_NOT_FOUND', `No policy item with ID ${p.id} exists.`, [p.id]);
      return {
        id: p.id ?? newId(),
        frequencyType: p.frequencyType,
        frequencyInterval: p.frequencyInterval,
        retentionUnit: p.retentionUnit,
        retentionValue: p.retentionValue,
      };
    });
  }
  for (const k of [
    'referenceHourOfDay',
    'referenceMinuteOfHour',
    'restoreWindowDays',
    'autoExportEnabled',
    'useOrgAndGroupNamesInExportPrefix',
  ] as const) {
    if (b[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = b[k];
  }
  if (b.restoreWindowDays !== undefined) addRetention(m.now(), b.restoreWindowDays, 'days', 'restoreWindowDays');
  if (b.extraRetentionSettings) next.extraRetentionSettings = b.extraRetentionSettings;
  if (b.copySettings) next.copySettings = b.copySettings.map((x) => copySetting(x, c));
  if (b.export) {
    const id = b.export.exportBucketId;
    const bucket = id === undefined ? undefined : m.state.buckets[id];
    if (id !== undefined && (!bucket || bucket.groupId !== c.groupId))
      throw new SimError(404, 'EXPORT_BUCKET_NOT_FOUND', `Export bucket ${id} not found.`, [id]);
    next.export = { ...next.export, ...b.export };
  }
  if (next.autoExportEnabled && !next.export?.exportBucketId)
    throw validationError('export.exportBucketId', 'is required when autoExportEnabled is true');
  m.state.schedules[clusterKey(c.groupId, c.name)] = next;
  m.changed();
  return next;
}

/**
 * The copy setting fields the simulator keeps (Atlas's DiskBackupCopySetting20240805). Answers always
 * carry a `zoneId` (required there): the one asked for, else the cluster's only zone, for which the
 * simulator uses the cluster's own id (it models no replicationSpecs).
 */
function copySetting(
  c: Record<string, unknown>,
  cluster: Cluster,
): NonNullable<BackupSchedule['copySettings']>[number] {
  const str = (k: string) => (typeof c[k] === 'string' ? { [k]: c[k] as string } : {});
  const zoneId = typeof c.zoneId === 'string' && /^[a-f0-9]{24}$/.test(c.zoneId) ? c.zoneId : cluster.id;
  return {
    ...str('cloudProvider'),
    ...str('regionName'),
    ...(typeof c.shouldCopyOplogs === 'boolean' ? { shouldCopyOplogs: c.shouldCopyOplogs } : {}),
    zoneId,
  };
}

/** deleteClusterBackupSchedule: every policy item goes; the schedule itself stays. */
export function clearSchedule(m: Model, c: Cluster): BackupSchedule {
  const s = scheduleOf(m, c);
  s.items = [];
  m.changed();
  return s;
}
