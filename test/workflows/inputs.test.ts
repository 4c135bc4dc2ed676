// The pipeline input schema: seed 003's restore rules and field-level messages.
import { describe, expect, it } from 'vitest';
import {
  backupPipelineInputSchema,
  formatIssues,
  InvalidInputError,
  parseOrThrow,
  MIN_PIT_SECONDS,
} from '../../src/contract/index.js';

const base = { groupId: '65f1a0c0a1b2c3d4e5f60001', clusterName: 'prod-1' };
const problems = (value: unknown) => {
  const r = backupPipelineInputSchema().safeParse(value);
  return r.success ? [] : formatIssues(r.error);
};

describe('backupPipeline input', () => {
  it('fills defaults for snapshot, polling, retry and timeouts', () => {
    const input = parseOrThrow(backupPipelineInputSchema(), base, 'input');
    expect(input.snapshot.retentionInDays).toBe(7);
    expect(input.polling).toEqual({ initialIntervalSeconds: 4, maximumIntervalSeconds: 40, backoffCoefficient: 2 });
    expect(input.timeouts.snapshotSeconds).toBeGreaterThan(0);
  });

  it('names the field and the rule for bad ids and cluster names', () => {
    expect(problems({ groupId: 'abc', clusterName: '-x' })).toEqual([
      'groupId must be a 24-character hex id (^([a-f0-9]{24})$)',
      'clusterName must match ^[a-zA-Z0-9][a-zA-Z0-9-]*$ (letters, digits, hyphens; not starting with a hyphen)',
    ]);
  });

  it('requires retentionInDays >= 1', () => {
    expect(problems({ ...base, snapshot: { retentionInDays: 0 } })).toEqual(['snapshot.retentionInDays must be >= 1']);
  });

  it('keeps Atlas int32 fields within 2^31-1, naming each field', () => {
    expect(problems({ ...base, snapshot: { retentionInDays: 2 ** 31 } })).toEqual([
      'snapshot.retentionInDays must be at most 2147483647 (Atlas stores it as a 32-bit integer)',
    ]);
    expect(
      problems({
        ...base,
        restore: {
          deliveryType: 'pointInTime',
          targetGroupId: base.groupId,
          targetClusterName: 'x',
          overwrite: 'x',
          oplogTs: 2 ** 31,
          oplogInc: 2 ** 31,
        },
      }),
    ).toEqual([
      'restore.oplogTs must be at most 2147483647 (Atlas stores it as a 32-bit integer)',
      'restore.oplogInc must be at most 2147483647 (Atlas stores it as a 32-bit integer)',
    ]);
    expect(problems({ ...base, snapshot: { retentionInDays: 2 ** 31 - 1 } })).toEqual([]);
  });

  it('refuses intervals Temporal cannot represent and a retry cap below its start', () => {
    expect(problems({ ...base, polling: { initialIntervalSeconds: 0.0000001 } })).toEqual([
      'polling.initialIntervalSeconds must be at least 0.001 seconds (Temporal counts whole milliseconds)',
    ]);
    expect(problems({ ...base, retry: { initialIntervalSeconds: 30, maximumIntervalSeconds: 10 } })).toEqual([
      'retry.maximumIntervalSeconds must be >= retry.initialIntervalSeconds',
    ]);
    expect(problems({ ...base, timeouts: { callSeconds: 0.0001 } })).toEqual([
      'timeouts.callSeconds must be at least 0.001 seconds (Temporal counts whole milliseconds)',
    ]);
    // Found by the input fuzz test (issue 12): step deadlines are Temporal durations too.
    expect(problems({ ...base, timeouts: { snapshotSeconds: 1e-7 } })).toEqual([
      'timeouts.snapshotSeconds must be at least 0.001 seconds (Temporal counts whole milliseconds)',
    ]);
  });

  it('keeps export customData keys and values within the limits, naming the entry (issue 12)', () => {
    const exp = (customData: { key: string; value: string }[]) => ({
      ...base,
      export: { exportBucketId: base.groupId, customData },
    });
    expect(problems(exp([{ key: 'k', value: 'v'.repeat(3 * 1024 * 1024) }]))).toEqual([
      'export.customData.0.value must be at most 4096 characters',
    ]);
    expect(
      problems(
        exp([
          { key: 'ok', value: '' },
          { key: 'k'.repeat(256), value: 'v' },
        ]),
      ),
    ).toEqual(['export.customData.1.key must be at most 255 characters']);
    expect(problems(exp([{ key: 'k'.repeat(255), value: 'v'.repeat(4096) }]))).toEqual([]);
  });

  it('requires a target for automated and pointInTime restores', () => {
    expect(problems({ ...base, restore: { deliveryType: 'automated' } })).toEqual([
      'restore.targetGroupId is required when deliveryType is automated',
      'restore.targetClusterName is required when deliveryType is automated',
    ]);
  });

  it('accepts a download restore without a target', () => {
    expect(problems({ ...base, restore: { deliveryType: 'download' } })).toEqual([]);
  });

  it('refuses a download restore given a target, naming each target field (as dr does)', () => {
    const restore = { deliveryType: 'download', targetGroupId: '65f1a0c0a1b2c3d4e5f60002', targetClusterName: 't' };
    expect(problems({ ...base, restore })).toEqual([
      'restore.targetGroupId must be omitted when deliveryType is download ' +
        '(Atlas hands out download links instead of restoring into a cluster)',
      'restore.targetClusterName must be omitted when deliveryType is download ' +
        '(Atlas hands out download links instead of restoring into a cluster)',
    ]);
  });

  it('takes exactly one form of point in time, with Atlas minimums', () => {
    const target = { targetGroupId: base.groupId, targetClusterName: 'restore-here', overwrite: 'restore-here' };
    expect(problems({ ...base, restore: { deliveryType: 'pointInTime', ...target } })).toEqual([
      'restore.pointInTimeUTCSeconds or oplogTs + oplogInc is required when deliveryType is pointInTime',
    ]);
    expect(
      problems({ ...base, restore: { deliveryType: 'pointInTime', ...target, oplogTs: MIN_PIT_SECONDS } }),
    ).toEqual(['restore.oplogInc is required with the other oplog field (oplogTs + oplogInc)']);
    expect(
      problems({ ...base, restore: { deliveryType: 'pointInTime', ...target, pointInTimeUTCSeconds: 100 } }),
    ).toEqual([`restore.pointInTimeUTCSeconds must be >= ${MIN_PIT_SECONDS} (2008-01-01)`]);
    expect(
      problems({
        ...base,
        restore: { deliveryType: 'pointInTime', ...target, oplogTs: MIN_PIT_SECONDS + 1, oplogInc: 0 },
      }),
    ).toEqual(['restore.oplogInc must be >= 1']);
    expect(
      problems({
        ...base,
        restore: { deliveryType: 'pointInTime', ...target, oplogTs: MIN_PIT_SECONDS + 1, oplogInc: 3 },
      }),
    ).toEqual([]);
    expect(
      problems({ ...base, restore: { deliveryType: 'download', pointInTimeUTCSeconds: MIN_PIT_SECONDS + 1 } }),
    ).toEqual(['restore.pointInTimeUTCSeconds is only allowed when deliveryType is pointInTime']);
  });

  describe('overwrite consent (issue 11)', () => {
    const TGT = '65f1a0c0a1b2c3d4e5f60002';
    it('refuses an automated or pointInTime restore without restore.overwrite, naming it and --overwrite', () => {
      const restore = { deliveryType: 'automated', targetGroupId: TGT, targetClusterName: 'staging' };
      expect(problems({ ...base, restore })).toEqual([
        "restore.overwrite is required: an automated restore overwrites all data of cluster 'staging' in project " +
          `${TGT}. To consent, name the target cluster: restore.overwrite = 'staging' (CLI: --overwrite staging)`,
      ]);
      const pit = { ...restore, deliveryType: 'pointInTime', pointInTimeUTCSeconds: MIN_PIT_SECONDS + 1 };
      expect(problems({ ...base, restore: pit }).join()).toMatch(/^restore\.overwrite is required: a pointInTime/);
    });

    it('refuses a restore onto its own source without consent, saying it would overwrite what is backed up', () => {
      const restore = { deliveryType: 'automated', targetGroupId: base.groupId, targetClusterName: base.clusterName };
      expect(problems({ ...base, restore })).toEqual([
        `restore.overwrite is required: the target is the source cluster 'prod-1' itself (project ${base.groupId}): ` +
          'the restore would overwrite the data being backed up. To consent, name the target cluster: ' +
          "restore.overwrite = 'prod-1' (CLI: --overwrite prod-1)",
      ]);
      expect(problems({ ...base, restore: { ...restore, overwrite: 'prod-1' } })).toEqual([]);
    });

    it('refuses consent naming another cluster than the target', () => {
      const restore = { deliveryType: 'automated', targetGroupId: TGT, targetClusterName: 'stg', overwrite: 'prod' };
      expect(problems({ ...base, restore })).toEqual([
        "restore.overwrite ('prod') must name the target cluster restore.targetClusterName ('stg'): " +
          'consent is given for the cluster that is overwritten',
      ]);
    });

    it('refuses overwrite and production on a download restore, which overwrites nothing', () => {
      expect(problems({ ...base, restore: { deliveryType: 'download', overwrite: 'x', production: true } })).toEqual([
        'restore.overwrite must be omitted when deliveryType is download ' +
          '(Atlas hands out download links instead of restoring into a cluster)',
        'restore.production must be omitted when deliveryType is download ' +
          '(Atlas hands out download links instead of restoring into a cluster)',
      ]);
    });
  });

  it('rejects unknown fields so a typo is not silently ignored', () => {
    expect(problems({ ...base, snapshots: {} }).join()).toMatch(/snapshots/);
  });

  it('throws InvalidInputError listing every problem', () => {
    expect(() => parseOrThrow(backupPipelineInputSchema(), { clusterName: 'x' }, 'backup request')).toThrow(
      InvalidInputError,
    );
    expect(() => parseOrThrow(backupPipelineInputSchema(), { clusterName: 'x' }, 'backup request')).toThrow(
      /Invalid backup request: groupId is required/,
    );
  });
});
