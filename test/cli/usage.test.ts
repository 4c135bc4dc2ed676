// Bad input never reaches Temporal: flags and request fields are checked first, exit code 2, one
// line naming the flag or field. Every command's --help carries an example.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { drWorkflowId } from '../../src/runs/index.js';
import { buildProgram } from '../../src/cli/main.js';
import { exportBarLine } from '../../src/cli/progress.js';
import { runCli } from './helpers.js';

// Nothing listens here: a command that got past validation would fail to connect (exit 1), not exit 2.
const NOWHERE = { TEMPORAL_ADDRESS: '127.0.0.1:9' };
const P = '65f1a0c0a1b2c3d4e5f60001';

describe('bad input exits 2 with one line naming the flag or field', () => {
  it('an unknown flag', async () => {
    const r = await runCli(['backup', '--project', P, '--cluster', 'c', '--bogus-flag'], { env: NOWHERE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--bogus-flag'");
  });

  it('a flag value that breaks its rule', async () => {
    const r = await runCli(['backup', '--project', P, '--cluster', 'c', '--retention-days', 'soon'], { env: NOWHERE });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--retention-days <n>'? argument 'soon' is invalid\. must be a whole number/);
  });

  it('a request field from flags, naming the field and its flag', async () => {
    const r = await runCli(['backup', '--project', 'not-an-id', '--cluster', 'c'], { env: NOWHERE });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('groupId must be a 24-character hex id');
    expect(r.stderr).toContain('(flag --project)');
  });

  it('a request field from a YAML file, and a seed-003 rule across fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'atlas-backup-cli-'));
    const file = join(dir, 'request.yaml');
    writeFileSync(
      file,
      [
        `groupId: ${P}`,
        'clusterName: demo-cluster',
        'snapshot:',
        '  retentionInDays: 0',
        'restore:',
        '  deliveryType: automated',
        '',
      ].join('\n'),
    );
    const r = await runCli(['backup', '--file', file], { env: NOWHERE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('snapshot.retentionInDays must be >= 1');
    expect(r.stderr).toContain('restore.targetGroupId is required when deliveryType is automated');
  });

  it('an empty request file is named, with what to write in it (issue 12)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'empty-req-'));
    for (const name of ['request.json', 'request.yaml']) {
      const file = join(dir, name);
      writeFileSync(file, '  \n');
      const r = await runCli(['backup', '--file', file], { env: NOWHERE });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--file: ${file} is empty: write the request in it as one JSON or YAML object`);
    }
  });

  it('a schedule without a cron or interval, and a time zone that does not exist', async () => {
    const none = await runCli(['schedule', 'create', '--project', P, '--cluster', 'c'], { env: NOWHERE });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('--cron or --every is required');
    const tz = await runCli(
      ['schedule', 'create', '--project', P, '--cluster', 'c', '--cron', '0 3 * * *', '--timezone', 'Mars/Olympus'],
      { env: NOWHERE },
    );
    expect(tz.code).toBe(2);
    expect(tz.stderr).toContain("--timezone: 'Mars/Olympus' is not an IANA time zone");
  });

  it('a cron out of range, an unknown macro, and other bad schedule flags, each naming its flag', async () => {
    const create = ['schedule', 'create', '--project', P, '--cluster', 'c'];
    const cases: [string[], string][] = [
      [['--cron', '99 99 * * *'], "--cron: '99 99 * * *': minute '99' must be in 0-59"],
      [['--cron', '0 3 * * *', '--cron', '0 3 * 13 *'], "--cron: '0 3 * 13 *': month '13' must be in 1-12"],
      [['--cron', '@bogus'], "--cron: '@bogus' is not a known macro"],
      [['--cron', '0 3 * *'], "--cron: '0 3 * *' has 4 field(s)"],
      [['--cron', '*/0 * * * *'], 'step ≥ 1'],
      [['--every', '1h', '--offset', '2h'], '--offset: 2h must be shorter than --every 1h'],
      [['--every', 'often'], "--every <duration>' argument 'often' is invalid"],
      [['--every', '1h', '--jitter', '-5m'], "--jitter <duration>' argument '-5m' is invalid"],
      [['--every', '1h', '--overlap', 'sometimes'], "--overlap <policy>' argument 'sometimes' is invalid"],
      [['--every', '1h', '--catchup-window', '0s'], "--catchup-window <duration>' argument '0s' is invalid"],
    ];
    for (const [flags, message] of cases) {
      const r = await runCli([...create, ...flags], { env: NOWHERE });
      expect({ flags, code: r.code }).toEqual({ flags, code: 2 });
      expect(r.stderr).toContain(message);
    }
    for (const good of ['@daily', '*/15 2-4,22 1-7 jan-mar,12 mon-fri']) {
      const r = await runCli([...create, '--cron', good], { env: NOWHERE });
      expect({ good, code: r.code }).toEqual({ good, code: 1 }); // past validation: no server at NOWHERE
    }
    const update = await runCli(['schedule', 'update', 'x', '--cron', '99 99 * * *'], { env: NOWHERE });
    expect(update.code).toBe(2);
    expect(update.stderr).toContain("--cron: '99 99 * * *'");
    const backfill = await runCli(
      ['schedule', 'backfill', 'x', '--start', 'yesterday', '--end', '2026-01-01T00:00:00Z'],
      {
        env: NOWHERE,
      },
    );
    expect(backfill.code).toBe(2);
    expect(backfill.stderr).toContain("--start <time>' argument 'yesterday' is invalid");
  }, 120_000);

  it('a disaster-recovery request missing its target', async () => {
    const r = await runCli(['dr', '--source-project', P, '--source-cluster', 'c', '--latest'], { env: NOWHERE });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('target (groupId, clusterName) is required when deliveryType is automated');
  });

  it('a disaster-recovery request saying nothing about what to restore names --latest and --snapshot-id', async () => {
    const r = await runCli(
      ['dr', '--source-project', P, '--source-cluster', 'c', '--target-project', P, '--target-cluster', 't'],
      { env: NOWHERE },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('what to restore is required: --latest or --snapshot-id <id>');
    expect(r.stderr).not.toContain('{ latest: true }');
  });

  it('a workflow id that breaks the --id rule, for backup and dr alike', async () => {
    const bad = 'has spaces/and slashes';
    const backup = await runCli(['backup', '-p', P, '-c', 'c', '--id', bad], { env: NOWHERE });
    const dr = await runCli(
      ['dr', '--source-project', P, '--source-cluster', 'c', '--latest', '--delivery-type', 'download', '--id', bad],
      { env: NOWHERE },
    );
    for (const r of [backup, dr]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--id must be 1-200 letters, digits, ".", ":", "_" or "-"');
    }
  });

  it('a download restore given target flags, refused by backup and dr in the same words', async () => {
    const T = '65f1a0c0a1b2c3d4e5f60002';
    const rule = 'must be omitted when deliveryType is download (Atlas hands out download links';
    const backup = await runCli(
      ['backup', '-p', P, '-c', 'c', '--restore', 'download', '--target-project', T, '--target-cluster', 't'],
      { env: NOWHERE },
    );
    expect(backup.code).toBe(2);
    expect(backup.stderr).toContain(`restore.targetGroupId ${rule}`);
    expect(backup.stderr).toMatch(/restore\.targetGroupId [^;]*\(flag --target-project\)/);
    expect(backup.stderr).toMatch(/restore\.targetClusterName [^;]*\(flag --target-cluster\)/);
    const dr = await runCli(
      [
        'dr',
        '--source-project',
        P,
        '--source-cluster',
        'c',
        '--latest',
        '--delivery-type',
        'download',
        '--target-project',
        T,
        '--target-cluster',
        't',
      ],
      { env: NOWHERE },
    );
    expect(dr.code).toBe(2);
    expect(dr.stderr).toContain(`target ${rule}`);
    expect(dr.stderr).toContain('(flag --target-project/--target-cluster)');
  });
});

describe('workflow ids', () => {
  it('a DR id names the target project: same-named targets in two projects are two runs', () => {
    const source = { groupId: P, clusterName: 'prod' };
    const a = drWorkflowId(source, { groupId: '65f1a0c0a1b2c3d4e5f60002', clusterName: 'standby' });
    const b = drWorkflowId(source, { groupId: '65f1a0c0a1b2c3d4e5f60003', clusterName: 'standby' });
    expect(a).not.toBe(b);
    expect(a).toBe(`dr-prod-${P}-to-standby-65f1a0c0a1b2c3d4e5f60002`);
    expect(drWorkflowId(source, undefined)).toBe(`dr-prod-${P}-to-download`);
  });
});

describe('help', () => {
  const leaves = (cmd: Command): Command[] => (cmd.commands.length ? cmd.commands.flatMap(leaves) : [cmd]);

  it('every command has --help with an example', () => {
    const program = buildProgram();
    const commands = leaves(program);
    expect(commands.map((c) => c.name())).toEqual(
      expect.arrayContaining([
        'backup',
        'dr',
        'approve',
        'reject',
        'status',
        'watch',
        'list',
        'cancel',
        'create',
        'trigger',
        'backfill',
        'worker',
        'simulator',
        'demo',
      ]),
    );
    for (const cmd of commands) {
      let text = '';
      cmd.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      cmd.outputHelp();
      expect(text, `${cmd.name()} --help`).toMatch(/Examples?:\n\s+\$ (atlas-backup|npm run demo|TEMPORAL_ADDRESS)/);
    }
  });

  it('backup --help states the one-backup-per-cluster rule', () => {
    const backup = buildProgram().commands.find((c) => c.name() === 'backup')!;
    let text = '';
    backup.configureOutput({ writeOut: (s) => (text += s) });
    backup.outputHelp();
    expect(text).toContain('One backup per cluster');
  });
});

describe('live view', () => {
  it('draws the export progress bar from exported/total collections', () => {
    const line = exportBarLine({ exportedCollections: 4, totalCollections: 10 });
    expect(line).toContain('40% 4/10 collections');
    expect(line).toMatch(/\[█{12}░{18}\]/);
    expect(exportBarLine({ exportedCollections: 0, totalCollections: 0 })).toContain('0% 0/0 collections');
  });
});
