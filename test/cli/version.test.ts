// `atlas-backup --version` (and -V) prints the version from package.json and exits 0; -v stays --verbose.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';

const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

describe('atlas-backup --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version alone and exits 0', async (flag) => {
    const r = await runCli([flag]);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('lists the flag in --help beside -v, --verbose', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/-V, --version\s+print the atlas-backup version/);
    expect(r.stdout).toMatch(/-v, --verbose/);
  });
});
