// Every operation in the table names the rate-limit endpoint set whose bucket it draws on, and the
// simulator's model of Atlas's default-limits table (an independent reading of it) agrees.
import { describe, expect, it } from 'vitest';
import { operationIds, operations } from '../../src/atlas/index.js';
import { fairnessKeyOf } from '../../src/contract/index.js';
import { SET_OF } from '../../src/simulator/model/rate-limit-sets.js';

describe('endpoint sets of the operation table', () => {
  it.each(operationIds)('%s draws on the set the simulator charges it to', (id) => {
    expect((operations[id] as { endpointSet?: string }).endpointSet).toBe(SET_OF[id]?.endpointSetId);
  });

  it('gives each project × set its own fairness key, without the project id in it', () => {
    const g = '65f1a0c0a1b2c3d4e5f6c001';
    const keys = [fairnessKeyOf(g), fairnessKeyOf(g, 'clusters_group'), fairnessKeyOf('65f1a0c0a1b2c3d4e5f6c002')];
    expect(new Set(keys).size).toBe(3);
    expect(keys.every((k) => !k.includes(g) && k.length <= 64)).toBe(true);
    // USER-scoped sets are the caller's, whatever the project.
    expect(fairnessKeyOf(g, 'projects_user')).toBe(fairnessKeyOf('', 'projects_user'));
  });
});
