// The default build id of a versioned worker: the package version and a hash of the workflow code,
// the same for the same code (workers agree without coordination), another for any change.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadWorkerConfig } from '../src/config.js';
import { codeBuildId, deploymentOf } from '../src/worker.js';
import { defaultBuildId, workflowCodeHash } from '../src/worker-deployment.js';

const dirs: string[] = [];
function codeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wf-code-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('the default build id', () => {
  it('is <version>+<12 hex> and the same for the same code', () => {
    const a = codeDir({ 'index.ts': 'export const x = 1;', 'sub/step.ts': 'export const y = 2;' });
    const b = codeDir({ 'index.ts': 'export const x = 1;', 'sub/step.ts': 'export const y = 2;' });
    expect(defaultBuildId('1.0.0', [a])).toMatch(/^1\.0\.0\+[0-9a-f]{12}$/);
    expect(workflowCodeHash([a])).toBe(workflowCodeHash([b]));
  });

  it('changes with any change to the code, in any file, and ignores files that are not code', () => {
    const base = { 'index.ts': 'export const x = 1;', 'sub/step.ts': 'export const y = 2;' };
    const hash = workflowCodeHash([codeDir(base)]);
    expect(workflowCodeHash([codeDir({ ...base, 'sub/step.ts': 'export const y = 3;' })])).not.toBe(hash);
    expect(workflowCodeHash([codeDir({ ...base, 'sub/new.ts': '' })])).not.toBe(hash);
    expect(workflowCodeHash([codeDir({ ...base, 'notes.md': 'hello' })])).toBe(hash);
  });

  it('is what a worker with a deployment name and no build id uses; a given build id wins', () => {
    const env = { MONGODB_ATLAS_AUTH: 'none', MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1:1' };
    expect(deploymentOf(loadWorkerConfig(env))).toBeUndefined();
    const named = loadWorkerConfig({ ...env, ATLAS_BACKUP_DEPLOYMENT_NAME: 'atlas-backup' });
    expect(deploymentOf(named)).toEqual({ deploymentName: 'atlas-backup', buildId: codeBuildId() });
    expect(codeBuildId()).toMatch(/^1\.0\.0\+[0-9a-f]{12}$/);
    const given = loadWorkerConfig({
      ...env,
      ATLAS_BACKUP_DEPLOYMENT_NAME: 'atlas-backup',
      ATLAS_BACKUP_BUILD_ID: 'b7',
    });
    expect(deploymentOf(given)?.buildId).toBe('b7');
  });

  it('refuses a deployment name that cannot name a version, naming the variable', () => {
    const env = { MONGODB_ATLAS_AUTH: 'none', MONGODB_ATLAS_BASE_URL: 'http://127.0.0.1:1' };
    expect(() => loadWorkerConfig({ ...env, ATLAS_BACKUP_DEPLOYMENT_NAME: 'a.b' })).toThrow(
      /ATLAS_BACKUP_DEPLOYMENT_NAME: must be 1-200 letters/,
    );
  });
});
