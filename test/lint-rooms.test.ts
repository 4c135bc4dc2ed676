// The lint rules that keep a concern in its room: visibility query strings inside src/runs (the
// shapes of query the code used to build by hand elsewhere), the environment inside src/config.ts.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
// Snippets are not files of the project, so they are linted without type information.
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts'], ...tseslint.configs.disableTypeChecked }],
});

async function problems(code: string, file: string, rule: string, says: RegExp): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result!.messages.filter((m) => m.ruleId === rule && says.test(m.message)).length;
}
const visibilityProblems = (code: string, file: string) => problems(code, file, 'no-restricted-syntax', /src\/runs/);
const envProblems = (code: string, file: string) => problems(code, file, 'no-restricted-properties', /src\/config\.ts/);

const HAND_BUILT = [
  `export const a = "WorkflowType = 'backupPipeline' AND ExecutionStatus = 'Running'";`,
  "export const b = (id: string) => `FleetId = '${id}' AND ExecutionStatus != 'Running'`;",
  "export const c = (t: Date) => `CloseTime > '${t.toISOString()}'`;",
  'declare const AtlasProject: { name: string };\nexport const d = (p: string) => `${AtlasProject.name} IN (${p})`;',
  "export const e = \"WorkflowType IN ('backupPipeline', 'disasterRecovery')\";",
  "export const f = (v: string) => `TemporalWorkerDeploymentVersion = '${v}'`;",
  'export const g = "WorkflowId STARTS_WITH \'backup-\'";',
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

describe('the environment is read only in src/config.ts (lint)', () => {
  const reads = ['export const a = process.env.ATLAS_SIM_FAULTS;', "export const b = process.env['PATH'];"];

  it.each(reads)('refuses a read outside src/config.ts: %s', async (code) => {
    expect(await envProblems(code, 'src/cli/commands/example.ts')).toBe(1);
    expect(await envProblems(code, 'src/simulator/example.ts')).toBe(1);
  });

  it.each(reads)('accepts it in src/config.ts: %s', async (code) => {
    expect(await envProblems(code, 'src/config.ts')).toBe(0);
  });
});
