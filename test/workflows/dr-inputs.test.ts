// The disasterRecovery input rules (seed 003 applied to DR): checked before any run starts.
import { describe, expect, it } from 'vitest';
import { approvalGateOn, disasterRecoveryInputSchema, type DisasterRecoveryRequest } from '../../src/contract/index.js';
import { formatIssues } from '../../src/contract/index.js';

const G1 = '65f1a0c0a1b2c3d4e5f60001';
const G2 = '65f1a0c0a1b2c3d4e5f60002';
const SNAP = '65f1a0c0a1b2c3d4e5f6c001';
const base: DisasterRecoveryRequest = {
  source: { kind: 'dedicated', groupId: G1, clusterName: 'prod' },
  what: { latest: true },
  target: { groupId: G2, clusterName: 'standby' },
};

function problems(request: unknown): string[] {
  const r = disasterRecoveryInputSchema().safeParse(request);
  return r.success ? [] : formatIssues(r.error);
}

describe('disasterRecovery input', () => {
  it('accepts the latest snapshot into another project; defaults to automated, gate off, 1 h approval timeout', () => {
    const input = disasterRecoveryInputSchema().parse(base);
    expect(input.deliveryType).toBe('automated');
    expect(input.approval).toEqual({ required: false, timeoutSeconds: 3600 });
    expect(input.target?.production).toBe(false);
    expect(approvalGateOn(input)).toBe(false);
  });

  it('polls a restore at most every 15 s by default, to keep recovery time short', () => {
    expect(disasterRecoveryInputSchema().parse(base).polling).toEqual({
      initialIntervalSeconds: 2,
      maximumIntervalSeconds: 15,
      backoffCoefficient: 1.5,
    });
    expect(
      disasterRecoveryInputSchema().parse({ ...base, polling: { maximumIntervalSeconds: 30 } }).polling
        .maximumIntervalSeconds,
    ).toBe(30);
  });

  it('turns the approval gate on for a production target or when asked', () => {
    expect(
      approvalGateOn(disasterRecoveryInputSchema().parse({ ...base, target: { ...base.target!, production: true } })),
    ).toBe(true);
    expect(approvalGateOn(disasterRecoveryInputSchema().parse({ ...base, approval: { required: true } }))).toBe(true);
  });

  it('resolves deliveryType pointInTime from either form of a point in time', () => {
    expect(
      disasterRecoveryInputSchema().parse({ ...base, what: { pointInTimeUTCSeconds: 1_700_000_000 } }).deliveryType,
    ).toBe('pointInTime');
    expect(
      disasterRecoveryInputSchema().parse({ ...base, what: { oplogTs: 1_700_000_000, oplogInc: 3 } }).deliveryType,
    ).toBe('pointInTime');
  });

  it('rejects a point in time for flex and serverless sources, naming the field', () => {
    for (const kind of ['flex', 'serverless'] as const) {
      const p = problems({ ...base, source: { ...base.source, kind }, what: { pointInTimeUTCSeconds: 1_700_000_000 } });
      expect(p.join('\n')).toMatch(new RegExp(`what\\.pointInTimeUTCSeconds.*not available for ${kind} sources`));
    }
  });

  it('rejects a missing target for automated and pointInTime restores', () => {
    const { target: _t, ...noTarget } = base;
    expect(problems(noTarget).join('\n')).toContain(
      'target (groupId, clusterName) is required when deliveryType is automated',
    );
    expect(problems({ ...noTarget, what: { pointInTimeUTCSeconds: 1_700_000_000 } }).join('\n')).toContain(
      'required when deliveryType is pointInTime',
    );
  });

  it('allows download for dedicated and flex sources (not serverless), without a target', () => {
    const { target: _t, ...noTarget } = base;
    expect(problems({ ...noTarget, what: { snapshotId: SNAP }, deliveryType: 'download' })).toEqual([]);
    const flex = { ...noTarget, source: { ...base.source, kind: 'flex' }, deliveryType: 'download' };
    expect(problems(flex)).toEqual([]);
    expect(
      problems({ ...noTarget, source: { ...base.source, kind: 'serverless' }, deliveryType: 'download' }).join('\n'),
    ).toContain('download is only supported for dedicated and flex sources');
    expect(problems({ ...base, deliveryType: 'download' }).join('\n')).toContain(
      'target must be omitted when deliveryType is download',
    );
  });

  it('requires exactly one form of what to restore', () => {
    expect(problems({ ...base, what: {} }).join('\n')).toContain('what must give one of snapshotId, latest: true');
    expect(problems({ ...base, what: { latest: true, snapshotId: SNAP } }).join('\n')).toContain('mutually exclusive');
    expect(problems({ ...base, what: { oplogTs: 1_700_000_000 } }).join('\n')).toContain(
      'what.oplogInc is required with the other oplog field',
    );
    expect(problems({ ...base, what: { pointInTimeUTCSeconds: 1000 } }).join('\n')).toContain(
      'what.pointInTimeUTCSeconds must be >= 1199145600',
    );
  });

  it('rejects a deliveryType that contradicts what is restored', () => {
    expect(
      problems({ ...base, what: { pointInTimeUTCSeconds: 1_700_000_000 }, deliveryType: 'automated' }).join('\n'),
    ).toContain('deliveryType must be pointInTime');
    expect(problems({ ...base, deliveryType: 'pointInTime' }).join('\n')).toContain(
      'deliveryType pointInTime needs what.pointInTimeUTCSeconds',
    );
  });

  it('keeps the point-in-time fields within Atlas int32 and intervals within Temporal milliseconds', () => {
    expect(problems({ ...base, what: { oplogTs: 2 ** 31, oplogInc: 1 } })).toEqual([
      'what.oplogTs must be at most 2147483647 (Atlas stores it as a 32-bit integer)',
    ]);
    expect(problems({ ...base, approval: { timeoutSeconds: 0.0001 } })).toEqual([
      'approval.timeoutSeconds must be at least 0.001 seconds (Temporal counts whole milliseconds)',
    ]);
  });

  it('names malformed ids and cluster names by field', () => {
    const p = problems({ ...base, source: { kind: 'dedicated', groupId: 'nope', clusterName: '-bad' } }).join('\n');
    expect(p).toContain('source.groupId must be a 24-character hex id');
    expect(p).toContain('source.clusterName must match');
    expect(problems({ ...base, source: { ...base.source, kind: 'shared' } }).join('\n')).toContain(
      'source.kind must be one of dedicated, serverless, flex',
    );
  });
});
