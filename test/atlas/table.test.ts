// The operation table must agree with the shared catalogue (which the simulator routes by).
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { catalog, KNOWN_API_VERSIONS, operationIds, operations, type ListOperationId } from '../../src/atlas/index.js';

describe('operation table', () => {
  it('declares exactly the catalogue operations', () => {
    expect(Object.keys(operations).sort()).toEqual([...operationIds].sort());
  });

  it.each(operationIds)('%s lists the same path parameters as its path template', (op) => {
    const inTemplate = [...catalog[op].path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    expect([...operations[op].params]).toEqual(inTemplate);
  });

  it.each(operationIds)('%s is a list operation exactly when the catalogue says so, with a known version', (op) => {
    const response = operations[op].response as z.ZodType | null;
    const isList = response instanceof z.ZodObject && 'results' in response.shape;
    expect(isList).toBe(catalog[op].list === true);
    expect(KNOWN_API_VERSIONS).toContain(catalog[op].version);
  });

  it('types list operations for paginate()', () => {
    expectTypeOf<'listBackupSnapshots'>().toExtend<ListOperationId>();
    expectTypeOf<'listFlexRestoreJobs'>().toExtend<ListOperationId>();
    expectTypeOf<'getClusterBackupSnapshot'>().not.toExtend<ListOperationId>();
  });
});
