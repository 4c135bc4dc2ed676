// `npm run demo`'s command: exits 0, prints the snapshot id and its final status, shows the restored
// data beside the source's (when FerretDB is installed), and leaves no process behind.
import { describe, expect, it } from 'vitest';
import { DEMO_DATA, dataPlaneUnavailable } from '../../src/simulator/index.js';
import { runCli } from './helpers.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('atlas-backup demo', () => {
  it('runs a pipeline on built-in defaults, prints the snapshot id and status, stops its dev server', async () => {
    const r = await runCli(['demo', '--time-scale', '0.3'], {
      env: { TEMPORAL_ADDRESS: '', TEMPORAL_TASK_QUEUE: '' },
      // Seeding, capturing and restoring the demo's 133k documents take a while on a busy machine.
      timeoutMs: 300_000,
    });
    expect(r.stderr + r.stdout).not.toMatch(/atlas-backup:|failed/);
    expect(r.code, `demo output:\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Backup completed: backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001/);
    expect(r.stdout).toMatch(/snapshot\s+[a-f0-9]{24}\s+status completed/);
    expect(r.stdout).toMatch(/export\s+[a-f0-9]{24}\s+state Successful/);
    expect(r.stdout).toContain('[waiting-for-snapshot]');
    expect(r.stdout).toMatch(/restore\s+[a-f0-9]{24}\s+automated\s+state finished/);
    if (dataPlaneUnavailable()) expect(r.stdout).toMatch(/Data: off: FerretDB .*; clusters are job records only/);
    else expectDataTable(r.stdout);
    // The run-time credentials never reach the screen.
    expect(r.stdout).not.toMatch(/mdb_sa_sk_/);
    const pid = Number(/\(pid (\d+)\)/.exec(r.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  }, 320_000);
});

/** Every demo collection on one line, the same count as source and as restored, ticked. */
function expectDataTable(stdout: string): void {
  expect(stdout).toContain('Data in restore-target after the restore, read with the mongodb driver:');
  for (const [db, collections] of Object.entries(DEMO_DATA))
    for (const [coll, count] of Object.entries(collections)) {
      const n = count.toLocaleString('en-US');
      expect(stdout).toMatch(new RegExp(`\\n  ${db}\\.${coll} +source +${n}  restored +${n}  ✓\\n`));
    }
}
