// `npm test` and `npm run demo` install the locked dependencies first (scripts/bootstrap.mjs); that
// install never leaves a tracked file changed. Run against a stand-in `npm` on PATH that rewrites the
// lock as npm may (the real one would reinstall this checkout's node_modules).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script (Node built-ins only), without type declarations.
import { installLocked } from '../scripts/install-locked.mjs';

const LOCK = '{\n  "name": "x",\n  "lockfileVersion": 3\n}\n';
let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('bootstrap install', () => {
  it('installs with --no-save and leaves package-lock.json as committed even when npm rewrites it', () => {
    dir = mkdtempSync(join(tmpdir(), 'bootstrap-'));
    const root = join(dir, 'repo');
    const bin = join(dir, 'bin');
    mkdirSync(root);
    mkdirSync(bin);
    writeFileSync(join(root, 'package-lock.json'), LOCK);
    const npm = join(bin, 'npm');
    writeFileSync(
      npm,
      `#!/bin/sh\necho "$@" > "${join(dir, 'args')}"\necho '{"rewritten": true}' > package-lock.json\n`,
    );
    chmodSync(npm, 0o755);
    const run = (cmd: string, args: string[]) => {
      const r = spawnSync(cmd, args, { cwd: root, env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      expect(r.status).toBe(0);
    };
    expect((installLocked as (root: string, run: unknown) => boolean)(root, run)).toBe(true);
    expect(readFileSync(join(dir, 'args'), 'utf8')).toContain('install --no-save');
    expect(readFileSync(join(root, 'package-lock.json'), 'utf8')).toBe(LOCK);
  });
});
