// `npm run demo`'s command: exits 0, prints the snapshot id and its final status, verifies the
// restore and shows the restored data beside the source's (when FerretDB is installed), recovers a
// dropped collection with --collections, and leaves no process behind.
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
    // Nothing failed; the verification's summary line counts its failures ("0 failed").
    expect((r.stderr + r.stdout).replace(/, 0 failed/g, '')).not.toMatch(/atlas-backup:|failed/);
    expect(r.code, `demo output:\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/Backup completed: backup-demo-cluster-65f1a0c0a1b2c3d4e5f60001/);
    expect(r.stdout).toMatch(/snapshot\s+[a-f0-9]{24}\s+status completed/);
    expect(r.stdout).toMatch(/export\s+[a-f0-9]{24}\s+state Successful/);
    expect(r.stdout).toContain('[waiting-for-snapshot]');
    expect(r.stdout).toMatch(/restore\s+[a-f0-9]{24}\s+automated\s+state finished/);
    if (dataPlaneUnavailable()) expect(r.stdout).toMatch(/Data: off: FerretDB .*; clusters are job records only/);
    else {
      // The product's verdict: every demo collection and the canary, as the run's status reports them.
      expect(r.stdout).toMatch(/restore \(verified\)/);
      expect(r.stdout).toMatch(/\n {2}data +verified: (\d+) of \1 ok, 0 failed/);
      expect(r.stdout).toMatch(/\n +ok +atlas_backup_canary\.canaries .* canary of \S+ found\n/);
      expectDataTable(r.stdout);
    }
    // The run-time credentials never reach the screen.
    expect(r.stdout).not.toMatch(/mdb_sa_sk_/);
    const pid = Number(/\(pid (\d+)\)/.exec(r.stdout)?.[1]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  }, 320_000);

  it.skipIf(dataPlaneUnavailable())(
    '--collections: drops the collection after the snapshot, recovers it under a suffix, verified',
    async () => {
      const r = await runCli(
        ['demo', '--time-scale', '0.3', '--no-export', '--restore', 'none', '--collections', 'shop.orders'],
        {
          env: { TEMPORAL_ADDRESS: '', TEMPORAL_TASK_QUEUE: '' },
          timeoutMs: 300_000,
        },
      );
      expect(r.code, `demo output:\n${r.stdout}\n${r.stderr}`).toBe(0);
      const restored = 'shop\\.orders → shop\\.orders_restored_\\d{8}';
      expect(r.stdout).toContain('  dropped shop.orders (it held 100,000 documents)');
      expect(r.stdout).toMatch(/Disaster recovery completed: dr-demo-cluster-/);
      expect(r.stdout).toMatch(new RegExp(`\\n {14}${restored} {2}SUCCESSFUL 100000/100000\\n`));
      expect(r.stdout).toMatch(/\n {2}data +verified: 1 of 1 ok, 0 failed/);
      expect(r.stdout).toMatch(new RegExp(`\\n {2}${restored} {2}before the drop 100,000 {2}restored 100,000 {2}✓\\n`));
    },
    320_000,
  );

  it('refuses a --collections namespace the demo does not hold, before starting anything', async () => {
    const r = await runCli(['demo', '--collections', 'app.orders'], { env: { TEMPORAL_ADDRESS: '' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--collections: 'app\.orders' is not a collection of the demo's demo-cluster; it holds shop\.customers/,
    );
    expect(r.stdout).not.toContain('Starting');
  });
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
