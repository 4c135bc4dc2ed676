// The line `fleet status` and `fleet watch` print for a large fleet's folded reports
// (src/workflows/fleet-reports.ts): how many, by outcome, and where each cluster's details are.
import { describe, expect, it } from 'vitest';
import { foldedLine } from '../../src/cli/commands/fleet.js';

describe('a fleet whose reports were folded', () => {
  it('says how many clusters are counted, not listed, by outcome, and the query that finds their runs', () => {
    const line = foldedLine("fleet-o'brien", { count: 4210, byOutcome: { completed: 4200, failed: 10 } });
    expect(line).toContain('4210 more clusters counted, not listed (completed 4200, failed 10)');
    expect(line).toContain(`temporal workflow list --query "FleetId = 'fleet-o\\'brien'"`);
  });
});
