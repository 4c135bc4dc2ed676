// The contract as a preloaded module leaves it: the SDK deep-freezes what the workflow thread's
// preloaded modules export (own properties of objects, all the way down; a function is frozen
// itself, what it closes over is not). Frozen the same way in this process (this file only: vitest
// gives each test file its own), every workflow input schema must still be built and parse, since
// zod writes onto what it is given (a pattern's lastIndex, its lazy parts) and would throw.
import { beforeAll, describe, expect, it } from 'vitest';
import * as contract from '../../src/contract/index.js';
import * as workflows from '../../src/workflows/index.js';

function freezeAsTheSdkDoes(value: unknown, seen = new WeakSet<object>()): void {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
  if (seen.has(value) || Object.isFrozen(value)) return;
  seen.add(value);
  if (typeof value === 'object')
    for (const key of Reflect.ownKeys(value)) {
      try {
        freezeAsTheSdkDoes((value as Record<PropertyKey, unknown>)[key], seen);
      } catch {
        // Some objects cannot be frozen (typed arrays with elements): the SDK skips them too.
      }
    }
  Object.freeze(value);
}

const G1 = '65f1a0c0a1b2c3d4e5f60001';
const G2 = '65f1a0c0a1b2c3d4e5f60002';
const BUCKET = '65f1a0c0a1b2c3d4e5f6b001';
const notify = { url: 'https://hooks.example.com/atlas-backup' };

describe('the contract, frozen as the SDK freezes a preloaded module', () => {
  beforeAll(() => {
    freezeAsTheSdkDoes(contract);
    freezeAsTheSdkDoes(workflows);
  });

  it('froze the exported patterns the schemas check ids and names with', () => {
    expect(Object.isFrozen(contract.ID_PATTERN)).toBe(true);
    expect(Object.isFrozen(contract.CLUSTER_NAME_PATTERN)).toBe(true);
  });

  it('every workflow input schema is built and parses a full request', () => {
    const parsed = [
      contract.backupPipelineInputSchema().safeParse({
        groupId: G1,
        clusterName: 'prod-1',
        export: { exportBucketId: BUCKET, customData: [{ key: 'team', value: 'dba' }] },
        restore: { deliveryType: 'automated', targetGroupId: G2, targetClusterName: 'standby', overwrite: 'standby' },
        notify,
      }),
      contract.disasterRecoveryInputSchema().safeParse({
        source: { kind: 'dedicated', groupId: G1, clusterName: 'prod-1' },
        what: { latest: true },
        target: { groupId: G2, clusterName: 'standby' },
        verify: { queries: [{ collection: 'shop.orders', filter: { total: { $gt: 0 } }, expect: { min: 1 } }] },
        notify,
      }),
      contract.fleetBackupInputSchema().safeParse({
        targets: { projects: [G1] },
        filter: { namePattern: 'prod-*', clusterTypes: ['REPLICASET'] },
        export: { bucketsByProject: { [G1]: BUCKET } },
        notify,
      }),
      contract.restoreTestInputSchema().safeParse({
        source: { groupId: G1, clusterName: 'prod-1' },
        scratch: { groupId: G2, clusterName: 'scratch', overwrite: 'scratch' },
        notify,
      }),
      contract.pruneSnapshotsInputSchema().safeParse({ groupId: G1, clusterNames: ['prod-1'], rules: { keepLast: 3 } }),
    ];
    expect(parsed.map((p) => (p.success ? 'ok' : contract.formatIssues(p.error).join('; ')))).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
    ]);
  });

  it('still names the field and the rule of a bad id', () => {
    const r = contract.backupPipelineInputSchema().safeParse({ groupId: 'nope', clusterName: 'c1' });
    expect(r.success ? [] : contract.formatIssues(r.error)).toEqual([
      'groupId must be a 24-character hex id (^([a-f0-9]{24})$)',
    ]);
  });
});
