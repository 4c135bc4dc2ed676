// Static checks that run with the suite, so CI catches them: the project typechecks, and the
// lint rules hold (workflow code must stay deterministic; no floating promises anywhere).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

describe('static checks', () => {
  it('typechecks under strict NodeNext settings', () => {
    const r = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(root, 'tsconfig.json')],
      { encoding: 'utf8', cwd: root },
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('passes the lint rules in src, including the determinism rules for src/workflows', async () => {
    const eslint = new ESLint({ cwd: root });
    const results = await eslint.lintFiles(['src']);
    const problems = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(root.length + 1)}:${m.line} ${m.ruleId ?? ''} ${m.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('is formatted by Prettier (the one formatter; npm run format fixes it)', () => {
    const prettier = join(root, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
    const r = spawnSync(process.execPath, [prettier, '--check', '**/*.{ts,js,mjs,cjs}'], {
      encoding: 'utf8',
      cwd: root,
    });
    expect(r.stdout + r.stderr).toContain('All matched files use Prettier code style!');
    expect(r.status).toBe(0);
  });

  it('rejects a Node built-in or Math.random in workflow code', async () => {
    // The probe is not a project file, so lint it without type information.
    const eslint = new ESLint({
      cwd: root,
      overrideConfig: {
        languageOptions: { parserOptions: { projectService: false, project: null } },
        rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
      },
    });
    const [result] = await eslint.lintText(
      "import { readFileSync } from 'node:fs';\nexport const x = Math.random() + readFileSync.length;\n",
      {
        filePath: join(root, 'src', 'workflows', 'lint-probe.ts'),
      },
    );
    const rules = result!.messages.map((m) => m.ruleId);
    expect(rules).toContain('no-restricted-imports');
    expect(rules).toContain('no-restricted-properties');
  });
});
