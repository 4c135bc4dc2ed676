// The lint rule that keeps visibility query strings inside src/runs: it fires on the shapes of
// query the code used to build by hand elsewhere, and stays quiet in src/runs and on plain prose.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// Snippets are not files of the project, so they are linted without type information.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});

async function visibilityProblems(code: string, file: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-syntax' && /src\/runs/.test(m.message)).length;
}

const HAND_BUILT = [
  `export const a = "WorkflowType = 'backupPipeline' AND ExecutionStatus = 'Running'";`,
  "export const b = (id: string) => `FleetId = '${id}' AND ExecutionStatus != 'Running'`;",
  "export const c = (t: Date) => `CloseTime > '${t.toISOString()}'`;",
  'declare const AtlasProject: { name: string };\nexport const d = (p: string) => `${AtlasProject.name} IN (${p})`;',
  "export const e = \"WorkflowType IN ('backupPipeline', 'disasterRecovery')\";",
];

describe('visibility queries stay in src/runs (lint)', () => {
  it.each(HAND_BUILT)('refuses a hand-built query outside src/runs: %s', async (code) => {
    expect(await visibilityProblems(code, 'src/cli/commands/example.ts')).toBeGreaterThan(0);
    expect(await visibilityProblems(code, 'src/activities/example.ts')).toBeGreaterThan(0);
  });

  it.each(HAND_BUILT)('accepts the same query inside src/runs: %s', async (code) => {
    expect(await visibilityProblems(code, 'src/runs/example.ts')).toBe(0);
  });

  it('accepts prose that names the attributes without filtering on them', async () => {
    const prose = "export const help = 'search attribute FleetId: the fleet id; the WorkflowType column';";
    expect(await visibilityProblems(prose, 'src/cli/commands/example.ts')).toBe(0);
  });
});
