// The pre-flight's judgement of a snapshot retention under a Backup Compliance Policy (pure functions;
// the read itself is covered on the simulator in test/workflows/pipeline-compliance.test.ts).
import { describe, expect, it } from 'vitest';
import { judgeRetention, retentionDays } from '../../src/activities/compliance.js';
import type { CompliancePolicy } from '../../src/atlas/index.js';

const G = '6a0000000000000000000c01';
const policy = (retentionUnit: string, retentionValue: number): CompliancePolicy => ({
  authorizedEmail: 'a@example.com',
  authorizedUserFirstName: 'A',
  authorizedUserLastName: 'B',
  onDemandPolicyItem: { frequencyType: 'ondemand', frequencyInterval: 0, retentionUnit, retentionValue },
});

describe('retentionDays', () => {
  it('counts days and weeks exactly, months and years by the calendar from the given day', () => {
    const jan31 = Date.parse('2026-01-31T00:00:00Z');
    expect(retentionDays(3, 'days', jan31)).toBe(3);
    expect(retentionDays(2, 'weeks', jan31)).toBe(14);
    expect(retentionDays(1, 'months', jan31)).toBe(31); // 2026-03-03: JavaScript rolls Feb 31 over
    expect(retentionDays(1, 'years', Date.parse('2028-01-01T00:00:00Z'))).toBe(366);
    expect(retentionDays(1, 'fortnights', jan31)).toBeUndefined();
  });
});

describe('judgeRetention', () => {
  it('refuses below the on-demand minimum, naming the field and the policy value', () => {
    const v = judgeRetention({ kind: 'policy', policy: policy('weeks', 2) }, 13, G);
    expect(v.refusal?.field).toBe('snapshot.retentionInDays');
    expect(v.refusal?.why).toContain('onDemandPolicyItem: 2 weeks = 14 days');
    expect(v.note).toBeUndefined();
  });

  it('allows the minimum itself with the never-deleted-early note', () => {
    const v = judgeRetention({ kind: 'policy', policy: policy('days', 14) }, 14, G);
    expect(v.refusal).toBeUndefined();
    expect(v.note).toContain('can never be deleted early');
  });

  it('notes a policy it could not read, and says nothing without one', () => {
    expect(judgeRetention({ kind: 'forbidden', errorCode: 'USER_UNAUTHORIZED' }, 1, G).note).toContain(
      'Could not read the Backup Compliance Policy',
    );
    expect(judgeRetention({ kind: 'none' }, 1, G)).toEqual({});
  });
});
